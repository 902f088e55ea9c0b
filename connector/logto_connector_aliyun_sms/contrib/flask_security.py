"""Flask-Security: ``SECURITY_SMS_SERVICE = "aliyun"`` sends codes through Aliyun SMS.

Call ``init_app(app)`` after ``Security(app, ...)``: it validates ``app.config["ALIYUN_SMS"]``
(a dict, JSON text or a path) at start-up, for the connector ``app.config["ALIYUN_SMS_CONNECTOR"]``
names by its Logto id (``aliyun-short-message-service``, SendSms, by default, or
``aliyun-short-message-auth-service``, the Message Authentication Service), and registers the
sender.

Give ``Security(...)`` the phone check (``phone_util_cls=AliyunSmsPhoneUtil``) and mix
``AliyunSmsUserMixin`` into the user model (before ``FsUserMixin``), so that numbers that cannot
receive a code are refused at the form and a failed send shows one honest error, both in the
user's language (Flask-Babel's locale, when Flask-Babel is installed). ``init_app`` also adds
``flask aliyun-sms send --to PHONE [--type TYPE]``.

Flask-Security hands a sender rendered text ("Use this code to sign in: 123456"); an Aliyun
template takes only the code. The rule: the code is what stands where ``%(code)s`` stands in
Flask-Security's ``USE_CODE`` message (``SECURITY_MSG_USE_CODE``) in the current language; if
the text is not that message, the one run of 4-8 digits in it; otherwise nothing is sent.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from ._common import require

require("flask_security", "flask")

import click  # noqa: E402
from flask import Flask, current_app, g, has_request_context, request  # noqa: E402
from flask.cli import AppGroup  # noqa: E402
from flask_security import PhoneUtil, SmsSenderBaseClass, SmsSenderFactory  # noqa: E402
from flask_security.utils import do_flash, get_message  # noqa: E402

from ._command import DEFAULT_CODE, EPILOG, HELP, USAGE_TYPES, send_test  # noqa: E402
from ._common import (  # noqa: E402
    CONNECTOR_SETTING,
    RATE_LIMITED,
    SETTING,
    USER_TEXTS,
    ConfigProblems,
    Delivery,
    Site,
    SmsNotSent,
    config_warnings,
    load_site,
    logger,
    number_problem,
    usage_type,
)
from ._i18n import translate  # noqa: E402

__all__ = [
    "SERVICE",
    "AliyunSmsPhoneUtil",
    "AliyunSmsSender",
    "AliyunSmsUserMixin",
    "ConfigError",
    "SmsNotSent",
    "code_from_text",
    "init_app",
    "user_text",
]

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
    """``app.config["ALIYUN_SMS"]`` (or ``ALIYUN_SMS_CONNECTOR``) cannot be used; the message
    lists each problem's path."""


def init_app(app: Flask) -> None:
    """Validate the config and make ``"aliyun"`` the SMS service (raises ``ConfigError``);
    what the connector's ``check_config`` warns about is logged."""
    try:
        app.extensions[_EXTENSION] = _load(app)
    except ConfigProblems as exc:
        lines = "\n".join(f"  {path}: {message}" for path, message in exc.problems)
        raise ConfigError(f"the Aliyun SMS config is not usable:\n{lines}") from None
    for path, message in config_warnings(
        app.config.get(SETTING), app.config.get(CONNECTOR_SETTING)
    ):
        logger.warning("flask_security: %s: %s (Aliyun will refuse such sends)", path, message)
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
    if "aliyun-sms" not in app.cli.commands:
        app.cli.add_command(cli)


def _load(app: Flask) -> Site:
    return load_site(app.config.get(SETTING), app.config.get(CONNECTOR_SETTING))


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


def user_text(text: str) -> str:
    """``text`` (an English source text) in the user's language: Flask-Babel's locale when
    Flask-Babel is installed and initialised, else English."""
    return translate(text, _language())


