"""The SDK's exceptions -> ConnectorError, and whether the call may be tried again.

Decided by the exception's type first: Aliyun's own errors (``AlibabaCloudException``), the
connector's transports' :class:`~.failures.TransportFailure` (which say where a send failed),
and the transport exception that the SDK wrapped (kept as the wrapper's ``__context__``). Only an
exception of no known type is read by its text: the last fallback, for calls the connector's
transports did not carry.
"""

from __future__ import annotations

from typing import Any

from ..aliyun_errors import error_for_answer, transport_error
from ..kit import ConnectorError
from ..redact import without_query
from .constants import MAX_RETRY_AFTER_MS

RETRY_NOT_SENT_S = 0.05
"""Seconds before trying again a call that surely did not reach Aliyun."""

# Last resort, for a failure of no known type: texts that say the connection was never made.
_NOT_CONNECTED = (
    "Failed to establish a new connection",
    "Connection refused",
    "Name or service not known",
    "Temporary failure in name resolution",
    "ConnectTimeoutError",
    "ProxyError",
    # alerts that only a TLS handshake raises (a TLS error while reading the answer, such as
    # WRONG_VERSION_NUMBER, may come after the request went out)
    "CERTIFICATE_VERIFY_FAILED",
    "HANDSHAKE_FAILURE",
)


def translate(exc: Exception) -> tuple[ConnectorError, float | None]:
    """The ConnectorError for an SDK exception, and the seconds to wait before a retry (or None)."""
    from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

    if isinstance(exc, AlibabaCloudException):
        return _aliyun_error(exc)
    from .failures import TransportFailure

    inner = getattr(exc, "inner_exception", exc)
    text = without_query(str(getattr(inner, "message", "") or inner))
    if isinstance(inner, TransportFailure) and inner.malformed:  # a redirect, too big, not HTTP
        return transport_error(
            f"Aliyun's answer is unusable: {text}", malformed=True, maybe_sent=True
        ), None
    sent = _maybe_sent(inner, text)
    if sent is False:
        return transport_error(f"could not connect to Aliyun: {text}", maybe_sent=False), (
            RETRY_NOT_SENT_S
        )
    if sent is True:
        return transport_error(f"no answer from Aliyun: {text}", maybe_sent=True), None
    if "json" in text.lower() or isinstance(inner, (ValueError, AttributeError, TypeError)):
        # not JSON, or JSON of another shape (a list where Aliyun sends an object)
        return transport_error(
            f"Aliyun's answer is not JSON: {text}", malformed=True, maybe_sent=True
        ), None
    return transport_error(f"{type(inner).__name__}: {text}", maybe_sent=True), None


def _maybe_sent(inner: BaseException, text: str) -> bool | None:
    """False: surely not sent; True: may have been sent; None: not a transport failure."""
    from darabonba.exceptions import RetryError

    if not isinstance(inner, RetryError):
        return None
    if getattr(inner, "surely_not_sent", False):  # the connector's transports mark it
        return False
    if getattr(inner, "maybe_sent", False):  # ... and so they mark what left
        return True
    cause = inner.__cause__ or inner.__context__  # what the SDK's transport caught
    if cause is not None:
        verdict = _sent_by_type(cause)
        if verdict is not None:
            return verdict
    return not (any(marker in text for marker in _NOT_CONNECTED) and "Read timed out" not in text)


def _sent_by_type(cause: BaseException) -> bool | None:
    """``requests``' exception types: which ones come before the request was written."""
    import requests
    from urllib3.exceptions import NewConnectionError

    if isinstance(cause, (requests.exceptions.ConnectTimeout, requests.exceptions.ProxyError)):
        return False
    if isinstance(cause, requests.exceptions.ReadTimeout):
        return True
    if isinstance(cause, requests.exceptions.ConnectionError) and not isinstance(
        cause, requests.exceptions.SSLError
    ):
        reason = getattr(cause.args[0] if cause.args else None, "reason", None)
        return not isinstance(reason, NewConnectionError)
    return None  # an SSLError may come from the handshake or from reading the answer


def _aliyun_error(exc: Any) -> tuple[ConnectorError, float | None]:
    from alibabacloud_tea_openapi.exceptions import ThrottlingException

    body = dict(exc.data) if isinstance(exc.data, dict) else {}
    code = body.get("Code") or exc.code
    if not isinstance(code, str) or code in ("", "None"):  # an error status, no Aliyun body
        status = getattr(exc, "status_code", None)
        return transport_error(
            f"HTTP {status} without an Aliyun error body", malformed=True, maybe_sent=True
        ), None
    status = body.pop("statusCode", None) or getattr(exc, "status_code", None)
    body.setdefault("Code", exc.code)
    body.setdefault("Message", exc.message)
    body.setdefault("RequestId", getattr(exc, "request_id", None))
    error = error_for_answer(body, status)
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(exc, ThrottlingException) and retry_after:
        assert error.data is not None
        error.data["retryAfterMs"] = retry_after
        if 0 < retry_after <= MAX_RETRY_AFTER_MS:
            return error, retry_after / 1000
    return error, None
