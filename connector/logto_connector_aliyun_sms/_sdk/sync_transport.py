"""The sync path's transport: the SDK builds and signs each request, httpcore carries it.

Calls made inside :meth:`SyncTransport.routed` (the connector's) go through the transport's own
keep-alive pools (``httpcore.ConnectionPool``, one per proxy and CA bundle) instead of the SDK's
``requests`` session; every other caller of the SDK in the process keeps the SDK's behaviour.
The SDK still builds, signs and parses; only the connection differs. httpcore, the HTTP core
under httpx, is used directly: httpx's ``HTTPTransport`` has no public hook for the network
backend that keeps the deadline below, and its request and response models would add about
150 µs per send (issue 20's measurement) to no purpose here.

Rules, per attempt:

- **Deadlines, not per-read timeouts** (``deadline.py``, through httpcore's public
  ``NetworkBackend``): the whole answer within the read timeout of the request being written,
  and connect + send + answer within ``connect + read``: a server that drips its headers or body
  cannot hold a send longer.
- **Answers are capped** at ``MAX_ANSWER_BYTES`` (1 MiB), streamed and counted; a bigger one is
  a :class:`BadAnswer`. Headers: h11's limit (100 KiB), else a :class:`BadAnswer`.
- **No redirects**: a 3xx is a :class:`BadAnswer`, never followed (httpcore follows none).
- **Where it failed decides** (the deadline streams see the request go out, in one write):
  before the request was wholly written -> :class:`NotSent` (the caller may retry); after ->
  :class:`MaybeSent` (never retried). A header value with a control character or outside
  Latin-1 (``wire.py``; h11 would refuse it too) -> :class:`CannotSend`: nothing reaches the
  wire, and nothing is retried.
- **TLS always verified** (``netenv.tls_context``: certifi or ``SSL_CERT_FILE``, TLS 1.2 at
  least); ``HTTPS_PROXY`` with ``NO_PROXY`` honoured, loopback never proxied; the proxy's
  credentials never appear in an error.
- **Pools are per process**: a forked child closes its copies of what it inherited
  (``os.register_at_fork``) and opens its own; :meth:`SyncTransport.close` closes every pool.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any
from urllib.parse import SplitResult, urlsplit

import httpcore
from darabonba.core import DaraCore
from darabonba.response import DaraResponse

from .constants import DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS
from .deadline import Attempt, DeadlineBackend, current
from .failures import MAX_ANSWER_BYTES, BadAnswer, CannotSend, MaybeSent, NotSent
from .hook import wrap_once
from .netenv import proxy_address, proxy_for, tls_context, without_proxy_credentials
from .outcome import Progress
from .wire import body_bytes, header_bytes

IDLE_SECONDS = 30.0  # a pooled connection idle longer is closed rather than reused
_routed: ContextVar[tuple[SyncTransport, Progress] | None] = ContextVar(
    "aliyun_sms_sync", default=None
)
_original: Any = None
_live: weakref.WeakSet[SyncTransport] = weakref.WeakSet()
_debug = logging.getLogger("darabonba-core")
_backend = DeadlineBackend()


class _Pool:
    """An httpcore pool and the sends using it: a retired pool closes when its last send ends."""

    __slots__ = ("pool", "retired", "users")

    def __init__(self, pool: httpcore.ConnectionPool) -> None:
        self.pool, self.users, self.retired = pool, 0, False


class SyncTransport:
    """Keep-alive pools (one per proxy and CA bundle) for one SDK client; thread-safe."""

    def __init__(self, pool_size: int) -> None:
        self.pool_size = pool_size
        self._pools: dict[tuple[str | None, int], _Pool] = {}
        self._lock = threading.Lock()
        _live.add(self)

    @contextmanager
    def routed(self) -> Iterator[Progress]:
        """Route the SDK's sync calls made inside this block (this thread) through this pool;
        the block's :class:`Progress` says whether the SDK handed a request over."""
        install()
        progress = Progress()
        token = _routed.set((self, progress))
        try:
            yield progress
        finally:
            _routed.reset(token)

    def close(self) -> None:
        """Close every pooled connection; a send still in flight keeps its pool until it ends.

        Sends still work afterwards (a dropped client may be in use in another thread), on new
        connections.
        """
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
            for entry in pools:
                entry.retired = True
            idle = [entry for entry in pools if entry.users == 0]
        for entry in idle:
            entry.pool.close()

    def _after_fork(self) -> None:
        self._lock = threading.Lock()  # the parent's may have been held at fork time
        pools, self._pools = self._pools, {}
        for entry in pools.values():
            for connection in entry.pool.connections:  # the child's copies: no TLS goodbye
                with suppress(Exception):
                    connection.close()

    def _take(self, proxy: str | None, ssl_context: Any) -> _Pool:
        key = (proxy, id(ssl_context))  # contexts are cached per CA file: one id per bundle
        with self._lock:
            entry = self._pools.get(key)
            if entry is None:
                entry = self._pools[key] = _Pool(self._new_pool(proxy, ssl_context))
            entry.users += 1
        return entry

    def _give(self, entry: _Pool) -> None:
        with self._lock:
            entry.users -= 1
            done = entry.retired and entry.users == 0
        if done:
            entry.pool.close()

    def _new_pool(self, proxy: str | None, ssl_context: Any) -> httpcore.ConnectionPool:
        via = None
        if proxy is not None:
            url, auth = proxy_address(proxy)
            headers = [(b"Proxy-Authorization", auth.encode())] if auth else None
            via = httpcore.Proxy(url, headers=headers)
        return httpcore.ConnectionPool(
            ssl_context=ssl_context,
            proxy=via,
            max_connections=None,
            max_keepalive_connections=self.pool_size,
            keepalive_expiry=IDLE_SECONDS,
            network_backend=_backend,
        )

    # --- one attempt ---------------------------------------------------------------------------

    def send(self, request: Any, runtime: dict[str, Any]) -> DaraResponse:
        """Carry one SDK request; raise NotSent, CannotSend, MaybeSent or BadAnswer on failure."""
        connect_s = int(runtime.get("connectTimeout") or DEFAULT_CONNECT_TIMEOUT_MS) / 1000
        read_s = int(runtime.get("readTimeout") or DEFAULT_READ_TIMEOUT_MS) / 1000
        attempt = Attempt(connect_s, read_s)
        url = urlsplit(DaraCore.compose_url(request))
        proxy = proxy_for(url.scheme, url.hostname or "")
        ssl_context = tls_context() if url.scheme == "https" else None
        outgoing = _outgoing(request, url, connect_s, read_s)
        entry = self._take(proxy, ssl_context)
        token = current.set(attempt)
        try:
            answer = entry.pool.handle_request(outgoing)
            try:
                status, headers, body = _read(answer)
            finally:
                answer.close()
        except httpcore.LocalProtocolError as exc:  # h11 refused a header: nothing was written
            if attempt.written:  # pragma: no cover - h11 checks what it sends before sending
                raise MaybeSent(f"no answer: {_describe(exc, proxy)}") from None
            raise CannotSend(f"the request cannot be sent: {exc}") from None
        except httpcore.RemoteProtocolError as exc:
            if not attempt.written:
                raise NotSent(_unwritten(attempt, exc, proxy)) from None
            if not attempt.heard:  # the connection closed before a byte of answer
                raise MaybeSent(f"no answer: {_describe(exc, proxy)}") from None
            raise BadAnswer(f"not an HTTP answer: {_describe(exc, proxy)}") from None
        except (httpcore.ProxyError, httpcore.UnsupportedProtocol) as exc:
            raise NotSent(f"could not open the connection: {_describe(exc, proxy)}") from None
        except (httpcore.NetworkError, httpcore.TimeoutException, OSError) as exc:
            if attempt.written:
                raise MaybeSent(f"no answer: {_describe(exc, proxy)}") from None
            raise NotSent(_unwritten(attempt, exc, proxy)) from None
        finally:
            current.reset(token)
            self._give(entry)
        response = DaraResponse()
        response.status_code = status
        response.status_message = answer.extensions.get("reason_phrase", b"").decode("latin-1")
        response.headers = headers
        response.body = body
        if _debug.isEnabledFor(logging.DEBUG) and (os.environ.get("DEBUG") or "").lower() == "sdk":
            _log_exchange(request, response)
        return response


