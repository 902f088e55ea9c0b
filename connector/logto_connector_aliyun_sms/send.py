"""send_message and send_message_async: Logto's SendMessageData -> one SendSms call."""

from __future__ import annotations

import copy
import json
import logging
import threading
import time
from collections import OrderedDict
from typing import Any, NamedTuple

from .config import validate_config
from .endpoint import Endpoint, parse_endpoint
from .guards import allowed_countries, check_country, interval_guard
from .kit import ConnectorError, ConnectorErrorCode
from .phone import PhoneNumber, parse_phone
from .sdk import ClientKey, SdkClient, client_for, client_key
from .template_param import template_param

logger = logging.getLogger("logto_connector_aliyun_sms")

_MAX_PREPARED = 64


class PreparedConfig(NamedTuple):
    """A validated config with what every send derives from it, computed once."""

    config: dict[str, Any]
    endpoint: Endpoint
    templates: dict[str, dict[str, Any]]
    allowed: frozenset[str] | None
    min_interval_s: float
    client_key: ClientKey

    def client(self) -> SdkClient:
        """The cached SDK client for this config."""
        return client_for(self.client_key, self.config["accessKeySecret"])

    def __repr__(self) -> str:  # the config holds the secret
        return f"PreparedConfig(endpoint={self.endpoint.url!r}, accessKeyId={self.account!r})"

    @property
    def account(self) -> str:
        """The AccessKey ID: whose money a send spends."""
        return str(self.config["accessKeyId"])


_prepared: OrderedDict[str, PreparedConfig] = OrderedDict()
_prepared_lock = threading.Lock()


