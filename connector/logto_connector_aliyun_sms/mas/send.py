"""send_message and send_message_async: Logto's SendMessageData -> one SendSmsVerifyCode call.

The same path as the SendSms connector's (plan -> reserve -> deliver), on the same SDK door and
transport, the same limits; only the request and the answer differ.
"""

from __future__ import annotations

import logging
import time
from typing import Any, NamedTuple

from .. import limits
from .. import send_steps as steps
from .._sdk import DYPNSAPI, import_sdk, send_sms_verify_code_request
from ..aliyun_errors import transport_error
from ..inputs.phone import PhoneNumber, parse_phone
from ..inputs.template_param import template_param
from ..kit import ConnectorError, ConnectorErrorCode
from .errors import reread
from .prepared import MasPrepared, prepare_config

logger = logging.getLogger("logto_connector_aliyun_sms.mas")

CODE_VALIDITY_MINUTES = "10"
"""The ``min`` variable of the system templates, as Logto sends it (Logto's codes last 10 min)."""
_NOT_MAINLAND = (
    "Phone number must be a valid China mainland mobile number with country code 86 (+86)."
)


class Outgoing(NamedTuple):
    """One SendSmsVerifyCode call, fully decided and checked, not yet sent."""

    prepared: MasPrepared
    phone: PhoneNumber
    template_code: str
    template_param: str
    reservation: limits.Reservation | None = None

    @property
    def national_number(self) -> str:
        """The 11 digits Dypnsapi's ``PhoneNumber`` takes (``CountryCode`` is 86)."""
        return self.phone.aliyun[-11:]

    def __repr__(self) -> str:
        return f"Outgoing(to={self.phone.masked!r}, template_code={self.template_code!r})"


def mainland_phone(to: Any) -> PhoneNumber:
    """A mainland mobile number written with its country code (``+86``, ``0086``, ``86``),
    as Logto's MAS connector requires; INVALID_REQUEST_PARAMETERS for anything else."""
    try:
        phone = parse_phone(to, strict=True)
    except ConnectorError as error:
        reason = (error.data or {}).get("message", "")
        raise ConnectorError(
            error.code,
            {
                "errorDescription": _NOT_MAINLAND,
                "field": "to",
                "message": f"{_NOT_MAINLAND} {reason}".strip(),
                "retryable": False,
            },
        ) from None
    if not phone.mainland:
        raise ConnectorError(
            ConnectorErrorCode.INVALID_REQUEST_PARAMETERS,
            {
                "errorDescription": _NOT_MAINLAND,
                "field": "to",
                "message": f"{_NOT_MAINLAND} The Message Authentication Service sends to "
                "mainland China numbers only; use the SendSms connector for the others.",
                "retryable": False,
            },
        )
    return phone


def mas_template_param(payload: Any) -> str:
    """Logto's ``JSON.stringify({...payload without locale, min: "10"})``, byte for byte."""
    if not isinstance(payload, dict):
        return template_param(payload)  # refused there, with its words
    with_min = dict(payload)
    with_min["min"] = CODE_VALIDITY_MINUTES  # an existing key keeps its place, as in JS
    return template_param(with_min)


def plan(data: Any, config: Any) -> Outgoing:
    """Check the input and decide the SendSmsVerifyCode parameters; raises before sending."""
    prepared = prepare_config(config)
    message_type = steps.message_type(data)
    # The schema requires all nine usage types; an unknown type gets the Generic template.
    code = prepared.templates.get(message_type) or prepared.templates["Generic"]
    phone = mainland_phone(data.get("to"))
    return Outgoing(prepared, phone, code, mas_template_param(data["payload"]))


def _request(outgoing: Outgoing) -> Any:
    return send_sms_verify_code_request(
        outgoing.national_number,
        outgoing.prepared.config["signName"],
        outgoing.template_code,
        outgoing.template_param,
    )


