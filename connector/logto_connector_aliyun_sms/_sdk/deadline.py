"""One deadline for a whole attempt, kept by httpcore's public network-backend interface.

httpcore's own timeouts bound each read and write; a server that drips one byte per read would
restart them forever. :class:`DeadlineBackend` wraps the default backend, and every connect, TLS
handshake, read and write of its streams is bounded by what is left of the current attempt's
deadline (a context variable, so a pooled connection serves each attempt by that attempt's
clock). :class:`Attempt` also records how far the request got, from httpcore's ``trace``
extension: whether the request was wholly written decides ``NotSent`` against ``MaybeSent``.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

import httpcore


class Attempt:
    """One attempt's clock and progress: ``sending`` once request bytes may be on the wire,
    ``written`` once the whole request was (then the answer has ``read_s`` at most)."""

    __slots__ = ("deadline", "read_s", "sending", "write_failed", "written")

    def __init__(self, connect_s: float, read_s: float) -> None:
        self.deadline = time.monotonic() + connect_s + read_s
        self.read_s = read_s
        self.sending = self.written = self.write_failed = False

    def left(self, timeout: float | None) -> float:
        """Seconds the next operation may take: its own timeout, within the deadline."""
        left = self.deadline - time.monotonic()
        return left if timeout is None else min(timeout, left)

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's ``trace`` extension: where the request (not a proxy's CONNECT) got to."""
        if not event.startswith("http11.send_request"):
            return
        request = info.get("request")
        if request is not None and request.method == b"CONNECT":
            return
        if event == "http11.send_request_headers.started":
            self.sending = True
        elif event.endswith(".failed"):
            self.write_failed = True
        elif event == "http11.send_request_body.complete" and not self.write_failed:
            self.written = True
            self.deadline = min(self.deadline, time.monotonic() + self.read_s)


current: ContextVar[Attempt | None] = ContextVar("aliyun_sms_attempt", default=None)


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    attempt = current.get()
    if attempt is None:
        return timeout
    left = attempt.left(timeout)
    if left <= 0:
        raise error("the attempt's deadline (connect + read timeout) has passed")
    return left


class DeadlineStream(httpcore.NetworkStream):
    """A stream whose every operation ends by the current attempt's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's default sync backend, its streams bounded by the attempt's deadline."""

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, left, local_address, socket_options)
        return DeadlineStream(stream)

    def connect_unix_socket(  # pragma: no cover - endpoints are TCP
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.UnsupportedProtocol("unix sockets are not an endpoint")

    def sleep(self, seconds: float) -> None:  # pragma: no cover - httpcore retries are off
        time.sleep(seconds)
