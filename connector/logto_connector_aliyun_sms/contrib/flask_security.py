"""Flask-Security: ``SECURITY_SMS_SERVICE = "aliyun"`` sends codes through Aliyun SMS.

Call ``init_app(app)`` after ``Security(app, ...)``: it validates ``app.config["ALIYUN_SMS"]``
(a dict, JSON text or a path) at start-up and registers the sender.

Flask-Security hands a sender rendered text ("Use this code to sign in: 123456"); an Aliyun
template takes only the code. The rule: the code is what stands where ``%(code)s`` stands in
Flask-Security's ``USE_CODE`` message (``SECURITY_MSG_USE_CODE``) in the current language; if
the text is not that message, the one run of 4-8 digits in it; otherwise nothing is sent.
"""

from __future__ import annotations

import re

from ._common import require

require("flask_security", "flask")

from flask import Flask, current_app, has_request_context, request  # noqa: E402
from flask_security import SmsSenderBaseClass, SmsSenderFactory  # noqa: E402
from flask_security.utils import do_flash, get_message  # noqa: E402

import logto_connector_aliyun_sms as aliyun_sms  # noqa: E402

from ._common import (  # noqa: E402
    RATE_LIMITED,
    SEND_FAILED,
    SETTING,
    ConfigProblems,
    Delivery,
    load_config,
    usage_type,
)

__all__ = ["SERVICE", "AliyunSmsSender", "ConfigError", "SmsNotSent", "code_from_text", "init_app"]

#: The name to give ``SECURITY_SMS_SERVICE``.
SERVICE = "aliyun"
_EXTENSION = "aliyun_sms"
HINT = "keep %(code)s in SECURITY_MSG_USE_CODE; Flask-Security's codes are 6 digits"
_DIGITS = re.compile(r"(?<![0-9])[0-9]{4,8}(?![0-9])")
_MARK = "\x00"

# Flask-Security view (endpoint without the blueprint) -> why it sends a code
_REASONS = {
    "login": "mfa_login",
    "two_factor_token_validation": "mfa_login",
    "two_factor_rescue": "mfa_login",
    "two_factor_setup": "mfa_setup",
    "us_signin": "login",
    "us_signin_send_code": "login",
    "us_setup": "phone_change",
    "us_verify": "reauthentication",
    "us_verify_send_code": "reauthentication",
}


class ConfigError(ValueError):
    """``app.config["ALIYUN_SMS"]`` cannot be used; the message lists each problem's path."""


class SmsNotSent(RuntimeError):
    """The code was not sent; Flask-Security shows "Failed to send code" (details are logged)."""


def init_app(app: Flask) -> None:
    """Validate the config and make ``"aliyun"`` the SMS service (raises ``ConfigError``)."""
    try:
        app.extensions[_EXTENSION] = _load(app)
    except ConfigProblems as exc:
        lines = "\n".join(f"  {path}: {message}" for path, message in exc.problems)
        raise ConfigError(f"the Aliyun SMS config is not usable:\n{lines}") from None
    service = app.config.get("SECURITY_SMS_SERVICE")
    if service in (None, "Dummy"):  # unset (Flask-Security's default is "Dummy")
        app.config["SECURITY_SMS_SERVICE"] = SERVICE
    elif service != SERVICE:
        raise ConfigError(f"SECURITY_SMS_SERVICE is {service!r}; set it to {SERVICE!r}")
    use_code = app.config.get("SECURITY_MSG_USE_CODE")
    if use_code and "%(code)s" not in str(use_code[0]):
        raise ConfigError(f"SECURITY_MSG_USE_CODE has no %(code)s, so no code can be sent; {HINT}")
    # Flask-Security reads a sender number that Aliyun does not use (the signature names you)
    sms_config = app.config.setdefault("SECURITY_SMS_SERVICE_CONFIG", {})
    sms_config.setdefault("PHONE_NUMBER", None)


def _load(app: Flask) -> aliyun_sms.AliyunSmsConfig:
    return load_config(app.config.get(SETTING))


def code_from_text(text: str) -> str | None:
    """The code inside Flask-Security's rendered text (the rule in this module's docstring)."""
    template = get_message("USE_CODE", code=_MARK)[0]
    before, _, after = template.partition(_MARK)
    if (
        _MARK in template
        and len(text) > len(before) + len(after)
        and text.startswith(before)
        and text.endswith(after)
    ):
        return text[len(before) : len(text) - len(after)]
    found = _DIGITS.findall(text)
    return found[0] if len(found) == 1 else None


def _reason() -> str:
    endpoint = (request.endpoint or "") if has_request_context() else ""
    return _REASONS.get(endpoint.rpartition(".")[2], "other")


class AliyunSmsSender(SmsSenderBaseClass):
    """Flask-Security's SMS sender for Aliyun SMS (``SECURITY_SMS_SERVICE = "aliyun"``)."""

    def send_sms(self, from_number: str, to_number: str, msg: str) -> None:
        """Send the code in ``msg`` to ``to_number`` (``from_number`` is not used)."""
        usage = usage_type(_reason())
        payload = {"code": code_from_text(msg)}
        outcome = Delivery("flask_security", to_number, usage, payload, _config, HINT).send()
        if outcome == "failed":
            raise SmsNotSent(SEND_FAILED)
        if outcome == "rate_limited":
            # a code sent moments ago is still valid (SECURITY_TWO_FACTOR_SMS_VALIDITY, 120 s)
            do_flash(RATE_LIMITED, "error")


def _config() -> aliyun_sms.AliyunSmsConfig:
    config: aliyun_sms.AliyunSmsConfig | None = current_app.extensions.get(_EXTENSION)
    return config if config is not None else _load(current_app)


SmsSenderFactory.senders[SERVICE] = AliyunSmsSender
