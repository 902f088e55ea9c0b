"""Logto connector for Alibaba Cloud (Aliyun) Short Message Service.

Importing this package is cheap: the Aliyun SDK is loaded on the first send (or ``warm_up()``).
"""

import logging

from .config.check import check_config
from .config.schema import CONFIG_SCHEMA, schema_path
from .config.validate import validate_config
from .connector import AliyunSmsConnector, create_connector
from .delivery import (
    DeliveryReceiver,
    DeliveryReport,
    on_delivery,
    query_delivery,
    query_delivery_async,
)
from .kit import (
    AliyunSmsConfig,
    ConnectorError,
    ConnectorErrorCode,
    ConnectorType,
    SendMessageData,
    SendResult,
    Template,
    TemplateCode,
    TemplateType,
)
from .limits import configure_limits, reset_limits, use_redis
from .send import send_message, send_message_async, warm_up
from .texts.metadata import METADATA, asset_bytes, asset_path, metadata_for, resolve_language
from .texts.schema_texts import schema_for

__version__ = "0.1.0"

# A library logs; the host decides where to. Without a handler of the host's, nothing is printed.
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "CONFIG_SCHEMA",
    "METADATA",
    "AliyunSmsConfig",
    "AliyunSmsConnector",
    "ConnectorError",
    "ConnectorErrorCode",
    "ConnectorType",
    "DeliveryReceiver",
    "DeliveryReport",
    "SendMessageData",
    "SendResult",
    "Template",
    "TemplateCode",
    "TemplateType",
    "__version__",
    "asset_bytes",
    "asset_path",
    "check_config",
    "configure_limits",
    "create_connector",
    "metadata_for",
    "on_delivery",
    "query_delivery",
    "query_delivery_async",
    "reset_limits",
    "resolve_language",
    "schema_for",
    "schema_path",
    "send_message",
    "send_message_async",
    "use_redis",
    "validate_config",
    "warm_up",
]
