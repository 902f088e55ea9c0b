"""Ory Kratos' HTTP courier (``courier/http_channel.go``): the body is the operator's Jsonnet
template, evaluated on ``ctx`` = ``{"recipient", "subject", "body", "template_type",
"template_data", "message_type"}``; for SMS, ``template_data`` is the template's model
(``courier/template/sms``: ``login_code`` in ``login_code_valid``, ``registration_code`` in
``registration_code_valid``, ``verification_code`` in ``verification_code_valid``, each with
``to``, ``identity``, ``request_url``...).

The relay reads ``{"recipient", "template_type", "template_data": {<one of the codes>,
"expires_in_minutes"?}}``: the shape ``kratos_body.jsonnet`` (shipped here) writes, which drops
the identity's traits; a template passing ``ctx`` through works too. Kratos retries any non-2xx
(five times by default): the relay sends each code once.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from .shapes import Parsed, bad_request, error_json, object_body, sent_json, text_at

NAME = "kratos"
USAGE_TYPES = {
    "login_code_valid": "SignIn",
    "registration_code_valid": "Register",
    "verification_code_valid": "BindNewIdentifier",
    "recovery_code_valid": "ForgotPassword",
    "*": "Generic",
}
CODE_KEYS = ("login_code", "registration_code", "verification_code", "recovery_code", "code")
TEMPLATE = "kratos_body.jsonnet"


def template_text() -> str:
    """The shipped Jsonnet body template (``courier.channels[].request_config.body``)."""
    return resources.files(__package__).joinpath(TEMPLATE).read_text(encoding="utf-8")


def parse(body: Any) -> Parsed:
    """``recipient``, ``template_type`` and the code in ``template_data``."""
    data = object_body(body)
    to = text_at(data, "recipient")
    template_data = data.get("template_data")
    code = next(
        (text_at(data, "template_data", k) for k in CODE_KEYS if text_at(data, "template_data", k)),
        None,
    )
    if to is None or code is None or not isinstance(template_data, dict):
        raise bad_request(
            'the body must be {"recipient", "template_type", "template_data": {"login_code" '
            'or "registration_code" or "verification_code"}}'
        )
    minutes = template_data.get("expires_in_minutes")
    lifetime = (
        float(minutes) * 60
        if isinstance(minutes, (int, float)) and not isinstance(minutes, bool) and minutes > 0
        else None
    )
    kind = text_at(data, "template_type") or "*"
    return Parsed(to, code, kind, {"code": code}, lifetime_s=lifetime)


accepted = sent_json
"""Any 2xx ends Kratos' retries: ``{"sent": true, "duplicate"}``."""
refused = error_json
"""``{"error", "message"}`` (Kratos logs the first KiB of it)."""