def result_of(body: Any) -> dict[str, Any]:
    """Logto's result: ``{Code, Message, RequestId?, Model?}``, ``Model`` with the ids given.

    An answer that Logto's response guard would refuse (no ``Message`` text, ids that are not
    text) is ``invalid_response``, as there; Aliyun may have sent the code all the same.
    """
    result: dict[str, Any] = {"Code": body.code, "Message": body.message}
    if body.request_id is not None:
        result["RequestId"] = body.request_id
    model = getattr(body, "model", None)
    fields: tuple[tuple[str, Any], ...] = ()
    if model is not None:
        fields = (
            ("VerifyCode", model.verify_code),
            ("RequestId", model.request_id),
            ("OutId", model.out_id),
            ("BizId", model.biz_id),
        )
        result["Model"] = {k: v for k, v in fields if v is not None}
    if not isinstance(body.message, str) or not all(
        isinstance(v, (str, type(None))) for _, v in fields
    ):
        raise transport_error(
            "Aliyun's answer to SendSmsVerifyCode has no Message, or ids that are not text",
            malformed=True,
            maybe_sent=True,
        )
    return result


def _failed(outgoing: Outgoing, error: ConnectorError, started: float) -> ConnectorError:
    error = reread(error)
    data = error.data or {}
    logger.warning(
        "MAS SMS to %s with %s failed in %.1f ms: %s %s (RequestId %s)",
        outgoing.phone.masked,
        outgoing.template_code,
        (time.perf_counter() - started) * 1000,
        error.code.value,
        data.get("Code"),
        data.get("RequestId"),
    )
    return steps.redact(error, outgoing.prepared.config["accessKeySecret"])


def _sent(outgoing: Outgoing, result: dict[str, Any], started: float) -> dict[str, Any]:
    logger.info(
        "MAS SMS sent to %s with %s: RequestId %s BizId %s in %.1f ms",
        outgoing.phone.masked,
        outgoing.template_code,
        result.get("RequestId"),
        result.get("Model", {}).get("BizId"),
        (time.perf_counter() - started) * 1000,
    )
    return result


def _unsent(outgoing: Outgoing, error: ConnectorError) -> limits.Reservation | None:
    data = error.data or {}
    if data.get("maybeSent") is False or data.get("Code") is not None:
        return outgoing.reservation
    return None


def _refused(error: ConnectorError, masked: str | None = None) -> ConnectorError:
    reason = (error.data or {}).get("message", "")
    logger.warning("MAS SMS refused before sending: %s: %s", error.code.value, reason)
    return error


_STEPS = steps.Steps(
    plan=plan,
    refused=_refused,  # the number stays out of MAS's refusal line
    method="send_sms_verify_code",
    request=_request,
    result=result_of,
    sent=_sent,
    unsent=_unsent,
    failed=_failed,
)


def deliver(outgoing: Outgoing) -> dict[str, Any]:
    """Send one planned (and reserved) message through the Dypnsapi SDK; Logto's result."""
    return steps.deliver(_STEPS, outgoing)


async def deliver_async(outgoing: Outgoing) -> dict[str, Any]:
    """``deliver`` for asyncio, over this loop's keep-alive connections."""
    return await steps.deliver_async(_STEPS, outgoing)


def send_message(data: Any, config: Any) -> dict[str, Any]:
    """Send Logto's SendMessageData (``{to, type, payload, ip?}``) as one verification code
    SMS through Dypnsapi ``SendSmsVerifyCode`` (gift signature, system template, +86 only).

    ``config`` is the MAS connector config (a dict, or its JSON text). Returns Logto's result
    ``{"Code": "OK", "Message", "RequestId", "Model": {"RequestId", "BizId", ...}}``; raises
    ConnectorError, before any request for bad input.
    """
    return deliver(steps.checked(_STEPS, data, config))


_warm = False


def warm_up() -> None:
    """Load ahead what the first send needs (the Dypnsapi SDK, the transports); idempotent."""
    global _warm
    import jsonschema  # noqa: F401
    import phonenumbers  # noqa: F401

    import_sdk(DYPNSAPI)
    _warm = True


async def send_message_async(data: Any, config: Any) -> dict[str, Any]:
    """``send_message`` for asyncio hosts: never blocks the event loop on the network."""
    if not _warm:
        import asyncio

        await asyncio.get_running_loop().run_in_executor(None, warm_up)
    return await deliver_async(await steps.checked_async(_STEPS, data, config))
