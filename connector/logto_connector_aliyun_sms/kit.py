"""The Logto connector contract: error type, error codes, template and connector types, and the
shapes of the config, the send data and the result.

Values are Logto's own strings (``@logto/connector-kit``), so they serialise to the same JSON.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Any, Literal, TypedDict


class _WireEnum(str, Enum):
    """A Logto enum: its value is the wire string, and ``str()`` gives it."""

    def __str__(self) -> str:
        return str(self.value)


class ConnectorErrorCode(_WireEnum):
    """Logto's ``ConnectorErrorCodes``; the value is the wire string."""

    GENERAL = "general"
    INVALID_METADATA = "invalid_metadata"
    UNEXPECTED_TYPE = "unexpected_type"
    INVALID_CONFIG_GUARD = "invalid_config_guard"
    INVALID_REQUEST_PARAMETERS = "invalid_request_parameters"
    INSUFFICIENT_REQUEST_PARAMETERS = "insufficient_request_parameters"
    INVALID_CONFIG = "invalid_config"
    INVALID_CERTIFICATE = "invalid_certificate"
    INVALID_RESPONSE = "invalid_response"
    TEMPLATE_NOT_FOUND = "template_not_found"
    TEMPLATE_NOT_SUPPORTED = "template_not_supported"
    RATE_LIMIT_EXCEEDED = "rate_limit_exceeded"
    USAGE_LIMIT_EXCEEDED = "usage_limit_exceeded"
    NOT_IMPLEMENTED = "not_implemented"
    SOCIAL_AUTH_CODE_INVALID = "social_auth_code_invalid"
    SOCIAL_INVALID_ACCESS_TOKEN = "social_invalid_access_token"
    SOCIAL_INVALID_ID_TOKEN = "social_invalid_id_token"
    AUTHORIZATION_FAILED = "authorization_failed"


class TemplateType(_WireEnum):
    """Logto's ``TemplateType``: why a message is sent; matched against ``usageType``."""

    SIGN_IN = "SignIn"
    REGISTER = "Register"
    FORGOT_PASSWORD = "ForgotPassword"
    ORGANIZATION_INVITATION = "OrganizationInvitation"
    GENERIC = "Generic"
    USER_PERMISSION_VALIDATION = "UserPermissionValidation"
    BIND_NEW_IDENTIFIER = "BindNewIdentifier"
    MFA_VERIFICATION = "MfaVerification"
    BIND_MFA = "BindMfa"


class ConnectorType(_WireEnum):
    """Logto's ``ConnectorType``."""

    EMAIL = "Email"
    SMS = "Sms"
    SOCIAL = "Social"


class ConnectorError(Exception):
    """A connector failure with Logto's shape: ``.code`` and ``.data``.

    As in Logto, the message reads ``ConnectorError: <data as compact JSON>`` (the code when
    ``data`` is empty), written from ``data`` as given; then a string ``data`` becomes
    ``{"message": data}``.
    """

    code: ConnectorErrorCode
    data: dict[str, Any] | None

    def __init__(self, code: ConnectorErrorCode | str, data: Any = None) -> None:
        self.code = ConnectorErrorCode(code)
        message = _message(self.code, data)
        if isinstance(data, str):
            data = {"message": data}
        elif data is not None and not isinstance(data, dict):
            data = {"message": str(data)}
        self.data = data
        super().__init__(message)

    @property
    def retryable(self) -> bool:
        """Whether sending again later may succeed (``data["retryable"]``, default False)."""
        return bool((self.data or {}).get("retryable", False))

    def __repr__(self) -> str:
        return f"ConnectorError(code={self.code.value!r}, data={self.data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.code, self.data, self.args))


def _message(code: ConnectorErrorCode, data: Any) -> str:
    """Logto's ``ConnectorError: ${data ? JSON.stringify(data) : code}``."""
    if _falsy(data):
        return f"ConnectorError: {code.value}"
    try:
        text = json.dumps(
            data, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str
        )
    except (TypeError, ValueError, RecursionError):  # a cycle, NaN, odd keys: never fail to raise
        text = json.dumps(
            {"message": f"{code.value} (data not serialisable)"}, separators=(",", ":")
        )
    return "ConnectorError: " + text


def _falsy(value: Any) -> bool:
    """JavaScript's falsiness: null, false, 0, NaN and "" (but not {} or [])."""
    if value is None or value is False or isinstance(value, str):
        return not value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == 0 or value != value
    return False


def _rebuild(
    cls: type[ConnectorError], code: ConnectorErrorCode, data: Any, args: tuple[Any, ...]
) -> ConnectorError:
    """Unpickle a ConnectorError exactly: its code, data and message as they were."""
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.code, error.data = code, data
    return error


# --- shapes (plain dicts, as Logto passes them) -----------------------------------------------


class TemplateCode(TypedDict):
    """A template code per destination: mainland China, and everywhere else."""

    china: str
    overseas: str


class _TemplateRequired(TypedDict):
    usageType: str
    templateCode: str | TemplateCode


class Template(_TemplateRequired, total=False):
    """One entry of ``templates``: which Aliyun template serves a usage type."""

    type: int  # Aliyun's template kind: 0, 1, 2 (default), 6 or 7


class _ConfigRequired(TypedDict):
    accessKeyId: str
    accessKeySecret: str
    signName: str
    templates: list[Template]


class AliyunSmsConfig(_ConfigRequired, total=False):
    """The connector config: Logto's keys, and this connector's optional ones."""

    strictPhoneRegionNumberCheck: bool
    endpoint: str
    connectTimeout: int
    readTimeout: int
    allowedCountryCodes: list[str]
    minSendIntervalSeconds: float
    maxMessagesPerNumberPerDay: int
    maxMessagesPerIpPerHour: int
    maxMessagesPerCountryPerHour: int
    limitsFailMode: Literal["open", "closed"]


class _SendMessageRequired(TypedDict):
    to: str
    type: TemplateType | str
    payload: dict[str, Any]  # template variables: ``code``, ``locale`` (dropped), any other


class SendMessageData(_SendMessageRequired, total=False):
    """Logto's ``SendMessageData`` (``outId``: this connector's, sent as OutId when given)."""

    ip: str
    outId: str


class SendResult(TypedDict):
    """What a send returns: Aliyun's answer, as Logto's connector returns it."""

    Code: Literal["OK"]
    Message: str
    RequestId: str
    BizId: str | None
