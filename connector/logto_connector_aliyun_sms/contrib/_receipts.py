"""What the receipt mounts share: the setting naming the token, one receiver per token."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from ..delivery import DeliveryHook, DeliveryReceiver, DeliveryReport, on_delivery
from ..delivery.hooks import hooks

logger = logging.getLogger("logto_connector_aliyun_sms.contrib")

#: The setting (Django) or config key (Flask) that holds the receipt URL's token.
TOKEN_SETTING = "ALIYUN_SMS_RECEIPT_TOKEN"  # noqa: S105 - the setting's name
NOT_CONFIGURED = (503, {"code": 1, "msg": "receipts are not configured"})

_receivers: dict[str, DeliveryReceiver] = {}
_lock = threading.Lock()


def receiver_for(token: Any) -> DeliveryReceiver | None:
    """The receiver for ``token`` (built once per token); None, logged, when it is unusable."""
    if not isinstance(token, str):
        logger.error("Aliyun SMS receipts refused: %s is not set", TOKEN_SETTING)
        return None
    with _lock:
        receiver = _receivers.get(token)
        if receiver is None:
            try:
                receiver = DeliveryReceiver(token=token)
            except ValueError as exc:
                logger.error("Aliyun SMS receipts refused: %s: %s", TOKEN_SETTING, exc)
                return None
            _receivers.clear()  # one token in use at a time: a changed setting replaces it
            _receivers[token] = receiver
        return receiver


class SignalHook:
    """A framework signal's place among the ``on_delivery`` callbacks, taken once and taken
    back if the callbacks were cleared."""

    def __init__(self, send: Callable[[DeliveryReport], None]) -> None:
        self._send = send
        self._hook: DeliveryHook | None = None

    def ensure(self) -> None:
        """Register the signal's callback unless it is registered."""
        with _lock:
            if self._hook is None or self._hook not in hooks():
                self._hook = on_delivery(self._send)
