"""The HTTP layer: decode requests, authenticate, ask the state, turn answers into responses.

A low-level aiohttp server (no router) so the hot path stays short; it also counts TCP connections
and applies the latency model and injected faults.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import StreamReader, web
from aiohttp.abc import AbstractStreamWriter
from aiohttp.http_parser import RawRequestMessage
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

from . import admin
from .answers import Answer, missing, new_request_id, pop_error
from .auth import Incoming, authenticate
from .faults import Fault
from .guard import HostCheck, host_refusal
from .latency import Delay
from .page import PAGE
from .state import API_VERSION, SandboxState

RequestLog = Callable[[dict[str, Any], float], None]
JSON_TYPE = "application/json;charset=utf-8"
#: The request line: SendSms carries up to 1000 numbers in the query string (~17 KiB).
MAX_LINE = 64 << 10
#: One header field, and how many fields: a request's headers stay under ~512 KiB.
MAX_FIELD = 8 << 10
MAX_HEADERS = 64
#: A request body (Dysmsapi forms and admin JSON are a few KiB); larger ones get 413.
MAX_BODY = 1 << 20
_FORM_TYPE = "application/x-www-form-urlencoded"
_HTML_ERROR = (
    "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>{status} Bad Gateway</h1></center>\r\n<hr><center>Tengine</center>\r\n"
    "</body>\r\n</html>\r\n"
)

_logger = logging.getLogger(__name__)


class _TrackingServer(web.Server):
    """aiohttp's low-level server, telling the sandbox when connections open and close."""

    def __init__(self, sandbox: SandboxServer, **kwargs: Any) -> None:
        super().__init__(sandbox.handle, request_factory=self._bounded_request, **kwargs)
        self.sandbox = sandbox

    def _bounded_request(
        self,
        message: RawRequestMessage,
        payload: StreamReader,
        protocol: RequestHandler,
        writer: AbstractStreamWriter,
        task: asyncio.Task[None],
    ) -> BaseRequest:
        """aiohttp's request, with the sandbox's body limit."""
        loop = asyncio.get_running_loop()
        return BaseRequest(message, payload, protocol, writer, task, loop, client_max_size=MAX_BODY)

    def connection_made(self, handler: RequestHandler, transport: asyncio.Transport) -> None:
        super().connection_made(handler, transport)
        self.sandbox.opened(handler)

    def connection_lost(self, handler: RequestHandler, exc: BaseException | None = None) -> None:
        super().connection_lost(handler, exc)
        self.sandbox.closed(handler)


