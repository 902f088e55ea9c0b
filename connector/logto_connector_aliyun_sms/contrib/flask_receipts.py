"""A Flask blueprint for Aliyun's delivery receipts, and the ``delivery_reported`` signal.

``app.register_blueprint(receipts_blueprint(), url_prefix="/aliyun-sms/receipts")``; the token
comes from ``app.config["ALIYUN_SMS_RECEIPT_TOKEN"]`` (or the ``token`` argument). Connect to
``delivery_reported`` (blinker, as Flask's own signals): ``report=`` is the DeliveryReport.
"""

from __future__ import annotations

from typing import Any

from ._common import require

require("flask", "flask")

from blinker import Namespace  # noqa: E402
from flask import Blueprint, Response, current_app, jsonify, request  # noqa: E402

from ..delivery import DeliveryReport  # noqa: E402
from ._receipts import NOT_CONFIGURED, TOKEN_SETTING, SignalHook, receiver_for  # noqa: E402

delivery_reported = Namespace().signal("aliyun-sms-delivery-reported")
"""Sent (``sender=None``, ``report=...``) once per distinct report; a receiver that raises
makes Aliyun push again."""


def _send(report: DeliveryReport) -> None:
    delivery_reported.send(None, report=report)


connected = SignalHook(_send)


def receipts_blueprint(token: str | None = None, name: str = "aliyun_sms_receipts") -> Blueprint:
    """A blueprint answering at its root: mount it where the console's URL points."""
    blueprint = Blueprint(name, __name__)

    @blueprint.route("/", methods=["GET", "POST", "HEAD"], strict_slashes=False)
    def receipts() -> tuple[Response, int]:
        connected.ensure()
        secret: Any = token if token is not None else current_app.config.get(TOKEN_SETTING)
        receiver = receiver_for(secret)
        if receiver is None:
            status, body = NOT_CONFIGURED
        else:
            raw = request.get_data(cache=False)
            status, body = receiver.handle(request.method, request.query_string, raw)
        response = jsonify(body)
        return response, status

    return blueprint
