"""One deadline for a whole attempt, kept by httpcore's public network-backend interface.

httpcore's own timeouts bound each read and write; a server that drips one byte per read would
restart them forever. :class:`DeadlineBackend` wraps the default backend, and every connect, TLS
handshake, read and write of its streams is bounded by what is left of the current attempt's
deadline (a context variable, so a pooled connection serves each attempt by that attempt's
clock). The streams also record in the :class:`Attempt` how far the request got: whether it was
wholly written decides ``NotSent`` against ``MaybeSent``.
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
    ``written`` once the whole request was (then the answer has ``read_s`` at most), ``heard``
    once a byte of answer arrived after that."""

    __slots__ = ("deadline", "heard", "read_s", "sending", "written")

    def __init__(self, connect_s: float, read_s: float) -> None:
        self.deadline = time.monotonic() + connect_s + read_s
        self.read_s = read_s
        self.sending = self.written = self.heard = False

    def left(self, timeout: float | None) -> float:
        """Seconds the next operation may take: its own timeout, within the deadline."""
        left = self.deadline - time.monotonic()
        return left if timeout is None else min(timeout, left)


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
    """A stream whose every operation ends by the current attempt's deadline.

    Within an attempt, writes are held until the first read and go out in one ``send``: h11
    writes the head and the body separately, and one segment saves the server a wake-up (as
    ``http.client`` does). That write is how the attempt knows the request left whole.
    """

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream
        self._pending = b""

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        attempt = current.get()
        if self._pending:
            self._flush(attempt)
        data = self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))
        if data and attempt is not None and attempt.written:
            attempt.heard = True
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if current.get() is None:  # pragma: no cover - the transport always sets an attempt
            self._stream.write(buffer, timeout)
        else:
            self._pending += buffer

    def _flush(self, attempt: Attempt | None) -> None:
        """Write what h11 wrote: a whole request (httpcore reads only after writing all of it)."""
        pending, self._pending = self._pending, b""
        tunnel = pending.startswith(b"CONNECT ")  # a proxy's tunnel request, not the SendSms
        if attempt is not None and not tunnel:
            attempt.sending = True
        self._stream.write(pending, _left(None, httpcore.WriteTimeout))
        if attempt is not None and not tunnel:
            attempt.written = True
            attempt.deadline = min(attempt.deadline, time.monotonic() + attempt.read_s)

    def close(self) -> None:
        self._pending = b""
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        if self._pending:  # pragma: no cover - a tunnel's CONNECT was answered (read) first
            self._flush(current.get())
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
