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
from django.core.exceptions import SynchronousOnlyOperation, ValidationError  # noqa: E402
from django.http import HttpRequest, HttpResponseRedirect  # noqa: E402

from ._common import (  # noqa: E402
    USER_TEXTS,
    ConfigProblems,
    Delivery,
    Sent,
    SmsNotSent,
    has_template,
    logger,
    masked,
    number_problem,
    usage_type,
)
from .django.checks import ALLAUTH_HINT, check_now_without_app, register_checks  # noqa: E402
from .django.i18n import user_text  # noqa: E402
from .django.settings import get_config  # noqa: E402

__all__ = ["AccountAdapter", "AliyunSmsAdapterMixin", "SmsNotSent", "SmsRateLimited"]

#: allauth's "a code was sent" messages: not shown after a send that failed.
_SENT_MESSAGES = (
    "account/messages/login_code_sent.txt",
    "account/messages/phone_verification_sent.txt",
)

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

    The connector config is ``settings.ALIYUN_SMS`` (a dict, JSON text or a path), for the
    connector ``settings.ALIYUN_SMS_CONNECTOR`` names (SendSms by default). Phone
    fields refuse numbers that cannot receive a code (``clean_phone``); a send that fails in a
    request shows one error in the user's language instead of allauth's "code sent"; outside a
    request (a management command, a shell) it raises ``SmsNotSent``.
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

    def clean_phone(self, phone: str) -> str:
        """allauth's check, then the connector's: a mobile number, in an allowed country."""
        phone = super().clean_phone(phone)  # type: ignore[misc]
        try:
            problem = number_problem(phone, get_config())
        except ConfigProblems:
            return phone  # the checks report the config; the send logs it
        if problem is not None:
            raise ValidationError(user_text(problem), code="aliyun_sms_phone")
        return phone

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """allauth's messages, but never "a code was sent" after a send that failed."""
        if message_template in _SENT_MESSAGES and getattr(request, _FAILED, False):
            return
        super().add_message(  # type: ignore[misc]
            request, level, message_template, *args, **kwargs
        )

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        """Send ``code`` to ``phone``; rate limits raise allauth's ``RateLimited``."""
        _refuse_on_event_loop()
        usage = usage_type(self.aliyun_sms_reason(user, phone, **kwargs))
        payload = {"code": code}
        self._aliyun_sms_tell(
            Delivery("allauth", phone, usage, payload, get_config, ALLAUTH_HINT).send(),
            back="reauthentication" in kwargs,
        )

    async def asend_verification_code_sms(
        self, user: Any, phone: str, code: str, **kwargs: Any
    ) -> None:
        """``send_verification_code_sms`` for async views (no thread is blocked)."""
        usage = usage_type(self.aliyun_sms_reason(user, phone, **kwargs))
        payload = {"code": code}
        delivery = Delivery("allauth", phone, usage, payload, get_config, ALLAUTH_HINT)
        self._aliyun_sms_tell(await delivery.send_async(), back="reauthentication" in kwargs)

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
            site = get_config()
        except ConfigProblems:
            site = None  # reported with the codes, which need the config too
        if site is None or not has_template(site.config, usage):
            logger.debug("allauth: no %s template; no SMS to %s", usage, masked(phone))
            return
        payload = self.aliyun_sms_notice_payload(phone, usage)
        self._aliyun_sms_tell(Delivery("allauth", phone, usage, payload, lambda: site).send())

    def _aliyun_sms_request(self) -> HttpRequest | None:
        return self.request or getattr(context, "request", None)

    def _aliyun_sms_tell(self, sent: Sent, back: bool = False) -> None:
        """A rate limit is allauth's ``RateLimited``; another failure one error message (in a
        request) or ``SmsNotSent`` (outside one). ``back``: the code was asked for by a form
        that creates nothing (login or reauthentication by code), so the user goes back to it
        rather than on to a page waiting for a code that will not come."""
        if sent.outcome == "sent":
            return
        request = self._aliyun_sms_request()
        if request is None:
            sent.raise_error()
            return
        if sent.outcome == "rate_limited":
            raise SmsRateLimited(request)
        setattr(request, _FAILED, True)
        messages.add_message(
            request, messages.ERROR, user_text(USER_TEXTS[sent.outcome]), fail_silently=True
        )
        if back:  # before allauth keeps the process: nothing is left half done
            raise ImmediateHttpResponse(HttpResponseRedirect(request.get_full_path()))


_FAILED = "_aliyun_sms_failed"


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
