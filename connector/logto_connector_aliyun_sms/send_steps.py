"""The steps every send takes (plan -> reserve -> deliver -> log), shared by the SendSms and the
MAS connectors. Each passes what differs (its plan, request, result shape and log lines) as a
``Steps``; the limits, the SDK call and the give-back of an unsent message's place are here."""

from __future__ import annotations

import time
from collections.abc import Callable
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


class Steps(Generic[Out, R]):
    """What one kind of send does its own way (a plain class: dataclasses cost an import).

    ``plan(data, config)``: the planned message, or ConnectorError before sending.
    ``refused(error, masked)``: log a refusal before any request (the number when known).
    ``method``: the SDK client's call (``send_sms``, ``send_sms_verify_code``).
    ``request(outgoing)``: its SDK request model.
    ``result(body)``: Aliyun's answer as Logto's result; may raise (a malformed answer).
    ``sent(outgoing, result, started)``: log a sent message (``started``: perf_counter); result.
    ``unsent(outgoing, error)``: the reservation to give back, only when surely not sent.
    ``failed(outgoing, error, started)``: log a failure; the error the caller gets.
    """

    __slots__ = ("failed", "method", "plan", "refused", "request", "result", "sent", "unsent")

    def __init__(
        self,
        *,
        plan: Callable[[Any, Any], Out],
        refused: Callable[[ConnectorError, str | None], ConnectorError],
        method: str,
        request: Callable[[Out], Any],
        result: Callable[[Any], R],
        sent: Callable[[Out, R, float], R],
        unsent: Callable[[Out, ConnectorError], limits.Reservation | None],
        failed: Callable[[Out, ConnectorError, float], ConnectorError],
    ) -> None:
        self.plan = plan
        self.refused = refused
        self.method = method
        self.request = request
        self.result = result
        self.sent = sent
        self.unsent = unsent
        self.failed = failed


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