def _cache_key(config: Any) -> str | None:
    if isinstance(config, str):
        return config
    try:
        return json.dumps(config, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return None


# The same config object passed again (the usual case: a host keeps its config) is recognised
# by identity plus an equality check against a snapshot, without re-serialising it. (Equality
# treats 1, 1.0 and True alike; only an in-place edit between such values could go unseen.)
_by_identity: OrderedDict[int, tuple[Any, Any, PreparedConfig]] = OrderedDict()


def prepare_config(config: Any) -> PreparedConfig:
    """Validate ``config`` (cached by content) and derive the endpoint and template index."""
    seen = _by_identity.get(id(config))
    if seen is not None and seen[0] is config and seen[1] == config:
        return seen[2]
    key = _cache_key(config)
    prepared = _prepared.get(key) if key is not None else None
    if prepared is None:
        prepared = _prepare(config)
    if key is not None:
        with _prepared_lock:
            _prepared[key] = prepared
            while len(_prepared) > _MAX_PREPARED:
                _prepared.popitem(last=False)
            if isinstance(config, dict):
                _by_identity[id(config)] = (config, copy.deepcopy(config), prepared)
                while len(_by_identity) > _MAX_PREPARED:
                    _by_identity.popitem(last=False)
    return prepared


def _prepare(config: Any) -> PreparedConfig:
    valid = validate_config(config)
    templates: dict[str, dict[str, Any]] = {}
    for template in valid["templates"]:
        templates.setdefault(template["usageType"], template)  # the first one wins, as in Logto
    endpoint = parse_endpoint(valid.get("endpoint"))
    return PreparedConfig(
        valid,
        endpoint,
        templates,
        allowed_countries(valid.get("allowedCountryCodes")),
        float(valid.get("minSendIntervalSeconds") or 0),
        client_key(
            endpoint,
            valid["accessKeyId"],
            valid["accessKeySecret"],
            valid.get("connectTimeout"),
            valid.get("readTimeout"),
        ),
    )


class Outgoing(NamedTuple):
    """One SendSms call, fully decided and checked, not yet sent."""

    prepared: PreparedConfig
    phone: PhoneNumber
    template_code: str
    template_param: str

    def __repr__(self) -> str:
        return (
            f"Outgoing(to={self.phone.masked!r}, template_code={self.template_code!r}, "
            f"via={self.prepared!r})"
        )


def _bad_request(message: str) -> ConnectorError:
    return ConnectorError(
        ConnectorErrorCode.INVALID_REQUEST_PARAMETERS, {"message": message, "retryable": False}
    )


def plan(data: Any, config: Any) -> Outgoing:
    """Check the input and decide the SendSms parameters; raises before anything is sent."""
    prepared = prepare_config(config)
    if not isinstance(data, dict):
        raise _bad_request("data must be an object {to, type, payload}")
    message_type = data.get("type")
    if not isinstance(message_type, str) or not message_type:
        raise _bad_request("data.type must be a non-empty string such as 'SignIn'")
    if "payload" not in data:
        raise _bad_request("data.payload is required")
    phone = parse_phone(data.get("to"), strict=prepared.config["strictPhoneRegionNumberCheck"])
    check_country(phone, prepared.allowed)
    # The schema requires a Generic template, so the fallback always exists.
    template = prepared.templates.get(message_type) or prepared.templates["Generic"]
    code = template["templateCode"]
    if isinstance(code, dict):
        code = code["china" if phone.mainland else "overseas"]
    return Outgoing(prepared, phone, code, template_param(data["payload"]))


def _sms_request(outgoing: Outgoing) -> Any:
    from alibabacloud_dysmsapi20170525.models import SendSmsRequest

    return SendSmsRequest(
        phone_numbers=outgoing.phone.aliyun,
        sign_name=outgoing.prepared.config["signName"],
        template_code=outgoing.template_code,
        template_param=outgoing.template_param,
    )


def _redact(error: ConnectorError, secret: str) -> ConnectorError:
    """Make sure the secret cannot leave inside an error, whatever Aliyun echoed."""
    if not secret or error.data is None:
        return error
    cleaned = _without(error.data, secret)
    return error if cleaned == error.data else ConnectorError(error.code, cleaned)


def _without(value: Any, secret: str) -> Any:
    if isinstance(value, str):
        return value.replace(secret, "***")
    if isinstance(value, dict):
        return {_without(k, secret): _without(v, secret) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_without(item, secret) for item in value]
    return value


def _failed(outgoing: Outgoing, error: ConnectorError, started: float) -> ConnectorError:
    """Log a failed send, release its interval reservation if nothing was sent; the error."""
    data = error.data or {}
    if data.get("maybeSent") is False or data.get("Code") is not None:
        interval_guard.release(outgoing.prepared.account, outgoing.phone.key)
    logger.warning(
        "SMS to %s with %s failed in %.1f ms: %s %s (RequestId %s)",
        outgoing.phone.masked,
        outgoing.template_code,
        (time.perf_counter() - started) * 1000,
        error.code.value,
        data.get("Code"),
        data.get("RequestId"),
    )
    return _redact(error, outgoing.prepared.config["accessKeySecret"])


def _sent(outgoing: Outgoing, body: Any, started: float) -> dict[str, Any]:
    """Log a sent message; Logto's result."""
    if logger.isEnabledFor(logging.INFO):
        logger.info(
            "SMS sent to %s with %s: RequestId %s BizId %s in %.1f ms",
            outgoing.phone.masked,
            outgoing.template_code,
            body.request_id,
            body.biz_id,
            (time.perf_counter() - started) * 1000,
        )
    return {
        "Code": body.code,
        "Message": body.message,
        "RequestId": body.request_id,
        "BizId": body.biz_id,
    }


def _refused(error: ConnectorError, masked: str | None = None) -> ConnectorError:
    """Log a send refused before any request (bad input, config, allow-list, interval)."""
    reason = (error.data or {}).get("message", "")
    to = f" to {masked}" if masked else ""
    logger.warning("SMS%s refused before sending: %s: %s", to, error.code.value, reason)
    return error


def _checked(data: Any, config: Any) -> Outgoing:
    """``plan``, then the per-number interval claimed; every refusal logged."""
    try:
        outgoing = plan(data, config)
    except ConnectorError as error:
        raise _refused(error) from None
    prepared = outgoing.prepared
    try:
        interval_guard.reserve(prepared.account, outgoing.phone.key, prepared.min_interval_s)
    except ConnectorError as error:
        raise _refused(error, outgoing.phone.masked) from None
    return outgoing


def deliver(outgoing: Outgoing) -> dict[str, Any]:
    """Send one planned (and reserved) message through the SDK; Logto's result."""
    started = time.perf_counter()
    try:
        body = outgoing.prepared.client().call("send_sms", _sms_request(outgoing))
    except ConnectorError as error:
        raise _failed(outgoing, error, started) from None
    return _sent(outgoing, body, started)


async def deliver_async(outgoing: Outgoing) -> dict[str, Any]:
    """``deliver`` for asyncio: the SDK's async call over this loop's keep-alive connections."""
    started = time.perf_counter()
    try:
        body = await outgoing.prepared.client().call_async("send_sms", _sms_request(outgoing))
    except ConnectorError as error:
        raise _failed(outgoing, error, started) from None
    return _sent(outgoing, body, started)


def send_message(data: Any, config: Any) -> dict[str, Any]:
    """Send Logto's SendMessageData (``{to, type, payload, ip?}``) as one SMS through Aliyun.

    Returns ``{"Code": "OK", "Message", "RequestId", "BizId"}``; raises ConnectorError.
    """
    return deliver(_checked(data, config))


_warm = False


def _warm_up() -> None:
    """Import what a send may need (the SDK, aiohttp, phonenumbers, jsonschema) once."""
    global _warm
    import alibabacloud_dysmsapi20170525.client  # noqa: F401
    import jsonschema  # noqa: F401
    import phonenumbers  # noqa: F401

    from . import aio_transport  # noqa: F401

    _warm = True


async def send_message_async(data: Any, config: Any) -> dict[str, Any]:
    """``send_message`` for asyncio hosts: never blocks the event loop on the network.

    The SDK builds and signs the request on the loop, and it travels over a keep-alive session
    of this loop (the SDK's own async call opens a new connection for every message). The
    first call imports the SDK in a worker thread, so that the loop does not wait for it.
    """
    if not _warm:
        import asyncio

        await asyncio.get_running_loop().run_in_executor(None, _warm_up)
    return await deliver_async(_checked(data, config))
