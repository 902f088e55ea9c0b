"""Aliyun's answers -> ConnectorError: the one table, in one place.

Every error's data keeps Logto's keys (``errorDescription``, ``Code``, ``RequestId`` and
``BizId`` when present), says whether a retry can help (``retryable``), and carries Aliyun's
parsed answer (``response``) for debugging.
"""

from __future__ import annotations

from typing import Any

from .kit import ConnectorError, ConnectorErrorCode

_E = ConnectorErrorCode

# Aliyun code -> (ConnectorErrorCode, whether sending again later can succeed)
ANSWERS: dict[str, tuple[ConnectorErrorCode, bool]] = {
    # per-number flow control and API throttling
    "isv.BUSINESS_LIMIT_CONTROL": (_E.RATE_LIMIT_EXCEEDED, True),
    "Throttling": (_E.RATE_LIMIT_EXCEEDED, True),
    "Throttling.User": (_E.RATE_LIMIT_EXCEEDED, True),
    "Throttling.Api": (_E.RATE_LIMIT_EXCEEDED, True),
    "Throttling.Tps": (_E.RATE_LIMIT_EXCEEDED, True),
    # quotas and money: last until reset or raised
    "isv.DAY_LIMIT_CONTROL": (_E.USAGE_LIMIT_EXCEEDED, False),
    "isv.MONTH_LIMIT_CONTROL": (_E.USAGE_LIMIT_EXCEEDED, False),
    "isv.AMOUNT_NOT_ENOUGH": (_E.USAGE_LIMIT_EXCEEDED, False),
    "isv.OUT_OF_SERVICE": (_E.USAGE_LIMIT_EXCEEDED, False),
    # the request: number, parameters, lengths
    "isv.MOBILE_NUMBER_ILLEGAL": (_E.INVALID_REQUEST_PARAMETERS, False),
    "isv.MOBILE_COUNT_OVER_LIMIT": (_E.INVALID_REQUEST_PARAMETERS, False),
    "isv.INVALID_PARAMETERS": (_E.INVALID_REQUEST_PARAMETERS, False),
    "isv.INVALID_JSON_PARAM": (_E.INVALID_REQUEST_PARAMETERS, False),
    "isv.TEMPLATE_MISSING_PARAMETERS": (_E.INVALID_REQUEST_PARAMETERS, False),
    "isv.TEMPLATE_PARAMS_ILLEGAL": (_E.INVALID_REQUEST_PARAMETERS, False),
    "isv.PARAM_LENGTH_LIMIT": (_E.INVALID_REQUEST_PARAMETERS, False),
    "isv.PARAM_NOT_SUPPORT_URL": (_E.INVALID_REQUEST_PARAMETERS, False),
    "isv.BLACK_KEY_CONTROL_LIMIT": (_E.INVALID_REQUEST_PARAMETERS, False),
    "isv.EXTEND_CODE_ERROR": (_E.INVALID_REQUEST_PARAMETERS, False),
    "MissingParameter": (_E.INVALID_REQUEST_PARAMETERS, False),
    # the config: signature, templates, keys, permissions, account
    "isv.SMS_TEMPLATE_ILLEGAL": (_E.INVALID_CONFIG, False),
    "isv.SMS_SIGNATURE_ILLEGAL": (_E.INVALID_CONFIG, False),
    "isv.SMS_SIGNATURE_SCENE_ILLEGAL": (_E.INVALID_CONFIG, False),
    "isv.SIGN_STATE_ILLEGAL": (_E.INVALID_CONFIG, False),
    "isv.SMS_SIGN_ILLEGAL": (_E.INVALID_CONFIG, False),
    "isv.SMS_CONTENT_ILLEGAL": (_E.INVALID_CONFIG, False),
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED": (_E.INVALID_CONFIG, False),
    "isv.PRODUCT_UN_SUBSCRIPT": (_E.INVALID_CONFIG, False),
    "isv.PRODUCT_UNSUBSCRIBE": (_E.INVALID_CONFIG, False),
    "isv.ACCOUNT_NOT_EXISTS": (_E.INVALID_CONFIG, False),
    "isv.ACCOUNT_ABNORMAL": (_E.INVALID_CONFIG, False),
    "isv.DENY_IP_RANGE": (_E.INVALID_CONFIG, False),
    "isp.RAM_PERMISSION_DENY": (_E.INVALID_CONFIG, False),
    "SignatureDoesNotMatch": (_E.INVALID_CONFIG, False),
    "IncompleteSignature": (_E.INVALID_CONFIG, False),
    "InvalidAccessKeyId.NotFound": (_E.INVALID_CONFIG, False),
    "InvalidAccessKeyId.Inactive": (_E.INVALID_CONFIG, False),
    "InvalidAccessKeyId": (_E.INVALID_CONFIG, False),
    "InvalidCredentials": (_E.INVALID_CONFIG, False),
    "Forbidden.RAM": (_E.INVALID_CONFIG, False),
    "Forbidden": (_E.INVALID_CONFIG, False),
    "Forbidden.AccessKeyDisabled": (_E.INVALID_CONFIG, False),
    # the host's clock is off by more than 15 minutes: fix the clock (NTP), then it works
    "InvalidTimeStamp.Expired": (_E.GENERAL, False),
    "InvalidTimeStamp.Format": (_E.GENERAL, False),
    # a nonce seen before: the next call draws a new one
    "SignatureNonceUsed": (_E.GENERAL, True),
    # Aliyun's own trouble: may pass
    "isp.SYSTEM_ERROR": (_E.GENERAL, True),
    "InternalError": (_E.GENERAL, True),
    "ServiceUnavailable": (_E.GENERAL, True),
}

