"""System checks: the connector config and the code formats, at start-up (``manage.py check``).

IDs: ``aliyun_sms.E001`` a config problem (one per problem, with its path; an unknown
``ALIYUN_SMS_CONNECTOR`` too), ``aliyun_sms.E002`` allauth's phone code format,
``aliyun_sms.E003`` two-factor's token digits, ``aliyun_sms.W001`` the two-factor gateway without
``RequestMiddleware``, ``aliyun_sms.W002`` what the connector's ``check_config`` warns about
(a valid config that Aliyun would refuse).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .._common import (
    CODE_MAX,
    CODE_MIN,
    CONNECTOR_SETTING,
    SETTING,
    ConfigProblems,
    config_warnings,
)
from .settings import get_config

ALLAUTH_HINT = (
    'set ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}'
)
TWO_FACTOR_HINT = "set TWO_FACTOR_TOTP_DIGITS = 6 (Aliyun verification templates take 4-6)"
_MIDDLEWARE = "logto_connector_aliyun_sms.contrib.django.context.RequestMiddleware"
_GATEWAY = "logto_connector_aliyun_sms.contrib.two_factor.Gateway"


def check_config(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """One error per problem in ``settings.ALIYUN_SMS`` (or ``ALIYUN_SMS_CONNECTOR``), each
    naming its path; one warning per warning of the connector's ``check_config``."""
    try:
        get_config()
    except ConfigProblems as exc:
        return [
            checks.Error(
                f"{path}: {message}",
                hint=(
                    f"set settings.{CONNECTOR_SETTING} to a connector's Logto id"
                    if path == CONNECTOR_SETTING
                    else f"fix settings.{SETTING} (the Aliyun SMS connector config)"
                ),
                id="aliyun_sms.E001",
            )
            for path, message in exc.problems
        ]
    value = getattr(settings, SETTING, None)
    name = getattr(settings, CONNECTOR_SETTING, None)
    return [
        checks.Warning(f"{path}: {message}", hint=_WARNING_HINT, id="aliyun_sms.W002")
        for path, message in config_warnings(value, name)
    ]


_WARNING_HINT = f"Logto accepts this {SETTING} value, but Aliyun will refuse the sends it makes"


def allauth_code_problem(code_format: dict[str, Any]) -> str | None:
    """Why codes of allauth's ``code_format`` do not fit Aliyun's templates, or None."""
    numeric = bool(code_format.get("numeric", False))
    length = code_format.get("length") or (9 if numeric else 8)
    if code_format.get("dashed", True):
        return "allauth's phone verification codes are dashed (BCDF-GHJK)"
    if not CODE_MIN <= length <= CODE_MAX:
        return f"allauth's phone verification codes have {length} characters"
    allowed = code_format.get("allowed_chars")
    if allowed and not (str(allowed).isascii() and str(allowed).isalnum()):
        return "allauth's phone verification codes use characters other than letters and digits"
    return None


def check_allauth(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The phone verification code format fits, when allauth uses the Aliyun adapter."""
    if not apps.is_installed("allauth.account"):
        return []
    from allauth.account import app_settings
    from allauth.account.adapter import DefaultAccountAdapter

    adapter = import_string(app_settings.ADAPTER)
    if not getattr(adapter, "aliyun_sms_adapter", False):  # AliyunSmsAdapterMixin's mark
        return []
    own = getattr(adapter, "generate_phone_verification_code", None)
    if own is not DefaultAccountAdapter.generate_phone_verification_code:
        return []  # the project makes its own codes; they are checked at send time
    problem = allauth_code_problem(dict(app_settings.PHONE_VERIFICATION_CODE_FORMAT))
    if problem is None:
        return []
    return [
        checks.Error(
            f"{problem}; Aliyun verification templates take {CODE_MIN}-{CODE_MAX} letters or "
            "digits, so every SMS would be refused",
            hint=ALLAUTH_HINT,
            id="aliyun_sms.E002",
        )
    ]


def check_two_factor(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Token digits fit, and the gateway can reach the user, when two-factor uses it."""
    if getattr(settings, "TWO_FACTOR_SMS_GATEWAY", None) != _GATEWAY:
        return []
    found: list[checks.CheckMessage] = []
    digits = getattr(settings, "TWO_FACTOR_TOTP_DIGITS", 6)
    if not CODE_MIN <= digits <= CODE_MAX:
        found.append(
            checks.Error(
                f"TWO_FACTOR_TOTP_DIGITS is {digits}; Aliyun verification templates take "
                f"{CODE_MIN}-{CODE_MAX} digits",
                hint=TWO_FACTOR_HINT,
                id="aliyun_sms.E003",
            )
        )
    if _MIDDLEWARE not in settings.MIDDLEWARE:
        found.append(
            checks.Warning(
                "the Aliyun SMS gateway cannot tell users that a code was not sent",
                hint=f"add {_MIDDLEWARE!r} to MIDDLEWARE, after MessageMiddleware",
                id="aliyun_sms.W001",
            )
        )
    return found


_CHECKS = (check_config, check_allauth, check_two_factor)
_APP = "logto_connector_aliyun_sms.contrib.django"
_ran_without_app = False


def register_checks() -> None:
    """Register the checks (idempotent: the registry is a set)."""
    for check in _CHECKS:
        checks.register(check)


def check_now_without_app() -> None:
    """Run the checks once when the app is not installed, raising ImproperlyConfigured on errors.

    allauth builds its adapter while Django runs its checks (``manage.py check``, ``runserver``,
    ``migrate``): the adapter calls this then, so a bad config stops those commands even when
    only the adapter is named in settings.
    """
    global _ran_without_app
    if _ran_without_app or apps.is_installed(_APP):
        return
    _ran_without_app = True
    errors = [m for check in _CHECKS for m in check() if m.is_serious()]
    if errors:
        raise ImproperlyConfigured(
            "\n".join(f"{m.id}: {m.msg}\n\tHINT: {m.hint}" for m in errors)
            + f"\n(add {_APP!r} to INSTALLED_APPS to see these as system checks)"
        )
