"""What every platform module shares: a parsed request, a refusal, and the words a refusal says.

A refusal's words may reach an end user (authentik shows the body on its sign-in page; Logto
shows the raw body): they are short, plain, and never hold a secret, a number or Aliyun's text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from ..kit import ConnectorError, ConnectorErrorCode
from .idempotency import Outcome


@dataclass(frozen=True)
class Parsed:
    """One platform request, read: who gets which code, and why (the platform's type)."""

    to: str
    code: str
    platform_type: str
    payload: dict[str, Any] = field(default_factory=dict, repr=False)
    ip: str | None = None
    lifetime_s: float | None = None


class Refusal(Exception):
    """A request answered with an error: HTTP ``status``, a stable ``kind``, plain ``message``."""

    def __init__(
        self, status: int, kind: str, message: str, retry_after_s: float | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message
        self.retry_after_s = retry_after_s

    def headers(self) -> dict[str, str]:
        """``Retry-After`` when the refusal says when to come back."""
        if self.retry_after_s is None:
            return {}
        return {"Retry-After": str(max(1, round(self.retry_after_s)))}


def bad_request(message: str) -> Refusal:
    """A body that is not the platform's request."""
    return Refusal(400, "bad_request", message)


def text_at(body: Any, *path: str) -> str | None:
    """The non-empty string at ``body[path[0]][path[1]]...``, or None."""
    value = body
    for step in path:
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return value if isinstance(value, str) and value.strip() else None


def object_body(body: Any) -> dict[str, Any]:
    """The body as a JSON object, or a refusal."""
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    return body


_CONFIG_CODES = {
    ConnectorErrorCode.INVALID_CONFIG,
    ConnectorErrorCode.INVALID_CONFIG_GUARD,
    ConnectorErrorCode.TEMPLATE_NOT_FOUND,
    ConnectorErrorCode.TEMPLATE_NOT_SUPPORTED,
    ConnectorErrorCode.AUTHORIZATION_FAILED,
}
_INPUT_CODES = {
    ConnectorErrorCode.INVALID_REQUEST_PARAMETERS,
    ConnectorErrorCode.INSUFFICIENT_REQUEST_PARAMETERS,
}


def refusal_for(error: ConnectorError) -> Refusal:
    """The answer to a send the connector refused or that failed."""
    data = error.data or {}
    if error.code == ConnectorErrorCode.RATE_LIMIT_EXCEEDED:
        wait_ms = data.get("retryAfterMs")
        return Refusal(
            429,
            "rate_limited",
            "Too many codes were requested. Please wait a while and try again.",
            wait_ms / 1000 if isinstance(wait_ms, (int, float)) else None,
        )
    if error.code in _INPUT_CODES:
        return Refusal(400, "invalid_number", "This phone number cannot receive a code.")
    if error.code in _CONFIG_CODES:
        return Refusal(
            500,
            "not_configured",
            "Codes cannot be sent because of a setup problem. Please contact support.",
        )
    if error.retryable:
        return Refusal(
            503, "unavailable", "The code could not be sent right now. Please try again shortly."
        )
    return Refusal(502, "not_sent", "The code could not be sent. Please try again later.")


def usage_type(
    platform_type: str, defaults: Mapping[str, str], overrides: Mapping[str, str]
) -> str:
    """The Logto usage type of a platform's message type: the route's table over the
    platform's, the exact type first, then ``"*"``."""
    table = {**defaults, **overrides}
    return table.get(platform_type) or table.get("*") or "Generic"


def sent_json(outcome: Outcome) -> web.Response:
    """200 ``{"sent": true, "duplicate"}``: the answer of the platforms that take any 2xx."""
    return web.json_response({"sent": True, "duplicate": not outcome.fresh})


def error_json(refusal: Refusal) -> web.Response:
    """``{"error": <kind>, "message"}`` with the refusal's status and headers."""
    return web.json_response(
        {"error": refusal.kind, "message": refusal.message},
        status=refusal.status,
        headers=refusal.headers(),
    )
