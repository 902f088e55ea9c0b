"""The steps every send takes (plan -> reserve -> deliver -> log), shared by the SendSms and the
MAS connectors. Each passes what differs (its plan, request, result shape and log lines) as a
``Steps``; the limits, the SDK call and the give-back of an unsent message's place are here."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from . import limits
from ._sdk import SdkClient
from .inputs.phone import PhoneNumber
from .kit import ConnectorError, ConnectorErrorCode
from .limits.rules import Rules
from .redact import scrub


class _Prepared(Protocol):
    @property
    def limits(self) -> Rules: ...

    def client(self) -> SdkClient: ...


_P = TypeVar("_P", bound="Planned")


class Planned(Protocol):
    """A planned message: its prepared config, its number and its place in the limits."""

    @property
    def prepared(self) -> _Prepared: ...

    @property
    def phone(self) -> PhoneNumber: ...

    @property
    def reservation(self) -> limits.Reservation | None: ...

    def _replace(self: _P, *, reservation: limits.Reservation | None = ...) -> _P: ...


Out = TypeVar("Out", bound=Planned)
R = TypeVar("R")


@dataclass(frozen=True)
class Steps(Generic[Out, R]):
    """What one kind of send does its own way."""

    plan: Callable[[Any, Any], Out]
    """``(data, config)`` -> the planned message; raises ConnectorError before sending."""
    refused: Callable[[ConnectorError, str | None], ConnectorError]
    """Log a refusal before any request (with the masked number when known)."""
    method: str
    """The SDK client's call (``send_sms``, ``send_sms_verify_code``)."""
    request: Callable[[Out], Any]
    """The SDK request model for a planned message."""
    result: Callable[[Any], R]
    """Aliyun's answer -> Logto's result; may raise ConnectorError (a malformed answer)."""
    sent: Callable[[Out, R, float], R]
    """Log a sent message (given ``time.perf_counter()`` at the start); the result."""
    unsent: Callable[[Out, ConnectorError], limits.Reservation | None]
    """The reservation to give back after a failure: only when surely not sent."""
    failed: Callable[[Out, ConnectorError, float], ConnectorError]
    """Log a failed send; the error the caller gets (secret taken out)."""


def bad_request(message: str) -> ConnectorError:
    """INVALID_REQUEST_PARAMETERS, not retryable."""
    return ConnectorError(
        ConnectorErrorCode.INVALID_REQUEST_PARAMETERS, {"message": message, "retryable": False}
    )


def message_type(data: Any) -> str:
    """Check Logto's SendMessageData shape (``{to, type, payload}``); its ``type``."""
    if not isinstance(data, dict):
        raise bad_request("data must be an object {to, type, payload}")
    kind = data.get("type")
    if not isinstance(kind, str) or not kind:
        raise bad_request("data.type must be a non-empty string such as 'SignIn'")
    if "payload" not in data:
        raise bad_request("data.payload is required")
    return kind


def redact(error: ConnectorError, secret: str) -> ConnectorError:
    """Make sure the secret cannot leave inside an error, whatever Aliyun echoed."""
    if not secret or error.data is None:
        return error
    cleaned = scrub(error.data, [secret])
    return error if cleaned == error.data else ConnectorError(error.code, cleaned)


def _planned(steps: Steps[Out, R], data: Any, config: Any) -> Out:
    try:
        return steps.plan(data, config)
    except ConnectorError as error:
        raise steps.refused(error, None) from None


def checked(steps: Steps[Out, R], data: Any, config: Any) -> Out:
    """``plan``, then a place in the limits claimed; every refusal logged."""
    outgoing = _planned(steps, data, config)
    rules, phone = outgoing.prepared.limits, outgoing.phone
    if not rules.active:
        return outgoing
    try:
        reservation = limits.limiter().reserve(rules, phone.key, phone.calling_code, data.get("ip"))
    except ConnectorError as error:
        raise steps.refused(error, phone.masked) from None
    return outgoing._replace(reservation=reservation)


async def checked_async(steps: Steps[Out, R], data: Any, config: Any) -> Out:
    """``checked`` on the limits store's async path (never blocking the loop)."""
    outgoing = _planned(steps, data, config)
    rules, phone = outgoing.prepared.limits, outgoing.phone
    if not rules.active:
        return outgoing
    try:
        reservation = await limits.limiter().reserve_async(
            rules, phone.key, phone.calling_code, data.get("ip")
        )
    except ConnectorError as error:
        raise steps.refused(error, phone.masked) from None
    return outgoing._replace(reservation=reservation)


def deliver(steps: Steps[Out, R], outgoing: Out) -> R:
    """Send one planned (and reserved) message through the SDK; Logto's result."""
    started = time.perf_counter()
    try:
        body = outgoing.prepared.client().call(steps.method, steps.request(outgoing))
        result = steps.result(body)
    except ConnectorError as error:
        unsent = steps.unsent(outgoing, error)
        if unsent is not None:
            limits.limiter().release(unsent)
        raise steps.failed(outgoing, error, started) from None
    return steps.sent(outgoing, result, started)


async def deliver_async(steps: Steps[Out, R], outgoing: Out) -> R:
    """``deliver`` for asyncio: the SDK's async call over this loop's keep-alive connections."""
    started = time.perf_counter()
    try:
        body = await outgoing.prepared.client().call_async(steps.method, steps.request(outgoing))
        result = steps.result(body)
    except ConnectorError as error:
        unsent = steps.unsent(outgoing, error)
        if unsent is not None:
            await limits.limiter().release_async(unsent)
        raise steps.failed(outgoing, error, started) from None
    return steps.sent(outgoing, result, started)
