"""create_connector: Logto's ``createConnector({getConfig})`` for the MAS connector."""

from __future__ import annotations

import copy
from typing import Any

from ..kit import ConnectorType
from ..stored_config import GetConfig, stored_config, stored_config_async
from ._schema import CONFIG_SCHEMA
from .config import validate_config
from .metadata import CONNECTOR_ID, METADATA
from .send import send_message, send_message_async


class MasConnector:
    """The MAS connector object a host loads: metadata, type, config schema and send."""

    type = ConnectorType.SMS.value

    def __init__(self, get_config: GetConfig) -> None:
        self._get_config = get_config
        self.metadata: dict[str, Any] = copy.deepcopy(METADATA)
        self.config_schema: dict[str, Any] = copy.deepcopy(CONFIG_SCHEMA)

    def __repr__(self) -> str:
        return f"MasConnector(id={CONNECTOR_ID!r})"

    @staticmethod
    def config_guard(config: Any) -> dict[str, Any]:
        """Validate a config (``validate_config``)."""
        return validate_config(config)

    def _stored_config(self) -> Any:
        return stored_config(self._get_config, CONNECTOR_ID)

    def send_message(self, data: Any, config: Any = None) -> dict[str, Any]:
        """Send one verification code; ``config`` None means the stored one (``get_config``)."""
        return send_message(data, self._stored_config() if config is None else config)

    async def send_message_async(self, data: Any, config: Any = None) -> dict[str, Any]:
        """``send_message`` for asyncio hosts; ``get_config`` may be sync or async."""
        if config is None:
            config = await stored_config_async(self._get_config, CONNECTOR_ID)
        return await send_message_async(data, config)


def create_connector(get_config: GetConfig) -> MasConnector:
    """Build the MAS connector; ``get_config(connector_id)`` returns the stored config."""
    return MasConnector(get_config)
