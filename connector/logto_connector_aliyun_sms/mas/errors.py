"""Dypnsapi's answers to SendSmsVerifyCode -> ConnectorError: this service's table.

Logto's MAS connector maps ``BUSINESS_LIMIT_CONTROL`` and ``FREQUENCY_FAIL`` to
``rate_limit_exceeded``, ``MOBILE_NUMBER_ILLEGAL`` to ``invalid_request_parameters`` and every
other business code to ``general``; so does this table. It adds whether a retry can help.
Gateway errors (a wrong key, throttling: HTTP 4xx) are read as the SendSms connector reads them
(``aliyun_errors``), since both products share Aliyun's gateway.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..kit import ConnectorError, ConnectorErrorCode

_E = ConnectorErrorCode


class Answer(NamedTuple):
    """What a Dypnsapi ``Code`` means for the connector."""

    error: ConnectorErrorCode
    retryable: bool


ANSWERS: dict[str, Answer] = {
    # per-number flow control: the same number too often (minute, hour, day; Interval)
    "BUSINESS_LIMIT_CONTROL": Answer(_E.RATE_LIMIT_EXCEEDED, True),
    "FREQUENCY_FAIL": Answer(_E.RATE_LIMIT_EXCEEDED, True),
    # the number: not a mainland mobile
    "MOBILE_NUMBER_ILLEGAL": Answer(_E.INVALID_REQUEST_PARAMETERS, False),
    # everything else is `general`, as in Logto; these never pass on their own
    "INVALID_PARAMETERS": Answer(_E.GENERAL, False),
    "BIZ_NOT_OPEN_STATUS": Answer(_E.GENERAL, False),
    "SECURITY_INTERCEPTED": Answer(_E.GENERAL, False),
    "RESOURCE_NOT_ENOUGH": Answer(_E.GENERAL, False),
    "COUNTRY_BLACKLISTED": Answer(_E.GENERAL, False),
    # Aliyun's own trouble: may pass later
    "InternalError": Answer(_E.GENERAL, True),
    "SMS_SYSTEM_ERROR": Answer(_E.GENERAL, True),
    "SENTINEL_BLOCK_EXCEPTION": Answer(_E.GENERAL, True),
}


def classify(code: str | None) -> Answer:
    """The ConnectorErrorCode and retryability of a Dypnsapi business ``Code``."""
    return ANSWERS.get(code or "", Answer(_E.GENERAL, False))


def answered(body: dict[str, Any], http_status: int | None = None) -> ConnectorError:
    """The ConnectorError for a SendSmsVerifyCode answer whose ``Code`` is not ``OK``.

    ``data`` holds Logto's keys (``errorDescription``, ``Code``, ``RequestId``, ``Model``)
    plus ``retryable`` and Aliyun's parsed answer (``response``).
    """
    code = body.get("Code")
    error, retryable = classify(code if isinstance(code, str) else None)
    data: dict[str, Any] = {"errorDescription": body.get("Message"), "Code": code}
    if body.get("RequestId") is not None:
        data["RequestId"] = body["RequestId"]
    if isinstance(body.get("Model"), dict):
        data["Model"] = body["Model"]
    if http_status is not None:
        data["httpStatus"] = http_status
    data["retryable"] = retryable
    data["response"] = body
    return ConnectorError(error, data)


def reread(error: ConnectorError) -> ConnectorError:
    """A ConnectorError of the shared SDK door, read with this service's table when it is a
    business answer (HTTP 200 with a ``Code``); any other error unchanged."""
    data = error.data if isinstance(error.data, dict) else None
    if data is None or data.get("httpStatus") not in (200, None):
        return error
    body = data.get("response")
    if not isinstance(body, dict) or not isinstance(body.get("Code"), str):
        return error
    return answered(body, data.get("httpStatus"))
