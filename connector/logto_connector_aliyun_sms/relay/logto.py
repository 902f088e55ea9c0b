"""Logto's HTTP SMS connector (npm ``@logto/connector-http-sms`` 0.2.1, ``src/index.ts``).

It posts ``send_message``'s ``data`` as it is: ``{"to", "type", "payload": {"code", "locale"?,
...}, "ip"?}``, with ``Authorization: <the configured value, verbatim>``. Any non-2xx answer
becomes a ``general`` ConnectorError holding the raw body, which Logto shows: the body is one
short JSON object ``{"code", "message"}``.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .idempotency import Outcome
from .shapes import Parsed, Refusal, bad_request, object_body, text_at

NAME = "logto"
USAGE_TYPES: dict[str, str] = {}
"""Logto already says its usage type; a route's ``usageTypes`` can still map one to another."""


def parse(body: Any) -> Parsed:
    """``{"to", "type", "payload": {"code", ...}, "ip"?}``."""
    data = object_body(body)
    to, message_type = text_at(data, "to"), text_at(data, "type")
    payload = data.get("payload")
    if to is None or message_type is None or not isinstance(payload, dict):
        raise bad_request('the body must be {"to", "type", "payload": {"code", ...}}')
    # the code names the message; a payload without one (a link, say) is named by all of it
    code = text_at(payload, "code") or json.dumps(payload, sort_keys=True, default=str)
    ip = text_at(data, "ip")
    return Parsed(to, code, message_type, dict(payload), ip)


def accepted(outcome: Outcome) -> web.Response:
    """200 with Aliyun's identifiers (or ``{"duplicate": true}``); the MAS connector's
    ``BizId`` is in its ``Model``."""
    if outcome.fresh and outcome.result is not None:
        result = outcome.result
        model = result.get("Model")
        biz_id = result.get("BizId") or (model.get("BizId") if isinstance(model, dict) else None)
        return web.json_response(
            {"Code": result.get("Code"), "RequestId": result.get("RequestId"), "BizId": biz_id}
        )
    return web.json_response({"Code": "OK", "duplicate": True, "state": outcome.state})


def refused(refusal: Refusal) -> web.Response:
    """``{"code", "message"}``: Logto shows the raw body."""
    return web.json_response(
        {"code": refusal.kind, "message": refusal.message},
        status=refusal.status,
        headers=refusal.headers(),
    )
