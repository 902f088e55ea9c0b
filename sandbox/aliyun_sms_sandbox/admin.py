"""Admin routes under ``/_sandbox/`` (no signature needed): outbox, faults, stats, reset, clock,
delivery."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from .faults import Fault
from .guard import admin_refusal
from .state import SandboxState


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(data, ensure_ascii=False).encode(),
        content_type="application/json",
        charset="utf-8",
    )


def _error(message: str, status: int = 400) -> web.Response:
    return _json({"error": message}, status)


async def _body(request: web.BaseRequest) -> dict[str, Any] | None:
    raw = await request.read()
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


async def handle(
    request: web.BaseRequest, state: SandboxState, stats: Callable[[], dict[str, int]]
) -> web.Response:
    """Dispatch one admin request; ``stats`` reports the server's connection counters."""
    refusal = admin_refusal(request)
    if refusal is not None:
        status, reason = refusal
        return _error(reason, status)
    route = (request.method, request.path.rstrip("/"))
    if route == ("GET", "/_sandbox/messages"):
        response = _json(state.outbox(request.query.get("phone")))
        response.headers["X-Sandbox-Messages-Dropped"] = str(state.messages.dropped)
        return response
    if route == ("DELETE", "/_sandbox/messages"):
        return _json({"deleted": state.clear_messages()})
    if route == ("GET", "/_sandbox/requests"):
        return _json(state.request_log())
    if route == ("GET", "/_sandbox/stats"):
        return _json(stats())
    if route == ("POST", "/_sandbox/reset"):
        state.reset()
        return _json({"ok": True})
    if route == ("GET", "/_sandbox/faults"):
        with state.lock:
            return _json(state.faults.pending())
    if route == ("DELETE", "/_sandbox/faults"):
        with state.lock:
            state.faults.clear()
        return _json({"ok": True})
    body = await _body(request) if request.method == "POST" else {}
    if body is None:
        return _error("the body must be a JSON object")
    if route == ("POST", "/_sandbox/faults"):
        try:
            fault = Fault(**body)
        except (TypeError, ValueError) as exc:
            return _error(str(exc))
        state.inject(fault)
        return _json({"queued": fault.as_dict()}, 201)
    if route == ("POST", "/_sandbox/latency"):
        try:
            rtt_ms = float(body.get("rtt_ms", 0))
            handshake_ms = float(body.get("handshake_ms", 0))
        except (TypeError, ValueError):
            return _error("rtt_ms and handshake_ms must be numbers")
        if not (0 <= rtt_ms <= 60_000 and 0 <= handshake_ms <= 60_000):
            return _error("rtt_ms and handshake_ms must be from 0 to 60000")
        state.rtt_ms, state.handshake_ms = rtt_ms, handshake_ms
        return _json({"rtt_ms": state.rtt_ms, "handshake_ms": state.handshake_ms})
    if route == ("POST", "/_sandbox/delivery"):
        phone = body.get("phone")
        try:
            state.set_delivery(body.get("outcome", "delivered"), body.get("errCode"), phone)
        except ValueError as exc:
            return _error(str(exc))
        status, err_code = state.outcome_for(phone) if phone else state.delivery
        return _json({"SendStatus": status, "ErrCode": err_code})
    if route == ("GET", "/_sandbox/reports"):
        with state.lock:
            return _json(_reports(state))
    if route == ("POST", "/_sandbox/reports"):
        delays = body.get("retryDelays")
        try:
            state.set_reports(
                body.get("url"),
                delay_s=body.get("delaySeconds"),
                batch_size=body.get("batchSize"),
                duplicate_rate=body.get("duplicateRate"),
                retry_delays=tuple(delays) if isinstance(delays, list) else delays,
            )
        except (TypeError, ValueError) as exc:
            return _error(str(exc))
        with state.lock:
            return _json(_reports(state))
    if route in (("GET", "/_sandbox/clock"), ("POST", "/_sandbox/clock")):
        return _clock(state, body)
    return _error(f"no admin route {request.method} {request.path}", 404)


def _reports(state: SandboxState) -> dict[str, Any]:
    book = state.reports
    return {
        "url": state.report_url,
        "delaySeconds": state.report_delay_s,
        "batchSize": book.batch_size,
        "duplicateRate": book.duplicate_rate,
        "retryDelays": list(book.retry_delays),
        "waiting": book.waiting(),
        "abandoned": book.abandoned,
        "pushes": list(book.pushes),
    }


def _clock(state: SandboxState, body: dict[str, Any]) -> web.Response:
    clock = state.clock
    try:
        if body.get("reset"):
            clock.reset()
        if "set" in body:
            when = body["set"]
            clock.set(datetime.fromisoformat(when) if isinstance(when, str) else float(when))
        if "advance" in body:
            clock.advance(float(body["advance"]))
        if "skew" in body:
            clock.set_skew(body["skew"])
    except (TypeError, ValueError, OverflowError, OSError) as exc:
        return _error(f"bad clock change: {exc}")
    return _json({"now": clock.now().isoformat(), "frozen": clock.frozen, "skew": clock.skew})
