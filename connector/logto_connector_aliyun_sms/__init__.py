"""Logto connector for Alibaba Cloud (Aliyun) Short Message Service.

Importing this package is cheap: the Aliyun SDK is loaded on the first send.
"""

from .config import CONFIG_SCHEMA, validate_config
from .connector import AliyunSmsConnector, create_connector
from .kit import ConnectorError, ConnectorErrorCode, ConnectorType, TemplateType
from .metadata import METADATA, asset_bytes, asset_path
from .send import send_message, send_message_async

__version__ = "0.1.0"

__all__ = [
    "CONFIG_SCHEMA",
    "METADATA",
    "AliyunSmsConnector",
    "ConnectorError",
    "ConnectorErrorCode",
    "ConnectorType",
    "TemplateType",
    "__version__",
    "asset_bytes",
    "asset_path",
    "create_connector",
    "send_message",
    "send_message_async",
    "validate_config",
]
