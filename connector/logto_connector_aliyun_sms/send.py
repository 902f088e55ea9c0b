"""send_message and send_message_async: Logto's SendMessageData -> one SendSms call."""

from __future__ import annotations

import logging
import re
import time
from typing import Any, NamedTuple

from . import limits
from . import send_steps as steps
from ._sdk import Outcome, SendFailure, import_sdk, send_sms_request
from .config.prepared import PreparedConfig, prepare_config
from .inputs.countries import check_country
from .inputs.phone import PhoneNumber, parse_phone
from .inputs.template_param import template_param
from .kit import AliyunSmsConfig, ConnectorError, SendMessageData, SendResult
from .send_steps import redact as _redact  # noqa: F401  (tests import it from here)

logger = logging.getLogger("logto_connector_aliyun_sms")
_OUT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


class Outgoing(NamedTuple):
    """One SendSms call, fully decided and checked, not yet sent."""

    prepared: PreparedConfig
    phone: PhoneNumber
    template_code: str
    template_param: str
    reservation: limits.Reservation | None = None  # its place in the limits, if any
    out_id: str | None = None  # the caller's OutId (data["outId"]), echoed in receipts

    def __repr__(self) -> str:
        return (
            f"Outgoing(to={self.phone.masked!r}, template_code={self.template_code!r}, "
            f"via={self.prepared!r})"
        )


def plan(data: Any, config: Any) -> Outgoing:
    """Check the input and decide the SendSms parameters; raises before anything is sent."""
    prepared = prepare_config(config)
    message_type = steps.message_type(data)
    phone = parse_phone(data.get("to"), strict=prepared.config["strictPhoneRegionNumberCheck"])
    check_country(phone, prepared.allowed)
    # The schema requires a Generic template, so the fallback always exists.
    template = prepared.templates.get(message_type) or prepared.templates["Generic"]
    code = template["templateCode"]
    if isinstance(code, dict):
        code = code["china" if phone.mainland else "overseas"]
    return Outgoing(
        prepared, phone, code, template_param(data["payload"]), out_id=_out_id(data.get("outId"))
    )


def _out_id(value: object) -> str | None:
    """``data["outId"]``: sent as OutId only when given (Logto never sends one)."""
    if value is None:
        return None
    if not isinstance(value, str) or not _OUT_ID.fullmatch(value):
        raise steps.bad_request(
            "data.outId must be 1 to 64 ASCII letters, digits, '-' or '_' (your own id for "
            "this message, echoed in its delivery receipt)"
        )
    return value


def _sms_request(outgoing: Outgoing) -> Any:
    return send_sms_request(
        outgoing.phone.aliyun,
        outgoing.prepared.config["signName"],
        outgoing.template_code,
        outgoing.template_param,
        outgoing.out_id,
    )


def _unsent(outgoing: Outgoing, error: ConnectorError) -> limits.Reservation | None:
    """The reservation to give back: the message surely was not sent (nothing left, or Aliyun
    answered with an error). A failure of unknown outcome keeps it."""
    outcome = error.outcome if isinstance(error, SendFailure) else Outcome.MAYBE_SENT
    return None if outcome is Outcome.MAYBE_SENT else outgoing.reservation


def _failed(outgoing: Outgoing, error: ConnectorError, started: float) -> ConnectorError:
    """Log a failed send; the caller's plain ConnectorError, with the secret taken out."""
    outcome = error.outcome if isinstance(error, SendFailure) else Outcome.MAYBE_SENT
    error = steps.redact(error, outgoing.prepared.config["accessKeySecret"])
    data = error.data or {}
    logger.warning(
        "SMS to %s with %s failed in %.1f ms (%s): %s: %s%s",
        outgoing.phone.masked,
        outgoing.template_code,
        (time.perf_counter() - started) * 1000,
        "may have been sent" if outcome is Outcome.MAYBE_SENT else "not sent",
        error.code.value,
        data.get("Code") or data.get("errorDescription") or data.get("message") or "no detail",
        f" (RequestId {data['RequestId']})" if data.get("RequestId") else "",
    )
    return error if type(error) is ConnectorError else ConnectorError(error.code, error.data)


def _result(body: Any) -> SendResult:
    return {
        "Code": body.code,
        "Message": body.message,
        "RequestId": body.request_id,
        "BizId": body.biz_id,
    }


def _sent(outgoing: Outgoing, result: SendResult, started: float) -> SendResult:
    """Log a sent message; Logto's result."""
    if logger.isEnabledFor(logging.INFO):
        logger.info(
            "SMS sent to %s with %s: RequestId %s BizId %s in %.1f ms",
            outgoing.phone.masked,
            outgoing.template_code,
            result["RequestId"],
            result["BizId"],
            (time.perf_counter() - started) * 1000,
        )
    return result


def _refused(error: ConnectorError, masked: str | None = None) -> ConnectorError:
    """Log a send refused before any request (bad input, config, allow-list, limits)."""
    reason = (error.data or {}).get("message", "")
    to = f" to {masked}" if masked else ""
    logger.warning("SMS%s refused before sending: %s: %s", to, error.code.value, reason)
    return error


_STEPS = steps.Steps(
    plan=plan,
    refused=_refused,
    method="send_sms",
    request=_sms_request,
    result=_result,
    sent=_sent,
    unsent=_unsent,
    failed=_failed,
)


def deliver(outgoing: Outgoing) -> SendResult:
    """Send one planned (and reserved) message through the SDK; Logto's result."""
    return steps.deliver(_STEPS, outgoing)


async def deliver_async(outgoing: Outgoing) -> SendResult:
    """``deliver`` for asyncio: the SDK's async call over this loop's keep-alive connections."""
    return await steps.deliver_async(_STEPS, outgoing)


def send_message(data: SendMessageData, config: AliyunSmsConfig | str | bytes) -> SendResult:
    """Send Logto's SendMessageData (``{to, type, payload, ip?}``) as one SMS through Aliyun.

    ``config`` is the connector config (a dict, or its JSON text). Returns ``{"Code": "OK",
    "Message", "RequestId", "BizId"}``; raises ConnectorError, before any request for bad input.
    """
    return deliver(steps.checked(_STEPS, data, config))


_warm = False


def warm_up() -> None:
    """Load ahead what the first send needs (the SDK, the transports, phonenumbers, jsonschema),
    e.g. at worker start, so that the first user does not wait for it. Safe to call again."""
    global _warm
    import jsonschema  # noqa: F401
    import phonenumbers  # noqa: F401

    import_sdk()
    _warm = True


async def send_message_async(
    data: SendMessageData, config: AliyunSmsConfig | str | bytes
) -> SendResult:
    """``send_message`` for asyncio hosts: never blocks the event loop on the network.

    The SDK builds and signs the request on the loop, and it travels over a keep-alive session
    of this loop (the SDK's own async call opens a new connection for every message). Unless
    ``warm_up`` ran, the first call imports the SDK in a worker thread, off the loop.
    """
    if not _warm:
        import asyncio

        await asyncio.get_running_loop().run_in_executor(None, warm_up)
    return await deliver_async(await steps.checked_async(_STEPS, data, config))