def _outgoing(request: Any, url: SplitResult, connect_s: float, read_s: float) -> httpcore.Request:
    """The SDK's request as httpcore's: headers checked, a body with its length."""
    data = body_bytes(request)
    method = str(request.method).upper()
    headers = header_bytes(request.headers)
    names = {name.lower() for name, _ in headers}
    if b"content-length" not in names and (data or method in ("POST", "PUT")):
        headers.append((b"content-length", str(len(data)).encode()))
    if b"accept-encoding" not in names:
        headers.append((b"accept-encoding", b"identity"))
    target = f"{url.path or '/'}?{url.query}" if url.query else url.path or "/"
    hostname = url.hostname or ""
    where = httpcore.URL(
        scheme=url.scheme.encode(),
        host=hostname.encode("ascii") if hostname.isascii() else hostname.encode("idna"),
        port=url.port or (443 if url.scheme == "https" else 80),
        target=target.encode("latin-1"),
    )
    timeouts = {"connect": connect_s, "read": read_s, "write": read_s, "pool": connect_s}
    return httpcore.Request(
        method.encode(),
        where,
        headers=headers,
        content=data,
        extensions={"timeout": timeouts},
    )


def _read(answer: httpcore.Response) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of an answer; BadAnswer for a redirect or one over the cap."""
    if 300 <= answer.status < 400:
        raise BadAnswer(f"HTTP {answer.status}: redirects are not followed")
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in answer.headers}
    length = headers.get("content-length", "")
    if length.strip().isdigit() and int(length) > MAX_ANSWER_BYTES:
        raise BadAnswer(f"an answer of {int(length)} bytes (limit {MAX_ANSWER_BYTES})")
    chunks, size = [], 0
    for chunk in answer.stream:  # type: ignore[union-attr]
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise BadAnswer(f"an answer over {MAX_ANSWER_BYTES} bytes")
        chunks.append(chunk)
    return answer.status, headers, b"".join(chunks)


def _unwritten(attempt: Attempt, exc: BaseException, proxy: str | None) -> str:
    if attempt.sending:  # a reused connection the server had closed, typically
        return f"the request could not be written whole: {_describe(exc, proxy)}"
    return f"could not open the connection: {_describe(exc, proxy)}"


def _describe(exc: BaseException, proxy: str | None) -> str:
    return without_proxy_credentials(f"{type(exc).__name__}: {exc}", proxy)


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
    routed = _routed.get()
    if routed is None:
        return _original(request, runtime_option)
    transport, progress = routed
    progress.reached = True
    return transport.send(request, runtime_option or {})


def _after_fork_in_child() -> None:
    for transport in list(_live):
        transport._after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)
