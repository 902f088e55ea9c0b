"""django-two-factor-auth: ``TWO_FACTOR_SMS_GATEWAY`` sending tokens through Aliyun SMS.

``TWO_FACTOR_SMS_GATEWAY = "logto_connector_aliyun_sms.contrib.two_factor.Gateway"``.
"""

from __future__ import annotations

from typing import Any

from ._common import require

require("two_factor", "django")

from django.contrib import messages  # noqa: E402

from ._common import RATE_LIMITED, SEND_FAILED, Delivery, usage_type  # noqa: E402
from .django.checks import TWO_FACTOR_HINT, register_checks  # noqa: E402
from .django.context import current_request  # noqa: E402
from .django.settings import get_config  # noqa: E402

__all__ = ["Gateway", "VoiceNotSupported"]

register_checks()


class VoiceNotSupported(NotImplementedError):
    """Aliyun SMS sends texts only; voice calls are another Alibaba Cloud product (Dyvms)."""


class Gateway:
    """Sends two-factor tokens by SMS; built with no arguments, as two-factor does.

    A device not yet saved is being set up (``BindMfa``); a saved one is signing in
    (``MfaVerification``). Failures never reach the user as an error page: they are logged
    (masked) and, with ``RequestMiddleware`` installed, shown as a message.
    """

    def send_sms(self, device: Any, token: str) -> None:
        """Send ``token`` to ``device.number``."""
        phone = device.number.as_e164
        usage = usage_type("mfa_login" if device.pk else "mfa_setup")
        payload = {"code": str(token)}
        outcome = Delivery("two_factor", phone, usage, payload, get_config, TWO_FACTOR_HINT).send()
        if outcome == "rate_limited":
            _tell_user(messages.WARNING, RATE_LIMITED)
        elif outcome == "failed":
            _tell_user(messages.ERROR, SEND_FAILED)

    def make_call(self, device: Any, token: str) -> None:
        """Always raises: Aliyun SMS cannot place voice calls."""
        raise VoiceNotSupported(
            "Aliyun SMS cannot place voice calls; leave TWO_FACTOR_CALL_GATEWAY unset "
            "(or use another gateway for calls)"
        )


def _tell_user(level: int, text: str) -> None:
    request = current_request()
    if request is not None:
        messages.add_message(request, level, text, fail_silently=True)