#: What a transport failure becomes (no answer from Aliyun).
NETWORK_ERROR = (_E.GENERAL, True)
#: An answer that is not the JSON Dysmsapi sends.
MALFORMED_ANSWER = (_E.INVALID_RESPONSE, True)


def classify(code: str | None) -> tuple[ConnectorErrorCode, bool]:
    """The ConnectorErrorCode and retryability for an Aliyun ``Code``."""
    if code is None:
        return _E.GENERAL, False
    if code in ANSWERS:
        return ANSWERS[code]
    if code.startswith("Missing"):
        return _E.INVALID_REQUEST_PARAMETERS, False
    if code.startswith("Throttling"):
        return _E.RATE_LIMIT_EXCEEDED, True
    if code.startswith("Invalid"):  # the gateway's InvalidParameter, Invalid<Param>, ...
        return _E.INVALID_REQUEST_PARAMETERS, False
    return _E.GENERAL, False


def error_for_answer(body: dict[str, Any], http_status: int | None = None) -> ConnectorError:
    """The ConnectorError for a parsed Aliyun answer whose ``Code`` is not ``OK``."""
    code = body.get("Code")
    error_code, retryable = classify(code if isinstance(code, str) else None)
    data: dict[str, Any] = {
        "errorDescription": body.get("Message"),
        "Code": code,
        "RequestId": body.get("RequestId"),
    }
    if body.get("BizId"):
        data["BizId"] = body["BizId"]
    if http_status is not None:
        data["httpStatus"] = http_status
    data["retryable"] = retryable
    data["response"] = body
    return ConnectorError(error_code, data)


def transport_error(
    description: str,
    *,
    malformed: bool = False,
    maybe_sent: bool,
    http_status: int | None = None,
) -> ConnectorError:
    """A failure with no usable answer: network trouble, a timeout, or a malformed body."""
    error_code, retryable = MALFORMED_ANSWER if malformed else NETWORK_ERROR
    data: dict[str, Any] = {
        "errorDescription": description,
        "Code": None,
        "RequestId": None,
        "retryable": retryable,
        # True when Aliyun may have accepted (and charged) the message: check before resending.
        "maybeSent": maybe_sent,
    }
    if http_status is not None:
        data["httpStatus"] = http_status
    return ConnectorError(error_code, data)
