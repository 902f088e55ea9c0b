"""create_connector: Logto's ``createConnector({getConfig})`` for Python hosts."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any, cast

from . import kit
from .config.schema import CONFIG_SCHEMA
from .config.validate import validate_config
from .delivery import DeliveryReport, query_delivery, query_delivery_async
from .send import send_message, send_message_async
from .stored_config import stored_config, stored_config_async
from .texts.metadata import METADATA
from .usage import get_usage

ConfigSource = kit.AliyunSmsConfig | str | bytes
GetConfig = Callable[[str], "ConfigSource | Awaitable[ConfigSource]"]
"""``get_config(connector_id)``: the stored config (or an awaitable of it)."""


class AliyunSmsConnector:
    """The connector object a host loads: metadata, type, config schema, send and usage."""

    type = kit.ConnectorType.SMS.value

    def __init__(self, get_config: GetConfig) -> None:
        self._get_config = get_config
        # Copies: a host that edits its connector's (e.g. to localise labels) changes no other.
        self.metadata: dict[str, Any] = copy.deepcopy(METADATA)
        self.config_schema: dict[str, Any] = copy.deepcopy(CONFIG_SCHEMA)

    def __repr__(self) -> str:
        return f"AliyunSmsConnector(id={METADATA['id']!r})"

    @staticmethod
    def config_guard(config: Any) -> kit.AliyunSmsConfig:
        """Validate a config (``validate_config``)."""
        return validate_config(config)

    def _stored_config(self) -> ConfigSource:
        return cast(ConfigSource, stored_config(self._get_config, METADATA["id"]))

    def send_message(
        self, data: kit.SendMessageData, config: ConfigSource | None = None
    ) -> kit.SendResult:
        """Send one SMS; ``config`` None means the stored one (``get_config``)."""
        return send_message(data, self._stored_config() if config is None else config)

    async def send_message_async(
        self, data: kit.SendMessageData, config: ConfigSource | None = None
    ) -> kit.SendResult:
        """``send_message`` for asyncio hosts; ``get_config`` may be sync or async."""
        if config is None:
            config = cast(ConfigSource, await stored_config_async(self._get_config, METADATA["id"]))
        return await send_message_async(data, config)

    def get_usage(self, start_from: date | datetime | str | None = None) -> int:
        """Messages sent since ``start_from`` (default: the start of this month, UTC+8)."""
        return get_usage(self._stored_config(), start_from)

    def get_delivery(
        self, phone: str, *, biz_id: str | None = None, date: date | datetime | str | None = None
    ) -> list[DeliveryReport]:
        """What became of the messages to ``phone`` on ``date`` (``query_delivery``)."""
        return query_delivery(self._stored_config(), phone, biz_id=biz_id, date=date)

    async def get_delivery_async(
        self, phone: str, *, biz_id: str | None = None, date: date | datetime | str | None = None
    ) -> list[DeliveryReport]:
        """``get_delivery`` for asyncio hosts; ``get_config`` may be sync or async."""
        config = await stored_config_async(self._get_config, METADATA["id"])
        return await query_delivery_async(config, phone, biz_id=biz_id, date=date)


def create_connector(get_config: GetConfig) -> AliyunSmsConnector:
    """Build the connector; ``get_config(connector_id)`` returns the stored config."""
    return AliyunSmsConnector(get_config)
