"""A connector's stored config, from the host's ``get_config`` (sync or async), for both the
SendSms and the MAS connector objects."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from .kit import ConnectorError, ConnectorErrorCode

GetConfig = Callable[[str], Any]
"""``get_config(connector_id)``: the stored config (or an awaitable of it)."""


def stored_config(get_config: GetConfig, connector_id: str) -> Any:
    """``get_config(connector_id)``, awaited when it is async and no loop is running (a sync
    call inside a running loop cannot wait for it: ConnectorError GENERAL)."""
    config = get_config(connector_id)
    if isinstance(config, Awaitable):
        import asyncio

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(_await(config))
        close = getattr(config, "close", None)
        if callable(close):
            close()  # never awaited: close it instead of leaking a warning
        raise ConnectorError(
            ConnectorErrorCode.GENERAL,
            "get_config is async and a loop is running: use send_message_async",
        )
    return config


async def stored_config_async(get_config: GetConfig, connector_id: str) -> Any:
    """``get_config(connector_id)``, awaited when it is async."""
    stored = get_config(connector_id)
    return await stored if isinstance(stored, Awaitable) else stored


async def _await(value: Awaitable[Any]) -> Any:
    return await value
