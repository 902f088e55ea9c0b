"""The sync path's transport: the SDK builds and signs each request, this module carries it.

Calls made inside :meth:`SyncTransport.routed` (the connector's) go through the transport's own
keep-alive pool instead of the SDK's ``requests`` session; every other caller of the SDK in the
process keeps the SDK's behaviour. The SDK still builds, signs and parses; only the socket
differs. Written on the standard library (``socket``, ``ssl``, ``http.client``'s answer parser)
rather than urllib3, because the rules below need the socket itself: a deadline for the whole
answer, a byte budget, and knowing whether the request was wholly written.

Rules, per attempt:

- **Deadlines, not per-read timeouts**: the whole answer within the read timeout of the
  request being written, and connect + send + answer within ``connect + read``: a server that
  drips its headers or body cannot hold a send longer.
- **Answers are capped** at ``MAX_ANSWER_BYTES`` (1 MiB); a bigger one is a :class:`BadAnswer`.
- **No redirects**: a 3xx is a :class:`BadAnswer`, never followed.
- **Where it failed decides**: before the request was wholly written -> :class:`NotSent` (the
  caller may retry); after -> :class:`MaybeSent` (never retried).
- **TLS always verified** (``netenv.tls_context``); ``HTTPS_PROXY`` with ``NO_PROXY`` honoured,
  loopback never proxied.
- **Pools are per process**: a forked child drops what it inherited (``os.register_at_fork``),
  and :meth:`SyncTransport.close` closes every pooled socket.
"""

from __future__ import annotations

import io
import logging
import os
import select
import socket
import ssl
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from http.client import HTTPException, HTTPResponse
from typing import Any
from urllib.parse import urlsplit

from darabonba.core import DaraCore
from darabonba.response import DaraResponse

from .constants import DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS
from .failures import MAX_ANSWER_BYTES, BadAnswer, MaybeSent, NotSent
from .hook import wrap_once
from .netenv import proxy_address, proxy_for, tls_context

IDLE_SECONDS = 30.0  # a pooled connection idle longer is closed rather than reused
_HEAD_BYTES = 64 * 1024  # status line and headers, on top of MAX_ANSWER_BYTES
_routed: ContextVar[SyncTransport | None] = ContextVar("aliyun_sms_sync", default=None)
_original: Any = None
_live: weakref.WeakSet[SyncTransport] = weakref.WeakSet()
_debug = logging.getLogger("darabonba-core")


class _Conn:
    __slots__ = ("generation", "idle_since", "sock")

    def __init__(self, sock: socket.socket, generation: int) -> None:
        self.sock = sock
        self.generation = generation
        self.idle_since = 0.0

    def stale(self, now: float) -> bool:
        """Idle too long, or readable while idle (the server closed it, or sent stray bytes)."""
        if now - self.idle_since > IDLE_SECONDS:
            return True
        try:
            return bool(select.select([self.sock], [], [], 0)[0])
        except (OSError, ValueError):
            return True


