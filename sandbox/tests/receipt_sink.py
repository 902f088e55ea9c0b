"""A receipt URL on loopback (the standard library's HTTP server): records what is pushed and
answers as told, as a host's receiver would."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

OK_ANSWER = (200, {"code": 0, "msg": "接收成功"})


class ReceiptSink:
    """``with ReceiptSink() as sink:`` ``sink.url``; ``sink.pushes`` (each a parsed body);
    ``sink.answers``: the answers to give, in order (then ``OK_ANSWER``)."""

    def __init__(self) -> None:
        self.pushes: list[Any] = []
        self.raw: list[bytes] = []
        self.headers: list[dict[str, str]] = []
        self.answers: list[tuple[int, Any]] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    sink.raw.append(raw)
                    sink.headers.append(dict(self.headers))
                    sink.pushes.append(json.loads(raw))
                    status, answer = sink.answers.pop(0) if sink.answers else OK_ANSWER
                body = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/receipts?token=t0ken"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def receipts(self) -> list[dict[str, Any]]:
        """Every receipt received, in order, duplicates included."""
        return [item for push in self.pushes for item in push]

    def __enter__(self) -> ReceiptSink:
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
