"""The relay's ``/v1/receipts?token=...``: Aliyun's delivery receipts (SmsReport, and the Message
Authentication Service's in the same shape), answered by a ``DeliveryReceiver``: the token checked
in constant time, the console's ``GET`` check answered, each distinct report to the
``on_delivery`` callbacks once (de-duplicated in the limits' store, shared by every worker with
Redis), counted in ``/metrics`` by delivery status.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from ..delivery import DeliveryReceiver, DeliveryReport
from .metrics import RelayMetrics
from .shapes import Refusal

RECEIPTS_PATH = "/v1/receipts"
RECEIPTS_MAX_BODY = 1 << 20
"""The largest push read (Aliyun's batches: a few hundred receipts); apart from
``maxBodyBytes``, which bounds the platforms' small requests."""


async def read_receipts(request: web.Request, timeout_s: float) -> bytes:
    """A push's body, up to ``RECEIPTS_MAX_BODY``, within ``timeout_s``; a Refusal otherwise."""
    if request.content_length is not None and request.content_length > RECEIPTS_MAX_BODY:
        raise Refusal(413, "too_large", "the body is too large")

    async def read_all() -> bytes:
        chunks, size = [], 0
        async for chunk in request.content.iter_chunked(1 << 16):
            size += len(chunk)
            if size > RECEIPTS_MAX_BODY:
                raise Refusal(413, "too_large", "the body is too large")
            chunks.append(chunk)
        return b"".join(chunks)

    try:
        return await asyncio.wait_for(read_all(), timeout_s)
    except asyncio.TimeoutError:
        raise Refusal(408, "timeout", "the body arrived too slowly") from None


def receipts_handler(
    token: str, metrics: RelayMetrics, body_timeout_s: float
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The handler of ``GET``/``POST`` ``RECEIPTS_PATH`` for the secret ``token``."""

    def handled(report: DeliveryReport) -> None:
        metrics.receipts.labels(report["status"]).inc()

    receiver = DeliveryReceiver(token, on_handled=handled)

    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            body = (
                b""
                if request.method in ("GET", "HEAD")
                else await read_receipts(request, body_timeout_s)
            )
        except Refusal as refusal:
            metrics.receipt_requests.labels(str(refusal.status)).inc()
            response = web.json_response({"code": 1, "msg": refusal.message}, status=refusal.status)
            response.force_close()
            return response
        status, payload = await receiver.handle_async(request.method, request.query_string, body)
        metrics.receipt_requests.labels(str(status)).inc()
        return web.json_response(payload, status=status, dumps=_dumps)

    return handle


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
