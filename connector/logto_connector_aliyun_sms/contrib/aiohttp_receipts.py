"""An aiohttp handler for Aliyun's delivery receipts:
``app.router.add_route("*", "/aliyun-sms/receipts", receipt_handler(token))``.

Async callbacks are awaited in the server's loop; with Redis (``ALIYUN_SMS_LIMITS_URL``) the
de-duplication does not block it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from ..delivery import DeliveryReceiver

MAX_BODY = 1 << 20


def receipt_handler(
    token: str, store: Any = None
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The request handler of a ``DeliveryReceiver(token, store)``."""
    receiver = DeliveryReceiver(token=token, store=store)

    async def handle(request: web.Request) -> web.Response:
        body = await request.content.read(MAX_BODY + 1) if request.body_exists else b""
        status, answer = await receiver.handle_async(request.method, request.query_string, body)
        return web.Response(
            status=status,
            body=json.dumps(answer, ensure_ascii=False).encode(),
            content_type="application/json",
            charset="utf-8",
        )

    return handle
