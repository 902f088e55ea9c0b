"""Faults on demand: the next N matching requests get a broken or slow answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

FaultKind = Literal["error", "html", "empty", "truncated", "delay", "drop", "throttle"]
KINDS: tuple[str, ...] = get_args(FaultKind)

#: The Aliyun code an ``error`` fault carries for a status when none is given.
DEFAULT_CODES = {
    200: "isp.SYSTEM_ERROR",
    400: "InvalidParameter",
    403: "Forbidden.RAM",
    404: "InvalidApi.NotFound",
    500: "InternalError",
    503: "ServiceUnavailable",
}
DEFAULT_STATUS = {
    "error": 503,
    "html": 502,
    "empty": 200,
    "truncated": 200,
    "throttle": 400,
    "delay": 200,
    "drop": 200,
}


@dataclass
class Fault:
    """One injected fault and how many more requests it applies to."""

    kind: FaultKind
    count: int = 1
    status: int | None = None
    code: str | None = None
    message: str | None = None
    delay_ms: int | None = None
    retry_after_ms: int | None = None
    action: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {', '.join(KINDS)}")
        for name in ("count", "delay_ms", "retry_after_ms", "status"):
            value = getattr(self, name)
            if value is not None and (type(value) is not int or value < 0):
                raise ValueError(f"{name} must be a whole number, not {value!r}")
        if self.count < 1:
            raise ValueError("count must be at least 1")
        if self.status is not None and not 200 <= self.status <= 599:
            raise ValueError(f"status must be an HTTP status from 200 to 599: {self.status}")
        for name in ("code", "message", "action"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                raise ValueError(f"{name} must be a string")

    @property
    def http_status(self) -> int:
        """The status to answer with."""
        return self.status if self.status is not None else DEFAULT_STATUS[self.kind]

    @property
    def error_code(self) -> str:
        """The Aliyun code of an ``error`` or ``throttle`` answer."""
        if self.code:
            return self.code
        if self.kind == "throttle":
            return "Throttling.User"
        return DEFAULT_CODES.get(self.http_status, "InternalError")

    def as_dict(self) -> dict[str, Any]:
        """The fault as JSON (``GET /_sandbox/faults``)."""
        return {k: v for k, v in vars(self).items() if v is not None}


class FaultQueue:
    """Faults in the order they were injected; each request takes the first that matches."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        """Queue a fault."""
        self._faults.append(fault)

    def take(self, action: str | None) -> Fault | None:
        """The fault for a request of ``action`` (using up one of its count), or None."""
        if not self._faults:
            return None
        for index, fault in enumerate(self._faults):
            if fault.action is None or fault.action == action:
                fault.count -= 1
                if fault.count == 0:
                    del self._faults[index]
                return fault
        return None

    def pending(self) -> list[dict[str, Any]]:
        """The faults still queued."""
        return [fault.as_dict() for fault in self._faults]

    def clear(self) -> None:
        """Drop every queued fault."""
        self._faults.clear()
