"""django-allauth (65.x): send phone verification codes through Aliyun SMS.

``ACCOUNT_ADAPTER = "logto_connector_aliyun_sms.contrib.allauth.AccountAdapter"``, or mix
``AliyunSmsAdapterMixin`` into your own adapter (before ``DefaultAccountAdapter``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from ._common import require

require("allauth", "django")

from allauth.account.adapter import DefaultAccountAdapter  # noqa: E402
from allauth.core import context  # noqa: E402
from allauth.core.exceptions import ImmediateHttpResponse, RateLimited  # noqa: E402
from allauth.core.ratelimit import respond_429  # noqa: E402
from django.contrib import messages  # noqa: E402
from django.core.exceptions import SynchronousOnlyOperation  # noqa: E402
from django.http import HttpRequest  # noqa: E402

from ..redact import mask_phone  # noqa: E402
from ._common import (  # noqa: E402
    SEND_FAILED,
    ConfigProblems,
    Delivery,
    Outcome,
    has_template,
    logger,
    usage_type,
)
from .django.checks import ALLAUTH_HINT, check_now_without_app, register_checks  # noqa: E402
from .django.settings import get_config  # noqa: E402

__all__ = ["AccountAdapter", "AliyunSmsAdapterMixin", "SmsRateLimited"]

#: Usage types of allauth's enumeration-prevention texts: sent only when the config maps them
#: to a (notification) template of their own.
UNKNOWN_ACCOUNT = "UnknownAccount"
ACCOUNT_ALREADY_EXISTS = "AccountAlreadyExists"

register_checks()


class SmsRateLimited(RateLimited, ImmediateHttpResponse):  # type: ignore[misc]
    """allauth's ``RateLimited``: views that catch it show their "too many requests" message;
    anywhere else ``AccountMiddleware`` answers with allauth's 429 page."""

    def __init__(self, request: HttpRequest) -> None:
        ImmediateHttpResponse.__init__(self, respond_429(request))


class AliyunSmsAdapterMixin:
    """The SMS hooks of allauth's account adapter, sent through Aliyun SMS.

    The connector config is ``settings.ALIYUN_SMS`` (a dict, JSON text or a path).
    """

    request: HttpRequest | None
    #: Marks the adapter for the start-up checks (read without importing this module).
    aliyun_sms_adapter = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.request is None:  # built outside a request: Django's checks (see the docs)
            check_now_without_app()

    def aliyun_sms_reason(self, user: Any, phone: str, **kwargs: Any) -> str:
        """Why allauth sends this code: ``signup``, ``login``, ``reauthentication`` or
        ``phone_change``; override to decide otherwise."""
        if "reauthentication" in kwargs:  # login (or reauthentication) by code
            return "reauthentication" if kwargs["reauthentication"] else "login"
        request = self._aliyun_sms_request()
        if request is not None and request.user.is_authenticated:
            return "phone_change"
        return "signup" if getattr(user, "last_login", None) is None else "login"

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        """Send ``code`` to ``phone``; rate limits raise allauth's ``RateLimited``."""
        _refuse_on_event_loop()
        usage = usage_type(self.aliyun_sms_reason(user, phone, **kwargs))
        payload = {"code": code}
        self._aliyun_sms_tell(
            Delivery("allauth", phone, usage, payload, get_config, ALLAUTH_HINT).send()
        )

    async def asend_verification_code_sms(
        self, user: Any, phone: str, code: str, **kwargs: Any
    ) -> None:
        """``send_verification_code_sms`` for async views (no thread is blocked)."""
        usage = usage_type(self.aliyun_sms_reason(user, phone, **kwargs))
        payload = {"code": code}
        delivery = Delivery("allauth", phone, usage, payload, get_config, ALLAUTH_HINT)
        self._aliyun_sms_tell(await delivery.send_async())

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        """Tell ``phone`` it has no account, if the config has an ``UnknownAccount`` template."""
        self._aliyun_sms_notice(phone, UNKNOWN_ACCOUNT)

    def send_account_already_exists_sms(self, phone: str, **kwargs: Any) -> None:
        """Tell ``phone`` it already has an account (``AccountAlreadyExists`` template)."""
        self._aliyun_sms_notice(phone, ACCOUNT_ALREADY_EXISTS)

    def aliyun_sms_notice_payload(self, phone: str, usage: str) -> dict[str, Any]:
        """The template variables of a notice (none by default)."""
        return {}

    def _aliyun_sms_notice(self, phone: str, usage: str) -> None:
        _refuse_on_event_loop()
        try:
            config = get_config()
        except ConfigProblems:
            config = None  # reported with the codes, which need the config too
        if config is None or not has_template(config, usage):
            logger.debug("allauth: no %s template; no SMS to %s", usage, mask_phone(phone))
            return
        payload = self.aliyun_sms_notice_payload(phone, usage)
        self._aliyun_sms_tell(Delivery("allauth", phone, usage, payload, lambda: config).send())

    def _aliyun_sms_request(self) -> HttpRequest | None:
        return self.request or getattr(context, "request", None)

    def _aliyun_sms_tell(self, outcome: Outcome) -> None:
        """A rate limit is allauth's ``RateLimited``; another failure an error message."""
        request = self._aliyun_sms_request()
        if outcome == "sent" or request is None:
            return
        if outcome == "rate_limited":
            raise SmsRateLimited(request)
        self.add_message(request, messages.ERROR, message=SEND_FAILED)  # type: ignore[attr-defined]


class AccountAdapter(AliyunSmsAdapterMixin, DefaultAccountAdapter):  # type: ignore[misc]
    """allauth's ``DefaultAccountAdapter`` sending its SMS through Aliyun SMS."""


def _refuse_on_event_loop() -> None:
    """The sync send blocks: never on an event loop's thread (Django's own rule)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise SynchronousOnlyOperation(
        "the Aliyun SMS adapter was called from async code: use "
        "await adapter.asend_verification_code_sms(...) or wrap the call in sync_to_async"
    )
