"""Logto connector for Aliyun's Message Authentication Service (号码认证 · 短信认证).

Dypnsapi 2017-05-25 ``SendSmsVerifyCode``: Aliyun's gift signatures and system templates, no
signature review, mainland China numbers only. Logto's ``@logto/connector-aliyun-sms-mas``
(id ``aliyun-short-message-auth-service``), with the SendSms connector's SDK door, transport
and limits. Importing this package is cheap: the Dypnsapi SDK is loaded on the first send.
"""

from ._schema import CONFIG_SCHEMA, SYSTEM_TEMPLATES
from .config import check_config, validate_config
from .connector import MasConnector, create_connector
from .metadata import CONNECTOR_ID, METADATA, metadata_for
from .send import send_message, send_message_async, warm_up

__all__ = [
    "CONFIG_SCHEMA",
    "CONNECTOR_ID",
    "METADATA",
    "SYSTEM_TEMPLATES",
    "MasConnector",
    "check_config",
    "create_connector",
    "metadata_for",
    "send_message",
    "send_message_async",
    "validate_config",
    "warm_up",
]
