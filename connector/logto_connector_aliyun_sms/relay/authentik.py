"""authentik's generic SMS provider (``authentik/stages/authenticator_sms/models.py``,
``send_generic``).

It posts ``{"From": <the stage's from number>, "To": <the number as the user typed it>, "Body":
<the code>, "Message": <"Use this code to authenticate in authentik: ...">}`` with ``Bearer
<auth>`` or Basic ``(auth, auth_password)``; a webhook mapping can reshape it, so the relay reads
``To`` and ``Body`` only. Any 2xx is "sent". On 400 and above authentik shows the answer's body to
the person signing in: the relay answers a short plain-text sentence.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .shapes import Parsed, Refusal, bad_request, object_body, sent_json, text_at

NAME = "authentik"
USAGE_TYPES = {"*": "MfaVerification"}
"""authentik sends codes for its SMS authenticator only (setup and validation look the same)."""


def parse(body: Any) -> Parsed:
    """``{"From", "To", "Body", "Message"}``."""
    data = object_body(body)
    to, code = text_at(data, "To"), text_at(data, "Body")
    if to is None or code is None:
        raise bad_request('the body must be {"To": <number>, "Body": <code>}')
    return Parsed(to, code.strip(), "sms", {"code": code.strip()})


accepted = sent_json
"""Any 2xx is sent for authentik."""


def refused(refusal: Refusal) -> web.Response:
    """Plain text: authentik puts it in front of the user as it is."""
    return web.Response(
        text=refusal.message,
        status=refusal.status,
        content_type="text/plain",
        headers=refusal.headers(),
    )
