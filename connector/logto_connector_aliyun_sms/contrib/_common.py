"""What the framework adapters share: the config, the code rule, usage types and errors.

Sends through the connector's public API only, so an adapter behaves as any other caller would;
log lines mask numbers with the package's one rule (``redact.mask_phone``).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, NamedTuple

import logto_connector_aliyun_sms as aliyun_sms

from ..redact import mask_phone

logger = logging.getLogger("logto_connector_aliyun_sms.contrib")

#: The setting (Django) or config key (Flask) that holds the connector config.
SETTING = "ALIYUN_SMS"

#: What the end user reads when a code could not be sent.
SEND_FAILED = "We could not send the code. Please try again later."
#: What the end user reads when Aliyun's flow control (or the connector's limits) refused.
RATE_LIMITED = (
    "Too many codes were requested for this number. "
    "Please wait a minute before asking for a new one."
)

# Aliyun verification-code variables: 4 to 6 letters or digits.
_CODE_RULE = re.compile(r"[A-Za-z0-9]{4,6}")
CODE_MIN, CODE_MAX = 4, 6

# The framework's reason for sending -> Logto usage type (else Generic).
USAGE_TYPES: dict[str, str] = {
    "signup": "Register",
    "login": "SignIn",
    "phone_change": "BindNewIdentifier",
    "mfa_login": "MfaVerification",
    "mfa_setup": "BindMfa",
}


def require(module: str, extra: str) -> None:
    """Import ``module`` or raise one ImportError naming the extra that installs it."""
    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"{module} is not installed; install it with "
            f"pip install 'logto-connector-aliyun-sms[{extra}]'"
        ) from exc


def usage_type(reason: str) -> str:
    """The Logto usage type for the framework's ``reason`` (``Generic`` when unknown)."""
    return USAGE_TYPES.get(reason, aliyun_sms.TemplateType.GENERIC.value)


class ConfigProblems(Exception):
    """The ALIYUN_SMS value cannot be used; ``problems`` lists ``(path, message)`` pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


_SHAPES = "give the connector config as a dict, JSON text or the path of a JSON file"


def _read(value: Any, setting: str) -> tuple[Any, str]:
    """The raw config from a dict, JSON text or a file path, and the path prefix for errors."""
    if isinstance(value, Mapping):
        return dict(value), setting
    if isinstance(value, (str, os.PathLike)):
        text = os.fspath(value)
        if isinstance(text, str) and text.lstrip().startswith("{"):
            try:
                return json.loads(text), setting
            except ValueError as exc:
                raise ConfigProblems([(setting, f"is not valid JSON ({exc})")]) from None
        where = f"{setting} ({text})"
        try:
            return json.loads(Path(text).read_text(encoding="utf-8")), where
        except OSError as exc:
            raise ConfigProblems([(setting, f"cannot read {text}: {exc.strerror}")]) from None
        except ValueError as exc:
            raise ConfigProblems([(where, f"is not valid JSON ({exc})")]) from None
    if value is None:
        raise ConfigProblems([(setting, f"is not set: {_SHAPES}")])
    raise ConfigProblems([(setting, f"is a {type(value).__name__}: {_SHAPES}")])


def load_config(value: Any, setting: str = SETTING) -> aliyun_sms.AliyunSmsConfig:
    """The validated connector config from ``value`` (a dict, JSON text or a path).

    Raises ConfigProblems whose pairs name each problem's place, e.g.
    ``("ALIYUN_SMS.templates[0].templateCode", "is required")``.
    """
    raw, where = _read(value, setting)
    try:
        return aliyun_sms.validate_config(raw)
    except aliyun_sms.ConnectorError as exc:
        errors = (exc.data or {}).get("errors") or [{"path": "", "message": str(exc)}]
        raise ConfigProblems(
            [(f"{where}.{e['path']}" if e.get("path") else where, e["message"]) for e in errors]
        ) from None


def check_code(code: str | None, hint: str) -> None:
    """Refuse, before any request, a code Aliyun's verification templates cannot hold."""
    if code is None:
        raise aliyun_sms.ConnectorError(
            aliyun_sms.ConnectorErrorCode.INVALID_REQUEST_PARAMETERS,
            {"message": "no code found in the framework's text", "hint": hint, "retryable": False},
        )
    if _CODE_RULE.fullmatch(code):
        return
    shape = "letters and digits" if code.isalnum() else "characters other than letters and digits"
    raise aliyun_sms.ConnectorError(
        aliyun_sms.ConnectorErrorCode.INVALID_REQUEST_PARAMETERS,
        {
            "message": (
                f"the verification code has {len(code)} characters with {shape}; Aliyun "
                f"verification templates take {CODE_MIN}-{CODE_MAX} letters or digits"
            ),
            "hint": hint,
            "retryable": False,
        },
    )


