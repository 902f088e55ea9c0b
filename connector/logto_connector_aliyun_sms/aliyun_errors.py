"""Aliyun's answers -> ConnectorError: the one table, in one place.

Per Aliyun ``Code``: the ConnectorErrorCode, whether sending again later can succeed, and which
admin hint applies (``hint(code, lang)``; the hints' texts are ``texts.hints``). The send path,
the CLI, the docs generator and the tests all read this table.

Every error's data keeps Logto's keys (``errorDescription``, ``Code``, ``RequestId`` and
``BizId`` when present), says whether a retry can help (``retryable``), and carries Aliyun's
parsed answer (``response``) for debugging.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .kit import ConnectorError, ConnectorErrorCode
from .texts.hints import hint_text

_E = ConnectorErrorCode


class Answer(NamedTuple):
    """What an Aliyun ``Code`` means for the connector."""

    error: ConnectorErrorCode
    retryable: bool  # whether sending again later can succeed
    hint: str  # the key of the admin's hint in texts.hints.HINTS


ANSWERS: dict[str, Answer] = {
    # per-number flow control and API throttling
    "isv.BUSINESS_LIMIT_CONTROL": Answer(_E.RATE_LIMIT_EXCEEDED, True, "flow"),
    "Throttling": Answer(_E.RATE_LIMIT_EXCEEDED, True, "throttle"),
    "Throttling.User": Answer(_E.RATE_LIMIT_EXCEEDED, True, "throttle"),
    "Throttling.Api": Answer(_E.RATE_LIMIT_EXCEEDED, True, "throttle"),
    "Throttling.Tps": Answer(_E.RATE_LIMIT_EXCEEDED, True, "throttle"),
    # quotas and money: last until reset or raised
    "isv.DAY_LIMIT_CONTROL": Answer(_E.USAGE_LIMIT_EXCEEDED, False, "quota"),
    "isv.MONTH_LIMIT_CONTROL": Answer(_E.USAGE_LIMIT_EXCEEDED, False, "quota"),
    "isv.AMOUNT_NOT_ENOUGH": Answer(_E.USAGE_LIMIT_EXCEEDED, False, "money"),
    "isv.OUT_OF_SERVICE": Answer(_E.USAGE_LIMIT_EXCEEDED, False, "money"),
    # the request: number, parameters, lengths
    "isv.MOBILE_NUMBER_ILLEGAL": Answer(_E.INVALID_REQUEST_PARAMETERS, False, "number"),
    "isv.MOBILE_COUNT_OVER_LIMIT": Answer(_E.INVALID_REQUEST_PARAMETERS, False, "request"),
    "isv.INVALID_PARAMETERS": Answer(_E.INVALID_REQUEST_PARAMETERS, False, "request"),
    "isv.INVALID_JSON_PARAM": Answer(_E.INVALID_REQUEST_PARAMETERS, False, "variables"),
    "isv.TEMPLATE_MISSING_PARAMETERS": Answer(_E.INVALID_REQUEST_PARAMETERS, False, "variables"),
    "isv.TEMPLATE_PARAMS_ILLEGAL": Answer(_E.INVALID_REQUEST_PARAMETERS, False, "variables"),
    "isv.PARAM_LENGTH_LIMIT": Answer(_E.INVALID_REQUEST_PARAMETERS, False, "variables"),
    "isv.PARAM_NOT_SUPPORT_URL": Answer(_E.INVALID_REQUEST_PARAMETERS, False, "variables"),
    "isv.BLACK_KEY_CONTROL_LIMIT": Answer(_E.INVALID_REQUEST_PARAMETERS, False, "blocked"),
    "isv.EXTEND_CODE_ERROR": Answer(_E.INVALID_REQUEST_PARAMETERS, False, "request"),
    "MissingParameter": Answer(_E.INVALID_REQUEST_PARAMETERS, False, "request"),
    # the config: signature, templates, keys, permissions, account
    "isv.SMS_TEMPLATE_ILLEGAL": Answer(_E.INVALID_CONFIG, False, "template"),
    "isv.SMS_SIGNATURE_ILLEGAL": Answer(_E.INVALID_CONFIG, False, "signature"),
    "isv.SMS_SIGNATURE_SCENE_ILLEGAL": Answer(_E.INVALID_CONFIG, False, "scene"),
    "isv.SMS_TEST_NUMBER_LIMIT": Answer(_E.INVALID_CONFIG, False, "test_number"),
    "isv.SIGN_STATE_ILLEGAL": Answer(_E.INVALID_CONFIG, False, "signature"),
    "isv.SMS_SIGN_ILLEGAL": Answer(_E.INVALID_CONFIG, False, "signature"),
    "isv.SMS_CONTENT_ILLEGAL": Answer(_E.INVALID_CONFIG, False, "content"),
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED": Answer(_E.INVALID_CONFIG, False, "domestic"),
    "isv.PRODUCT_UN_SUBSCRIPT": Answer(_E.INVALID_CONFIG, False, "product"),
    "isv.PRODUCT_UNSUBSCRIBE": Answer(_E.INVALID_CONFIG, False, "product"),
    "isv.ACCOUNT_NOT_EXISTS": Answer(_E.INVALID_CONFIG, False, "account"),
    "isv.ACCOUNT_ABNORMAL": Answer(_E.INVALID_CONFIG, False, "account"),
    "isv.DENY_IP_RANGE": Answer(_E.INVALID_CONFIG, False, "ip"),
    "isp.RAM_PERMISSION_DENY": Answer(_E.INVALID_CONFIG, False, "ram"),
    "SignatureDoesNotMatch": Answer(_E.INVALID_CONFIG, False, "key"),
    "IncompleteSignature": Answer(_E.INVALID_CONFIG, False, "key"),
    "InvalidAccessKeyId.NotFound": Answer(_E.INVALID_CONFIG, False, "key"),
    "InvalidAccessKeyId.Inactive": Answer(_E.INVALID_CONFIG, False, "key"),
    "InvalidAccessKeyId": Answer(_E.INVALID_CONFIG, False, "key"),
    "InvalidCredentials": Answer(_E.INVALID_CONFIG, False, "key"),
    "Forbidden.RAM": Answer(_E.INVALID_CONFIG, False, "ram"),
    "Forbidden": Answer(_E.INVALID_CONFIG, False, "ram"),
    "Forbidden.AccessKeyDisabled": Answer(_E.INVALID_CONFIG, False, "key"),
    # the host's clock is off by more than 15 minutes: fix the clock (NTP), then it works
    "InvalidTimeStamp.Expired": Answer(_E.GENERAL, False, "clock"),
    "InvalidTimeStamp.Format": Answer(_E.GENERAL, False, "clock"),
    # a nonce seen before (a replayed request): the next call draws a new one
    "SignatureNonceUsed": Answer(_E.GENERAL, True, "nonce"),
    # Aliyun's own trouble: may pass
    "isp.SYSTEM_ERROR": Answer(_E.GENERAL, True, "system"),
    "InternalError": Answer(_E.GENERAL, True, "system"),
    "ServiceUnavailable": Answer(_E.GENERAL, True, "system"),
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
        return ANSWERS[code][:2]
    if code.startswith("Missing"):
        return _E.INVALID_REQUEST_PARAMETERS, False
    if code.startswith("Throttling"):
        return _E.RATE_LIMIT_EXCEEDED, True
    if code.startswith("Invalid"):  # the gateway's InvalidParameter, Invalid<Param>, ...
        return _E.INVALID_REQUEST_PARAMETERS, False
    return _E.GENERAL, False


#: Answers whose ``Message`` calls for another hint than their code's: (code, words) -> hint.
MESSAGE_HINTS: dict[tuple[str, str], str] = {
    # a mainland template sent to a number elsewhere (Hong Kong included)
    ("isv.SMS_TEMPLATE_ILLEGAL", "国内短信模板不支持发送国际/港澳台号码"): "mainland_only",
}


def hint(code: str, lang: str = "en", message: str | None = None) -> str | None:
    """What the admin should do about an Aliyun ``Code`` (None for a code not in the table).

    ``message`` (Aliyun's ``Message``) refines the hint where one code covers two causes.
    """
    answer = ANSWERS.get(code)
    if answer is None:
        return None
    key = answer.hint
    for (known, words), specific in MESSAGE_HINTS.items():
        if known == code and message and words in message:
            key = specific
    return hint_text(key, lang)


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
