"""A DeliveryReceiver served on loopback by the standard library's HTTP server: the smallest
mount a host could write (method, query string, body in; status and JSON out)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from logto_connector_aliyun_sms import DeliveryReceiver


class ReceiverServer:
    """``with ReceiverServer(receiver) as server:`` ``server.url(token)``."""

    def __init__(self, receiver: DeliveryReceiver) -> None:
        def answer(handler: BaseHTTPRequestHandler) -> None:
            _path, _, query = handler.path.partition("?")
            length = int(handler.headers.get("Content-Length") or 0)
            body = handler.rfile.read(length) if length else b""
            status, payload = receiver.handle(handler.command, query, body)
            raw = json.dumps(payload, ensure_ascii=False).encode()
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json;charset=utf-8")
            handler.send_header("Content-Length", str(len(raw)))
            handler.end_headers()
            handler.wfile.write(raw)

        class Handler(BaseHTTPRequestHandler):
            do_GET = do_POST = answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, token: str) -> str:
        """The receipt URL to register (here: to give the sandbox)."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/aliyun-sms/receipts?token={token}"

    def __enter__(self) -> ReceiverServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()