def _language() -> str | None:
    if "babel" not in current_app.extensions:
        return None
    try:
        from flask_babel import get_locale
    except ImportError:  # pragma: no cover - the extension is Flask-Babel's
        return None
    locale = get_locale()
    if locale is None:
        return None
    return "-".join(part for part in (locale.language, locale.script, locale.territory) if part)


_FAILURE = "aliyun_sms_failure"


class AliyunSmsSender(SmsSenderBaseClass):
    """Flask-Security's SMS sender for Aliyun SMS (``SECURITY_SMS_SERVICE = "aliyun"``)."""

    def send_sms(self, from_number: str, to_number: str, msg: str) -> None:
        """Send the code in ``msg`` to ``to_number`` (``from_number`` is not used).

        A failure raises ``SmsNotSent`` (Flask-Security then shows an error; with
        ``AliyunSmsUserMixin``, the one that says what to do); a rate limit is a flashed warning
        (the code sent moments ago is still valid).
        """
        usage = usage_type(_reason())
        payload = {"code": code_from_text(msg)}
        sent = Delivery("flask_security", to_number, usage, payload, _config, HINT).send()
        if sent.outcome == "sent":
            return
        if sent.outcome == "rate_limited" and has_request_context():
            # a code sent moments ago is still valid (SECURITY_TWO_FACTOR_SMS_VALIDITY, 120 s)
            do_flash(user_text(RATE_LIMITED), "error")
            return
        if has_request_context():
            setattr(g, _FAILURE, user_text(USER_TEXTS[sent.outcome]))
        sent.raise_error()


class AliyunSmsUserMixin:
    """Mix into the user model (before ``FsUserMixin``): a failed send shows one error that
    says what to do (wait a minute, fix the number...), in the user's language, in place of
    Flask-Security's "Failed to send code. Please try again later"."""

    def tf_send_security_token(self, method: str, **kwargs: Any) -> str | None:
        """Flask-Security's, with the adapter's error text."""
        return _honest(super().tf_send_security_token(method, **kwargs))  # type: ignore[misc]

    def us_send_security_token(self, method: str, **kwargs: Any) -> str | None:
        """Flask-Security's, with the adapter's error text."""
        return _honest(super().us_send_security_token(method, **kwargs))  # type: ignore[misc]


def _honest(message: str | None) -> str | None:
    if message is None:
        return None
    ours: str | None = g.pop(_FAILURE, None)
    return ours or message


class AliyunSmsPhoneUtil(PhoneUtil):
    """Flask-Security's phone check, then the connector's: a mobile number Aliyun SMS can
    reach, in ``allowedCountryCodes``. ``Security(app, datastore, phone_util_cls=...)``."""

    def validate_phone_number(self, input_data: str) -> str | None:
        """None for a usable number, else the error to show on the field."""
        message: str | None = super().validate_phone_number(input_data)
        if message is not None:
            return message
        canonical = self.get_canonical_form(input_data) or input_data
        try:
            problem = number_problem(canonical, _config())
        except ConfigProblems:
            return None  # init_app reports the config
        return None if problem is None else user_text(problem)


def _config() -> Site:
    site: Site | None = current_app.extensions.get(_EXTENSION)
    return site if site is not None else _load(current_app)


SmsSenderFactory.senders[SERVICE] = AliyunSmsSender

cli = AppGroup("aliyun-sms", help="Aliyun SMS: test the app's ALIYUN_SMS config.")


@cli.command("send", help=HELP, epilog=EPILOG)
@click.option("--to", required=True, metavar="PHONE", help="the phone number")
@click.option(
    "--type",
    "usage",
    default="Generic",
    show_default=True,
    type=click.Choice(USAGE_TYPES),
    help="the usage type, which picks the template",
)
@click.option("--code", default=DEFAULT_CODE, show_default=True, help="the code")
def _send_command(to: str, usage: str, code: str) -> None:
    config = current_app.config
    code_ = send_test(config.get(SETTING), to, usage, code, config.get(CONNECTOR_SETTING))
    if code_:
        sys.exit(code_)