def message_data(phone: str, usage: str, payload: dict[str, Any]) -> aliyun_sms.SendMessageData:
    """Logto's SendMessageData for one number."""
    return {"to": phone, "type": usage, "payload": payload}


def is_rate_limited(error: aliyun_sms.ConnectorError) -> bool:
    """Whether ``error`` is a per-interval throttle (flow control, the connector's limits)."""
    return error.code is aliyun_sms.ConnectorErrorCode.RATE_LIMIT_EXCEEDED


def log_failure(
    framework: str, error: aliyun_sms.ConnectorError | ConfigProblems, phone: str, usage: str
) -> None:
    """One masked log line for a send that failed."""
    if isinstance(error, ConfigProblems):
        logger.error("%s: SMS to %s (%s) not sent: %s", framework, mask_phone(phone), usage, error)
        return
    data = error.data or {}
    level = logging.WARNING if is_rate_limited(error) else logging.ERROR
    logger.log(
        level,
        "%s: SMS to %s (%s) not sent: %s (%s)%s",
        framework,
        mask_phone(phone),
        usage,
        error.code.value,
        data.get("Code") or data.get("message", ""),
        f"; hint: {data['hint']}" if data.get("hint") else "",
    )


def has_template(config: aliyun_sms.AliyunSmsConfig, usage: str) -> bool:
    """Whether the (validated) config names a template for exactly this usage type."""
    return any(t.get("usageType") == usage for t in config.get("templates", []))


#: How a send ended, for the adapter to tell the user in the framework's way.
Outcome = Literal["sent", "rate_limited", "failed"]
ConfigSource = Callable[[], aliyun_sms.AliyunSmsConfig]


class Delivery(NamedTuple):
    """One message to send; ``code_hint`` makes ``payload["code"]`` subject to the code rule.

    ``send()``/``send_async()`` log failures (masked) and return how the send ended.
    """

    framework: str
    phone: str
    usage: str
    payload: dict[str, Any]
    config: ConfigSource
    code_hint: str | None = None

    def _data(self) -> aliyun_sms.SendMessageData:
        if self.code_hint is not None:
            check_code(self.payload.get("code"), self.code_hint)
        return message_data(self.phone, self.usage, self.payload)

    def _failed(self, exc: aliyun_sms.ConnectorError | ConfigProblems) -> Outcome:
        log_failure(self.framework, exc, self.phone, self.usage)
        if isinstance(exc, aliyun_sms.ConnectorError) and is_rate_limited(exc):
            return "rate_limited"
        return "failed"

    def send(self) -> Outcome:
        """Send through the blocking API."""
        try:
            aliyun_sms.send_message(self._data(), self.config())
        except (aliyun_sms.ConnectorError, ConfigProblems) as exc:
            return self._failed(exc)
        return "sent"

    async def send_async(self) -> Outcome:
        """Send through the asyncio API."""
        try:
            await aliyun_sms.send_message_async(self._data(), self.config())
        except (aliyun_sms.ConnectorError, ConfigProblems) as exc:
            return self._failed(exc)
        return "sent"
