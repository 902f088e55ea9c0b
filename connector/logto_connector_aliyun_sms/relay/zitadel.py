"""Zitadel's HTTP SMS provider (``AddSMSProviderHTTP``; Zitadel v2.55+, payload from
``internal/notification/types``: ``contextInfo``, ``templateData``, ``args``).

It posts ``{"contextInfo": {"eventType", "provider", "recipientPhoneNumber", ...},
"templateData": {"text", ...}, "args": {"code", ...}}``, with no header of its own but
``ZITADEL-Signature`` when the provider has a signing key; it waits 5 s and takes any 2xx as
sent. Refusals are JSON ``{"error", "message"}`` (Zitadel logs them).
"""

from __future__ import annotations

from typing import Any

from .shapes import Parsed, bad_request, error_json, object_body, sent_json, text_at

NAME = "zitadel"
USAGE_TYPES = {
    "user.human.phone.code.added": "BindNewIdentifier",  # verify a phone number
    "user.human.otp.sms.code.added": "MfaVerification",  # OTP SMS as a second factor
    "session.otp.sms.challenged": "MfaVerification",  # the same, through the session API
    "user.human.password.code.added": "ForgotPassword",  # password reset code by SMS
    "*": "Generic",
}


def parse(body: Any) -> Parsed:
    """``contextInfo.recipientPhoneNumber``, ``contextInfo.eventType``, ``args.code``."""
    data = object_body(body)
    to = text_at(data, "contextInfo", "recipientPhoneNumber")
    code = text_at(data, "args", "code") or text_at(data, "args", "Code")
    if to is None or code is None:
        raise bad_request(
            'the body must be {"contextInfo": {"recipientPhoneNumber"}, "args": {"code"}}'
        )
    event = text_at(data, "contextInfo", "eventType") or "*"
    return Parsed(to, code, event, {"code": code})


accepted = sent_json
"""Zitadel takes any 2xx as sent: ``{"sent": true, "duplicate"}``."""
refused = error_json
"""``{"error": <kind>, "message"}``."""
