"""The receipt view: Aliyun's delivery receipts at a URL of the host's (``urls.py`` includes it).

The token comes from ``settings.ALIYUN_SMS_RECEIPT_TOKEN``; each distinct report goes to the
``on_delivery`` callbacks and the ``delivery_reported`` signal once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .._receipts import NOT_CONFIGURED, TOKEN_SETTING, receiver_for
from .signals import connected


@csrf_exempt
def receipt_view(request: HttpRequest) -> JsonResponse:
    """Answer Aliyun's push (POST) or the console's check (GET)."""
    connected.ensure()
    receiver = receiver_for(getattr(settings, TOKEN_SETTING, None))
    status: int
    body: dict[str, Any]
    if receiver is None:
        status, body = NOT_CONFIGURED
    else:
        query = request.META.get("QUERY_STRING", "")
        status, body = receiver.handle(request.method or "GET", query, request.body)
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
