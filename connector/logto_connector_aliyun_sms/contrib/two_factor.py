"""django-two-factor-auth: ``TWO_FACTOR_SMS_GATEWAY`` sending tokens through Aliyun SMS.

``TWO_FACTOR_SMS_GATEWAY = "logto_connector_aliyun_sms.contrib.two_factor.Gateway"``; with the
app ``logto_connector_aliyun_sms.contrib.django`` installed, two-factor's SMS method becomes
``AliyunSmsMethod``: its phone form refuses numbers that cannot receive a code, and the token
page says what went wrong instead of "We sent you a text message" when a send failed.
"""

from __future__ import annotations

from typing import Any

from ._common import require

require("two_factor", "django")

from django import forms  # noqa: E402
from django.contrib import messages  # noqa: E402
from django.http import HttpRequest  # noqa: E402
from two_factor.plugins.phonenumber.forms import PhoneNumberForm  # noqa: E402
from two_factor.plugins.phonenumber.method import SMSMethod  # noqa: E402
from two_factor.plugins.registry import registry  # noqa: E402

from ._common import (  # noqa: E402
    USER_TEXTS,
    ConfigProblems,
    Delivery,
    Outcome,
    SmsNotSent,
    number_problem,
    usage_type,
)
from .django.checks import TWO_FACTOR_HINT, register_checks  # noqa: E402
from .django.context import current_request  # noqa: E402
from .django.i18n import user_text  # noqa: E402
from .django.settings import get_config  # noqa: E402

__all__ = [
    "AliyunPhoneNumberForm",
    "AliyunSmsMethod",
    "Gateway",
    "SmsNotSent",
    "VoiceNotSupported",
    "install_method",
]

register_checks()
_FAILED = "_aliyun_sms_outcome"


class VoiceNotSupported(NotImplementedError):
    """Aliyun SMS sends texts only; voice calls are another Alibaba Cloud product (Dyvms)."""


class AliyunPhoneNumberForm(PhoneNumberForm):  # type: ignore[misc]
    """two-factor's phone form, refusing what cannot receive a code (the connector's rules)."""

    def clean_number(self) -> str:
        """A number Aliyun SMS can reach, or a field error in the user's language."""
        number: str = self.cleaned_data["number"]
        try:
            problem = number_problem(number, get_config())
        except ConfigProblems:
            return number  # the checks report the config; the send logs it
        if problem is not None:
            raise forms.ValidationError(user_text(problem), code="aliyun_sms_phone")
        return number


class AliyunSmsMethod(SMSMethod):  # type: ignore[misc]
    """two-factor's SMS method with ``AliyunPhoneNumberForm`` and honest token-page texts."""

    def get_setup_forms(self, *args: Any) -> dict[str, type[forms.Form]]:
        """The setup wizard's phone step."""
        return {self.code: AliyunPhoneNumberForm}

    def get_verbose_action(self, device: Any) -> str:
        """ "We sent you a text message", unless the send failed in this request."""
        request = current_request()
        outcome: Outcome | None = getattr(request, _FAILED, None) if request else None
        if outcome is not None:
            return user_text(USER_TEXTS[outcome])
        return str(super().get_verbose_action(device))


def install_method() -> None:
    """Put ``AliyunSmsMethod`` in two-factor's registry in place of its ``SMSMethod``."""
    current = [m for m in registry.get_methods() if m.code == SMSMethod.code]
    if current and not isinstance(current[0], AliyunSmsMethod):
        registry.unregister(SMSMethod.code)
        registry.register(AliyunSmsMethod())


def _method_installed() -> bool:
    return any(isinstance(m, AliyunSmsMethod) for m in registry.get_methods())


class Gateway:
    """Sends two-factor tokens by SMS; built with no arguments, as two-factor does.

    A device not yet saved is being set up (``BindMfa``); a saved one is signing in
    (``MfaVerification``). In the setup wizard a failure raises ``SmsNotSent``, which two-factor
    catches to show its own "could not verify" step, not "we sent"; outside a request it raises
    too. Elsewhere (the login wizard, the backup phone wizard, which catch nothing) a failure
    never becomes an error page: it is logged (masked) and told to the user
    (``RequestMiddleware``).
    """

    def send_sms(self, device: Any, token: str) -> None:
        """Send ``token`` to ``device.number``."""
        phone = device.number.as_e164
        setting_up = not device.pk
        usage = usage_type("mfa_setup" if setting_up else "mfa_login")
        payload = {"code": str(token)}
        sent = Delivery("two_factor", phone, usage, payload, get_config, TWO_FACTOR_HINT).send()
        if sent.outcome == "sent":
            return
        request = current_request()
        if request is None or (
            setting_up and sent.outcome != "rate_limited" and _in_setup_wizard(request)
        ):
            sent.raise_error()  # the setup wizard catches it; outside a request, the caller
        if request is not None:
            _tell_user(request, sent.outcome, setting_up)

    def make_call(self, device: Any, token: str) -> None:
        """Always raises: Aliyun SMS cannot place voice calls."""
        raise VoiceNotSupported(
            "Aliyun SMS cannot place voice calls; leave TWO_FACTOR_CALL_GATEWAY unset "
            "(or use another gateway for calls)"
        )


def _in_setup_wizard(request: HttpRequest) -> bool:
    """Whether two-factor's setup wizard (which catches a failed challenge) serves ``request``."""
    from two_factor.views.core import SetupView

    view = getattr(getattr(request, "resolver_match", None), "func", None)
    view_class = getattr(view, "view_class", None)
    return isinstance(view_class, type) and issubclass(view_class, SetupView)


def _tell_user(request: HttpRequest, outcome: Outcome, setting_up: bool) -> None:
    """The login wizard's token page says it (``AliyunSmsMethod``), or else a message does."""
    setattr(request, _FAILED, outcome)
    if _method_installed() and not setting_up:
        return
    level = messages.WARNING if outcome == "rate_limited" else messages.ERROR
    messages.add_message(request, level, user_text(USER_TEXTS[outcome]), fail_silently=True)
