"""Real servers for the transport's fault cases (plain or TLS), and what the tests share.

Each server counts the SendSms requests that reached it whole, so a test can say how many
requests a failure let through.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import ssl
import threading
from collections.abc import Callable
from typing import Any

import pytest

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import ConnectorError, TemplateType

CONFIG: dict[str, Any] = {
    "connectTimeout": 1000,
    "readTimeout": 1000,
    "accessKeyId": "LTAI-transport-test",
    "accessKeySecret": "transport-secret",
    "signName": "Test",
    "templates": [{"usageType": t.value, "templateCode": "SMS_1"} for t in TemplateType],
}
DATA = {"to": "13812345678", "type": "SignIn", "payload": {"code": "123456"}}
TUNNELLED_HOST = "sms.transport.invalid"  # never resolves: only a proxy can reach it
OK_BODY = b'{"Code":"OK","Message":"OK","RequestId":"R-1","BizId":"B-1"}'

Handler = Callable[["Exchange"], None]


class Exchange:
    """One accepted connection, as a handler sees it."""

    def __init__(self, server: Server, stream: socket.socket) -> None:
        self.server, self.stream = server, stream

    def read_request(self) -> bytes:
        """Read one whole request (head and Content-Length body); count it."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.stream.recv(65536)
            if not chunk:
                raise ConnectionError("closed before a whole request")
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            body += self.stream.recv(65536)
        with self.server.lock:
            self.server.requests.append(head)
        return head

    def send(self, data: bytes) -> None:
        self.stream.sendall(data)

    def send_outside_tls(self, data: bytes) -> None:
        """Bytes on the TCP socket under the TLS session: the client sees a broken record."""
        os.write(self.stream.fileno(), data)


class Server:
    """A loopback server that runs ``handler`` for every connection, each in its own thread."""

    def __init__(self, handler: Handler, tls: ssl.SSLContext | None = None) -> None:
        self.handler, self.tls = handler, tls
        self.requests: list[bytes] = []
        self.connections = 0
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.stopped = threading.Event()
        self.threads: list[threading.Thread] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()  # before close() can see it: a thread not started cannot be joined
            self.threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(30)
        try:
            stream = self.tls.wrap_socket(conn, server_side=True) if self.tls else conn
            with stream:
                self.handler(Exchange(self, stream))
        except (OSError, ssl.SSLError, ConnectionError):
            conn.close()

    def close(self) -> None:
        self.stopped.set()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self.sock.close()
        for thread in self.threads:
            thread.join(1)


def send_sync(data: dict[str, Any], config: dict[str, Any]) -> Any:
    return aliyun_sms.send_message(data, config)


def send_async(data: dict[str, Any], config: dict[str, Any]) -> Any:
    return asyncio.run(aliyun_sms.send_message_async(data, config))


def refused(send: Callable[..., Any], endpoint: str, **config: Any) -> ConnectorError:
    """The ConnectorError a send to ``endpoint`` raises."""
    with pytest.raises(ConnectorError) as caught:
        send(DATA, dict(CONFIG, endpoint=endpoint, **config))
    return caught.value


def ok_answer(body: bytes = OK_BODY, close: bool = False) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + ("Connection: close\r\n" if close else "") + "\r\n").encode() + body
