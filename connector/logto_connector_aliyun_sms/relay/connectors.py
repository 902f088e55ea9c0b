"""Which connector sends for the relay, by Logto connector id (``connectorId``).

``aliyun-short-message-service`` (the default): Dysmsapi ``SendSms``, your own signature and
templates. ``aliyun-short-message-auth-service``: the Message Authentication Service
(``logto_connector_aliyun_sms.mas``, Dypnsapi ``SendSmsVerifyCode``), Aliyun's gift signatures
and system templates, mainland numbers only. An unknown id is refused when the app is made.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .config import RelayConfigError


@dataclass(frozen=True)
class Connector:
    """A connector's id and the functions the relay calls (``warm_up``: load the SDK ahead)."""

    id: str
    validate: Callable[[Any], Any]
    send: Callable[[Any, Any], Awaitable[Any]]
    warm_up: Callable[[], None]


def _sendsms() -> Connector:
    from .. import send_message_async, validate_config
    from ..send import warm_up

    return Connector("aliyun-short-message-service", validate_config, send_message_async, warm_up)


def _mas() -> Connector:
    from .. import mas

    return Connector(mas.CONNECTOR_ID, mas.validate_config, mas.send_message_async, mas.warm_up)


KNOWN: dict[str, Callable[[], Connector]] = {
    "aliyun-short-message-service": _sendsms,
    "aliyun-short-message-auth-service": _mas,
}
"""Connector id -> a factory (imports stay lazy)."""


def connector_for(connector_id: str) -> Connector:
    """The connector with this id; RelayConfigError naming the known ones otherwise."""
    factory = KNOWN.get(connector_id)
    if factory is None:
        known = ", ".join(sorted(KNOWN))
        raise RelayConfigError(f"connectorId {connector_id!r} is not known to the relay ({known})")
    return factory()
