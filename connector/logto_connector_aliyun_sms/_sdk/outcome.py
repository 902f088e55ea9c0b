"""Where a failed send got to, as a type the send path reads (not a dict key read back)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from ..kit import ConnectorError


class Outcome(Enum):
    """How far a failed call got."""

    NOT_SENT = "not sent"
    """Nothing reached Aliyun: the connection was never made, or the request never built."""
    MAYBE_SENT = "maybe sent"
    """The request may have reached Aliyun (and been charged); no usable answer came back."""
    ANSWERED = "answered"
    """Aliyun answered with an error ``Code``: the message was not sent."""


class SendFailure(ConnectorError):
    """The ConnectorError of a failed SDK call, with its :class:`Outcome`.

    Raised inside the package only: the send path gives callers a plain ``ConnectorError`` with
    the same ``code`` and ``data``.
    """

    def __init__(self, error: ConnectorError, outcome: Outcome) -> None:
        super().__init__(error.code, error.data)
        self.outcome = outcome

    def __reduce__(self) -> tuple[Any, ...]:
        return (SendFailure, (ConnectorError(self.code, self.data), self.outcome))


class Progress:
    """One SDK call's progress, marked by the connector's transports: ``reached`` once the SDK
    handed them the request (an exception before that was raised while building it)."""

    __slots__ = ("reached",)

    def __init__(self) -> None:
        self.reached = False
