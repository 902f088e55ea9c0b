"""Which connector sends for the relay, by Logto connector id (``connectorId``).

Today: the SendSms connector (``aliyun-short-message-service``). The Message Authentication
Service connector (``logto_connector_aliyun_sms.mas``, id ``aliyun-short-message-auth-service``)
is added here when it is merged; an unknown id is refused when the config is read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .config import RelayConfigError


@dataclass(frozen=True)
class Connector:
    """A connector's id and the two functions the relay calls."""

    id: str
    validate: Callable[[Any], Any]
    send: Callable[[Any, Any], Awaitable[Any]]


def _sendsms() -> Connector:
    from .. import send_message_async, validate_config

    return Connector("aliyun-short-message-service", validate_config, send_message_async)


KNOWN: dict[str, Callable[[], Connector]] = {"aliyun-short-message-service": _sendsms}
"""Connector id -> a factory (imports stay lazy)."""


def connector_for(connector_id: str) -> Connector:
    """The connector with this id; RelayConfigError naming the known ones otherwise."""
    factory = KNOWN.get(connector_id)
    if factory is None:
        known = ", ".join(sorted(KNOWN))
        raise RelayConfigError(f"connectorId {connector_id!r} is not known to the relay ({known})")
    return factory()
