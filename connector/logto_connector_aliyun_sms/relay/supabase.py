"""Supabase Auth's Send SMS hook (``internal/hooks/v0hooks``: ``SendSMSInput{User, SMS}``,
``SMS{OTP, SMSType}``), signed per Standard Webhooks.

It posts ``{"user": {"phone", ...}, "sms": {"otp", "sms_type"?}}``; the phone is E.164 digits
without ``+``. The hook answers 200 ``{}``, or an error ``{"error": {"http_code", "message"}}``,
whose message Supabase passes on to the client.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .idempotency import Outcome
from .shapes import Parsed, Refusal, bad_request, object_body, text_at

NAME = "supabase"
USAGE_TYPES = {
    "sms": "SignIn",  # signInWithOtp
    "signup": "Register",
    "confirmation": "Register",
    "phone_change": "BindNewIdentifier",
    "reauthentication": "UserPermissionValidation",
    "recovery": "ForgotPassword",
    "mfa": "MfaVerification",
    "*": "Generic",
}


def parse(body: Any) -> Parsed:
    """``user.phone``, ``sms.otp``, ``sms.sms_type``."""
    data = object_body(body)
    phone, otp = text_at(data, "user", "phone"), text_at(data, "sms", "otp")
    if phone is None or otp is None:
        raise bad_request('the body must be {"user": {"phone"}, "sms": {"otp"}}')
    phone = phone.strip()
    if phone.isdigit():
        phone = "+" + phone  # Supabase keeps E.164 numbers without the plus
    return Parsed(phone, otp, text_at(data, "sms", "sms_type") or "*", {"code": otp})


def accepted(outcome: Outcome) -> web.Response:
    """200 ``{}``."""
    return web.json_response({})


def refused(refusal: Refusal) -> web.Response:
    """``{"error": {"http_code", "message"}}`` with the same status."""
    return web.json_response(
        {"error": {"http_code": refusal.status, "message": refusal.message}},
        status=refusal.status,
        headers=refusal.headers(),
    )
