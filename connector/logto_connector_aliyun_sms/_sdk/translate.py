"""The SDK's exceptions -> a :class:`~.outcome.SendFailure`, and whether to try the call again.

Decided by types only, never by an error's text: Aliyun's own errors (``AlibabaCloudException``:
answered), the connector's transports' :class:`~.failures.TransportFailure` (which say where a
send failed), and anything else by whether the SDK had handed the request to a transport yet
(:class:`~.outcome.Progress`): before, the request was never built (not sent, not retried);
after, the answer could not be read (maybe sent).
"""

from __future__ import annotations

from typing import Any

from ..aliyun_errors import error_for_answer, transport_error
from ..kit import ConnectorError
from ..redact import without_query
from .constants import MAX_RETRY_AFTER_MS
from .outcome import Outcome, SendFailure

RETRY_NOT_SENT_S = 0.05
"""Seconds before trying again a call that surely did not reach Aliyun."""


def translate(exc: Exception, reached: bool = True) -> tuple[SendFailure, float | None]:
    """The failure for an SDK exception, and the seconds to wait before a retry (or None).

    ``reached``: whether the SDK had handed the request to the connector's transport.
    """
    from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

    from .failures import BadAnswer, CannotSend, NotSent, TransportFailure

    if isinstance(exc, AlibabaCloudException) and reached:
        error, wait_s = _aliyun_error(exc)
        answered = (error.data or {}).get("Code") is not None
        return SendFailure(error, Outcome.ANSWERED if answered else Outcome.MAYBE_SENT), wait_s
    inner = getattr(exc, "inner_exception", exc)
    if not isinstance(inner, TransportFailure) and not reached:
        return _not_sent(f"the SDK could not build the request: {_describe(inner)}"), None
    text = without_query(str(getattr(inner, "message", "") or inner))
    if isinstance(inner, BadAnswer):  # a redirect, too big, not HTTP
        error = transport_error(
            f"Aliyun's answer is unusable: {text}", malformed=True, maybe_sent=True
        )
    elif isinstance(inner, CannotSend):
        return _not_sent(f"the request was not sent: {text}"), None
    elif isinstance(inner, NotSent):
        error = transport_error(f"could not connect to Aliyun: {text}", maybe_sent=False)
        return SendFailure(error, Outcome.NOT_SENT), RETRY_NOT_SENT_S
    elif isinstance(inner, TransportFailure):
        error = transport_error(f"no answer from Aliyun: {text}", maybe_sent=True)
    elif "json" in text.lower() or isinstance(inner, (ValueError, AttributeError, TypeError)):
        # not JSON, or JSON of another shape (a list where Aliyun sends an object)
        error = transport_error(
            f"Aliyun's answer is not JSON: {text}", malformed=True, maybe_sent=True
        )
    else:
        error = transport_error(f"{type(inner).__name__}: {text}", maybe_sent=True)
    return SendFailure(error, Outcome.MAYBE_SENT), None


def _not_sent(description: str) -> SendFailure:
    """Nothing left, and trying again would fail the same way."""
    error = transport_error(description, maybe_sent=False)
    assert error.data is not None
    error.data["retryable"] = False
    return SendFailure(error, Outcome.NOT_SENT)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, UnicodeError):  # its text quotes the character, a piece of the value
        return f"{type(exc).__name__}: a value holds a character that cannot be encoded"
    return f"{type(exc).__name__}: {without_query(str(exc))}"


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