class SandboxServer:
    """Serves Dysmsapi from a ``SandboxState`` plus the ``/_sandbox/`` admin routes and page."""

    def __init__(
        self,
        state: SandboxState,
        on_request: RequestLog | None = None,
        hosts: HostCheck | None = None,
    ) -> None:
        self.state = state
        self.on_request = on_request
        self.hosts = hosts or HostCheck("127.0.0.1")
        self._connections: dict[object, list[int]] = {}  # handler -> [id, requests so far]
        self._next_connection = 0
        self.delay = Delay()

    def make_server(self) -> web.Server:
        """The aiohttp server to run (no access log: the sandbox keeps its own)."""
        return _TrackingServer(
            self,
            access_log=None,
            max_line_size=MAX_LINE,
            max_field_size=MAX_FIELD,
            max_headers=MAX_HEADERS,
        )

    # --- connections ------------------------------------------------------------------------

    def opened(self, handler: object) -> None:
        """A TCP connection was accepted."""
        self._next_connection += 1
        self._connections[handler] = [self._next_connection, 0]
        self.state.connections_opened += 1

    def closed(self, handler: object) -> None:
        """A TCP connection ended."""
        self._connections.pop(handler, None)

    def stats(self) -> dict[str, int]:
        """Connections opened, API requests served, connections open now, log entries dropped."""
        state = self.state
        with state.lock:
            return {
                "connections_opened": state.connections_opened,
                "requests_served": state.requests_served,
                "open_connections": len(self._connections),
                "messages_dropped": state.messages.dropped,
                "requests_dropped": state.requests.dropped,
            }

    # --- requests ---------------------------------------------------------------------------

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        """Every request: admin route, outbox page, or a Dysmsapi call."""
        host = request.headers.get("Host")
        if not self.hosts.allows(host):
            return host_refusal(host)
        path = request.path
        if path.startswith("/_sandbox/"):
            return await admin.handle(request, self.state, self.stats)
        headers = request.headers
        raw_path = request.raw_path
        cut = raw_path.find("?")
        query = parse_qsl(raw_path[cut + 1 :], keep_blank_values=True) if cut >= 0 else []
        header_action = headers.get("x-acs-action")
        if not header_action and not any(k == "Action" for k, _ in query):
            if request.method == "GET" and path == "/":
                return web.Response(text=PAGE, content_type="text/html", charset="utf-8")
            if path != "/":
                return web.Response(status=404, text="not found")
        started = time.perf_counter()
        body = await request.read() if request.body_exists else b""
        form: list[tuple[str, str]] = []
        if body and headers.get("Content-Type", "").startswith(_FORM_TYPE):
            form = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        lower: dict[str, str] = {}
        for name, value in headers.items():
            name = name.lower()
            lower[name] = f"{lower[name]},{value}" if name in lower else value
        incoming = Incoming(request.method, path, query, form, lower, body)
        params = incoming.params
        action = header_action or params.get("Action")
        version = headers.get("x-acs-version") if header_action else params.get("Version")
        connection = self._connections.get(request.protocol)
        if connection is None:  # pragma: no cover - aiohttp always reports the connection first
            connection = [0, 1]
        first = connection[1] == 0
        connection[1] += 1
        record: dict[str, Any] = {
            "method": request.method,
            "action": action,
            "params": params,
            "scheme": incoming.scheme,
            "status": None,
            "code": None,
            "connection": connection[0],
        }
        state = self.state
        state.record_request(record, len(raw_path) + len(body))
        wait_ms = state.rtt_ms + (state.handshake_ms if first else 0.0)
        fault = state.take_fault(action)
        if fault is not None and fault.kind != "delay":
            return await self._fault(request, fault, record, wait_ms, started)
        if path != "/":
            answer = pop_error(
                404, "InvalidApi.NotFound", f"Specified api path {path} is not found."
            )
        else:
            with state.lock:
                answer = self._answer(incoming, action, version)
        record["status"], record["code"] = answer.status, answer.code
        if fault is not None:
            wait_ms += fault.delay_ms if fault.delay_ms is not None else 1000
        if wait_ms > 0:
            await self.delay.hold(started, wait_ms)
        response = json_response(answer)
        self._log(record, started)
        return response

    def _answer(self, incoming: Incoming, action: str | None, version: str | None) -> Answer:
        state = self.state
        if not action:
            return missing("Action")
        if action not in state.actions:
            return pop_error(
                404,
                "InvalidApi.NotFound",
                f"Specified api {action} is not found, please check your url and method.",
            )
        if not version:
            return missing("Version")
        if version != API_VERSION:
            return pop_error(400, "InvalidVersion", "Specified parameter Version is not valid.")
        account = authenticate(incoming, state)
        if isinstance(account, Answer):
            return account
        return state.actions[action](account, incoming.params)

    async def _fault(
        self,
        request: web.BaseRequest,
        fault: Fault,
        record: dict[str, Any],
        wait_ms: float,
        started: float,
    ) -> web.StreamResponse:
        if wait_ms > 0:
            await self.delay.hold(started, wait_ms)
        status = fault.http_status
        if fault.kind == "drop":
            if request.transport is not None:
                request.transport.abort()
            self._log(record, started)
            raise asyncio.CancelledError  # nothing is written: the client sees the socket close
        response: web.Response
        if fault.kind in ("error", "throttle"):
            code = fault.error_code
            message = fault.message or (
                "Request was denied due to user flow control."
                if fault.kind == "throttle"
                else f"The sandbox injected {code}."
            )
            if status >= 300:
                answer = pop_error(status, code, message)
            else:
                answer = Answer(
                    status, {"RequestId": new_request_id(), "Code": code, "Message": message}
                )
            retry_after = fault.retry_after_ms
            if fault.kind == "throttle" and retry_after is None:
                retry_after = 1000
            if retry_after is not None:
                answer.headers["x-acs-retry-after"] = str(retry_after)
            record["code"] = code
            response = json_response(answer)
        elif fault.kind == "html":
            response = web.Response(
                status=status, text=_HTML_ERROR.format(status=status), content_type="text/html"
            )
        elif fault.kind == "empty":
            response = web.Response(status=status, body=b"", headers={"Content-Type": JSON_TYPE})
        else:  # truncated
            whole = json.dumps(
                {"Code": "OK", "Message": "OK", "RequestId": new_request_id(), "BizId": "0^0"}
            ).encode()
            response = web.Response(
                status=status, body=whole[: len(whole) // 2], headers={"Content-Type": JSON_TYPE}
            )
        record["status"] = status
        self._log(record, started)
        return response

    def _log(self, record: dict[str, Any], started: float) -> None:
        if self.on_request is None:
            return
        try:
            self.on_request(record, (time.perf_counter() - started) * 1000)
        except Exception:  # a watcher's failure must not turn the answer into an HTTP 500
            _logger.exception("the sandbox's on_request callback failed (the request was answered)")


def json_response(answer: Answer) -> web.Response:
    """An answer as Aliyun sends it: JSON, UTF-8, with ``x-acs-request-id``."""
    headers = {"Content-Type": JSON_TYPE, **answer.headers}
    request_id = answer.body.get("RequestId")
    if isinstance(request_id, str):
        headers["x-acs-request-id"] = request_id
    body = json.dumps(answer.body, ensure_ascii=False).encode()
    return web.Response(status=answer.status, body=body, headers=headers)