class SyncTransport:
    """Keep-alive pools (one per host and proxy) for one SDK client; thread-safe."""

    _generation = 0  # bumped in a forked child: connections of an older one are never pooled

    def __init__(self, pool_size: int) -> None:
        self.pool_size = pool_size
        self._idle: dict[tuple[str, str, int, str | None], list[_Conn]] = {}
        self._lock = threading.Lock()
        self._closed = False
        _live.add(self)

    @contextmanager
    def routed(self) -> Iterator[None]:
        """Route the SDK's sync calls made inside this block (this thread) through this pool."""
        install()
        token = _routed.set(self)
        try:
            yield
        finally:
            _routed.reset(token)

    def close(self) -> None:
        """Close every pooled connection, and those in use as they come back.

        Sends still work afterwards (a dropped client may be in use in another thread), each
        on a connection of its own.
        """
        with self._lock:
            self._closed = True
            pools, self._idle = self._idle, {}
        for conns in pools.values():
            for conn in conns:
                conn.sock.close()

    def _after_fork(self) -> None:
        self._lock = threading.Lock()  # the parent's may have been held at fork time
        pools, self._idle = self._idle, {}
        for conns in pools.values():
            for conn in conns:  # the child's copies only: no TLS close_notify is sent
                conn.sock.close()

    # --- one attempt ---------------------------------------------------------------------------

    def send(self, request: Any, runtime: dict[str, Any]) -> DaraResponse:
        """Carry one SDK request; raise NotSent, MaybeSent or BadAnswer on failure."""
        connect_s = int(runtime.get("connectTimeout") or DEFAULT_CONNECT_TIMEOUT_MS) / 1000
        read_s = int(runtime.get("readTimeout") or DEFAULT_READ_TIMEOUT_MS) / 1000
        deadline = time.monotonic() + connect_s + read_s
        url = urlsplit(DaraCore.compose_url(request))
        protocol = url.scheme
        host = url.hostname or ""
        port = url.port or (443 if protocol == "https" else 80)
        proxy = proxy_for(protocol, host)
        key = (protocol, host, port, proxy)
        payload = _request_bytes(request, url.path or "/", url.query)
        conn = self._take(key)
        if conn is not None:
            try:
                conn.sock.settimeout(max(deadline - time.monotonic(), 0.001))
                conn.sock.sendall(payload)
            except OSError:  # a stale keep-alive connection: the request never got out whole
                conn.sock.close()
                conn = None
        if conn is None:
            conn = self._connect(key, min(connect_s, deadline - time.monotonic()))
            try:
                conn.sock.settimeout(max(deadline - time.monotonic(), 0.001))
                conn.sock.sendall(payload)
            except OSError as exc:
                conn.sock.close()
                raise NotSent(f"the request could not be written: {_describe(exc)}") from None
        # The whole answer within the read timeout, and the attempt within connect + read.
        deadline = min(deadline, time.monotonic() + read_s)
        return self._answer(key, conn, str(request.method).upper(), deadline, request)

    def _answer(
        self,
        key: tuple[str, str, int, str | None],
        conn: _Conn,
        method: str,
        deadline: float,
        request: Any,
    ) -> DaraResponse:
        reader = _DeadlineReader(conn.sock, deadline, MAX_ANSWER_BYTES + _HEAD_BYTES)
        answer = HTTPResponse(reader, method=method)  # type: ignore[arg-type]
        keep = False
        try:
            answer.begin()
            if 300 <= answer.status < 400:
                raise BadAnswer(f"HTTP {answer.status}: redirects are not followed")
            length = answer.getheader("content-length")
            if length and length.strip().isdigit() and int(length) > MAX_ANSWER_BYTES:
                raise BadAnswer(f"an answer of {int(length)} bytes (limit {MAX_ANSWER_BYTES})")
            body = answer.read(MAX_ANSWER_BYTES + 1)
            if len(body) > MAX_ANSWER_BYTES:
                raise BadAnswer(f"an answer over {MAX_ANSWER_BYTES} bytes")
            keep = not answer.will_close
        except _TooLarge as exc:
            raise BadAnswer(str(exc)) from None
        except HTTPException as exc:  # not HTTP, a broken chunk, a header line too long
            if isinstance(exc, ConnectionError):  # RemoteDisconnected: closed without answer
                raise MaybeSent(f"no answer: {_describe(exc)}") from None
            raise BadAnswer(f"not an HTTP answer: {_describe(exc)}") from None
        except (OSError, ValueError) as exc:  # timeout, reset, TLS error: after the request left
            raise MaybeSent(f"no answer: {_describe(exc)}") from None
        finally:
            if keep:
                self._give(key, conn)
            else:
                conn.sock.close()
        response = DaraResponse()
        response.status_code = answer.status
        response.status_message = answer.reason
        response.headers = {k.lower(): v for k, v in answer.getheaders()}
        response.body = body
        if _debug.isEnabledFor(logging.DEBUG) and (os.environ.get("DEBUG") or "").lower() == "sdk":
            _log_exchange(request, response)
        return response

    # --- the pool ------------------------------------------------------------------------------

    def _take(self, key: tuple[str, str, int, str | None]) -> _Conn | None:
        now = time.monotonic()
        with self._lock:
            conns = self._idle.get(key)
            while conns:
                conn = conns.pop()
                if not conn.stale(now):
                    return conn
                conn.sock.close()
        return None

    def _give(self, key: tuple[str, str, int, str | None], conn: _Conn) -> None:
        conn.idle_since = time.monotonic()
        with self._lock:
            conns = self._idle.setdefault(key, [])
            fresh = conn.generation == SyncTransport._generation
            if fresh and not self._closed and len(conns) < self.pool_size:
                conns.append(conn)
                return
        conn.sock.close()

    def _connect(self, key: tuple[str, str, int, str | None], timeout: float) -> _Conn:
        protocol, host, port, proxy = key
        if timeout <= 0:
            raise NotSent("no time left to connect")
        sock: socket.socket | None = None
        try:
            if proxy is None:
                sock = socket.create_connection((host, port), timeout)
            else:
                sock = _tunnel(proxy, host, port, timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if protocol == "https":
                sock = tls_context().wrap_socket(sock, server_hostname=host)
        except (OSError, HTTPException) as exc:  # refused, DNS, timeout, proxy, TLS handshake
            if sock is not None:
                sock.close()
            raise NotSent(f"could not open the connection: {_describe(exc)}") from None
        return _Conn(sock, SyncTransport._generation)


class _TooLarge(Exception):
    pass


class _DeadlineReader(io.RawIOBase):
    """A socket's reads, each bounded by what is left of the deadline and a byte budget.

    Given to ``HTTPResponse`` as its socket: its ``makefile`` is a buffered reader over this.
    """

    def __init__(self, sock: socket.socket, deadline: float, budget: int) -> None:
        self.sock, self.deadline, self.budget = sock, deadline, budget

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(self)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the answer did not arrive whole within the deadline")
        self.sock.settimeout(left)
        n = self.sock.recv_into(buffer)
        self.budget -= n
        if self.budget < 0:
            raise _TooLarge(f"an answer over {MAX_ANSWER_BYTES} bytes")
        return n

    def close(self) -> None:  # HTTPResponse closes its file; the socket belongs to the pool
        super().close()


def _request_bytes(request: Any, path: str, query: str) -> bytes:
    body = request.body
    if body is None:
        data = b""
    elif isinstance(body, str):
        data = body.encode("utf-8")
    elif isinstance(body, (bytes, bytearray)):
        data = bytes(body)
    else:
        data = b"".join(body)  # a darabonba stream: an iterable of byte chunks
    target = f"{path}?{query}" if query else path
    lines = [f"{str(request.method).upper()} {target} HTTP/1.1"]
    names = set()
    for name, value in request.headers.items():
        names.add(name.lower())
        lines.append(f"{name}: {value}")
    if "content-length" not in names and (data or request.method.upper() in ("POST", "PUT")):
        lines.append(f"content-length: {len(data)}")
    if "accept-encoding" not in names:
        lines.append("accept-encoding: identity")
    head = "\r\n".join(lines)
    if "\n" in head.replace("\r\n", "") or "\r" in head.replace("\r\n", ""):
        raise NotSent("a header holds a line break")  # header injection: nothing is sent
    return head.encode("latin-1") + b"\r\n\r\n" + data


def _tunnel(proxy: str, host: str, port: int, timeout: float) -> socket.socket:
    proxy_host, proxy_port, auth = proxy_address(proxy)
    sock = socket.create_connection((proxy_host, proxy_port), timeout)
    try:
        target = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        lines = [f"CONNECT {target} HTTP/1.1", f"host: {target}"]
        if auth:
            lines.append(f"proxy-authorization: {auth}")
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        reader = _DeadlineReader(sock, time.monotonic() + timeout, _HEAD_BYTES)
        answer = HTTPResponse(reader, method="CONNECT")  # type: ignore[arg-type]
        answer.begin()
        if answer.status != 200:
            raise OSError(f"the proxy refused the tunnel: HTTP {answer.status}")
    except (OSError, HTTPException, _TooLarge):
        sock.close()
        raise
    return sock


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError):
        return f"{type(exc).__name__}: {exc.reason or exc}"
    return f"{type(exc).__name__}: {exc}"


def _log_exchange(request: Any, response: DaraResponse) -> None:
    """What the SDK logs under ``DEBUG=sdk`` (its logger's filter masks numbers and codes)."""
    url = DaraCore.compose_url(request)
    sent = "".join(f"\n> {k} : {v}" for k, v in request.headers.items())
    got = "".join(f"\n< {k} : {v}" for k, v in response.headers.items())
    _debug.debug(f"\n> {str(request.method).upper()} {url} HTTP/1.1{sent}")
    _debug.debug(f"\n< HTTP/1.1 {response.status_code} {response.status_message}{got}")


# --- routing the SDK's sync calls --------------------------------------------------------------


def install() -> None:
    """Wrap ``DaraCore.do_action`` once; calls outside a ``routed`` block reach the SDK's own."""
    global _original
    if _original is None:
        _original = wrap_once("do_action", _do_action)


def _do_action(request: Any, runtime_option: Any = None) -> Any:
    transport = _routed.get()
    if transport is None:
        return _original(request, runtime_option)
    return transport.send(request, runtime_option or {})


def _after_fork_in_child() -> None:
    SyncTransport._generation += 1
    for transport in list(_live):
        transport._after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)
