"""The async path's transport: the SDK builds and signs each request, a pooled session sends it.

The SDK's own async call (``DaraCore.async_do_action``) opens a new aiohttp session, a new TCP
connection and a new TLS context for every request: three round trips per message on a real
link. Calls made inside :func:`pooled` (this connector's) go instead through one keep-alive
session per event loop; every other caller of the SDK in the process keeps the SDK's behaviour,
untouched. Requests are built, signed and parsed by the SDK as usual; only the socket differs.

The sync transport's rules hold here too (``sync_transport.py``): TLS verified (certifi's
CA bundle, or ``SSL_CERT_FILE``), ``HTTPS_PROXY`` with ``NO_PROXY``, never a proxy for loopback;
connect + send + answer within ``connect + read`` timeout; answers capped at 1 MiB; no
redirects (a 3xx is a :class:`BadAnswer`). A failure before aiohttp had a connection for the
request (opened, tunnelled through a proxy and TLS-wrapped, or reused: seen through aiohttp's
public tracing signals) is :class:`NotSent` (the caller may retry); one after is
:class:`MaybeSent`.

A header value that is not Latin-1 or holds a control character is :class:`CannotSend`
(``wire.py``), before any connection; a proxy's 407 (or any proxy error) never carries the
proxy's user or password into the error; an unreadable ``SSL_CERT_FILE`` is :class:`CannotSend`.

Sessions live as long as their loop, through aiohttp's public API only: each session is closed
by an async generator the loop knows, so ``asyncio.run``, ``asyncio.Runner`` and a loop closed
the documented way (``loop.run_until_complete(loop.shutdown_asyncgens())``, then
``loop.close()``) close it, without a ResourceWarning. A loop closed without
``shutdown_asyncgens`` leaves its session to the garbage collector (aiohttp then warns about an
unclosed session). ``close_all`` runs at exit for loops still open, and a forked child drops the
sessions it inherited.
"""

from __future__ import annotations

import asyncio
import atexit
import os
from collections.abc import AsyncGenerator, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from darabonba.core import DaraCore
from darabonba.response import DaraResponse

from .constants import DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS, POOL_SIZE
from .failures import MAX_ANSWER_BYTES, BadAnswer, CannotSend, MaybeSent, NotSent
from .hook import wrap_once
from .netenv import proxy_for, tls_context, without_proxy_credentials
from .outcome import Progress
from .wire import body_bytes, header_bytes

_routed: ContextVar[Progress | None] = ContextVar("aliyun_sms_pooled", default=None)
_Entry = tuple[aiohttp.ClientSession, AsyncGenerator[None, None], asyncio.Semaphore]
_sessions: dict[asyncio.AbstractEventLoop, _Entry] = {}
_original: Any = None
__all__ = ["CannotSend", "NotSent", "close_all", "install", "open_sessions", "pooled"]


@contextmanager
def pooled() -> Iterator[Progress]:
    """Route the SDK's async calls made inside this block through the loop's pooled session;
    the block's :class:`Progress` says whether the SDK handed a request over."""
    install()
    progress = Progress()
    token = _routed.set(progress)
    try:
        yield progress
    finally:
        _routed.reset(token)


def install() -> None:
    """Wrap ``DaraCore.async_do_action`` once; calls outside :func:`pooled` reach the SDK's own."""
    global _original
    if _original is None:
        _original = wrap_once("async_do_action", _do_action)


async def _do_action(request: Any, runtime_option: Any = None) -> Any:
    progress = _routed.get()
    if progress is None:
        return await _original(request, runtime_option)
    progress.reached = True
    return await _send(request, runtime_option or {})


async def _send(request: Any, runtime: dict[str, Any]) -> DaraResponse:
    protocol = str(request.protocol).lower()
    connect_s = int(runtime.get("connectTimeout") or DEFAULT_CONNECT_TIMEOUT_MS) / 1000
    read_s = int(runtime.get("readTimeout") or DEFAULT_READ_TIMEOUT_MS) / 1000
    # A server that drips its answer byte by byte cannot hold a send past both timeouts.
    timeout = aiohttp.ClientTimeout(
        total=connect_s + read_s, sock_connect=connect_s, sock_read=read_s
    )
    url = DaraCore.compose_url(request)
    host = urlsplit(url).hostname or ""
    proxy = proxy_for(protocol, host)
    ssl_context = tls_context() if protocol == "https" else False
    header_bytes(request.headers)  # CannotSend before any connection: a line break, not Latin-1
    data = body_bytes(request)
    session, _, turns = await _session()
    connection = _Connection()
    try:
        # A fair queue in front of the pool: the timeouts count from the moment a connection is
        # ours, and no send waits behind others that keep coming back (aiohttp's pool is not FIFO).
        async with (
            turns,
            session.request(
                request.method,
                url,
                data=data,
                headers=request.headers,
                ssl=ssl_context,
                proxy=proxy,
                timeout=timeout,
                allow_redirects=False,
                trace_request_ctx=connection,
            ) as response,
        ):
            return await _answer(response)
    except aiohttp.ClientHttpProxyError as exc:  # the proxy refused the tunnel (407, 403...)
        # its text holds the proxy's URL, credentials included: only the status leaves
        raise NotSent(f"the proxy refused the tunnel: HTTP {exc.status}") from None
    except (aiohttp.ClientError, OSError) as exc:
        if not connection.ready:  # refused, DNS, TLS handshake, a proxy's broken tunnel...
            raise NotSent(f"could not open the connection: {_describe(exc, proxy)}") from None
        if isinstance(exc, (aiohttp.ClientPayloadError, aiohttp.ClientResponseError)):
            raise BadAnswer(_describe(exc, proxy)) from None  # not HTTP, broken framing
        raise MaybeSent(_describe(exc, proxy)) from None  # the request may have reached Aliyun


class _Connection:
    """Whether aiohttp had a connection for the request (opened, tunnelled and TLS-wrapped, or
    reused): nothing is written before. Set by :func:`_connected` through aiohttp's tracing."""

    __slots__ = ("ready",)

    def __init__(self) -> None:
        self.ready = False


async def _connected(session: Any, context: Any, params: Any) -> None:
    connection = context.trace_request_ctx
    if isinstance(connection, _Connection):
        connection.ready = True


def _tracing() -> aiohttp.TraceConfig:
    config = aiohttp.TraceConfig()
    config.on_connection_create_end.append(_connected)
    config.on_connection_reuseconn.append(_connected)
    return config


def _describe(exc: BaseException, proxy: str | None) -> str:
    return without_proxy_credentials(f"{type(exc).__name__}: {exc}", proxy)


async def _answer(response: aiohttp.ClientResponse) -> DaraResponse:
    if 300 <= response.status < 400:
        raise BadAnswer(f"HTTP {response.status}: redirects are not followed")
    length = response.content_length
    if length is not None and length > MAX_ANSWER_BYTES:
        raise BadAnswer(f"an answer of {length} bytes (limit {MAX_ANSWER_BYTES})")
    body = await response.content.read(MAX_ANSWER_BYTES + 1)
    while len(body) <= MAX_ANSWER_BYTES and not response.content.at_eof():
        body += await response.content.read(MAX_ANSWER_BYTES + 1 - len(body))
    if len(body) > MAX_ANSWER_BYTES:
        raise BadAnswer(f"an answer over {MAX_ANSWER_BYTES} bytes")
    answer = DaraResponse()
    answer.body = body
    answer.headers = {k.lower(): v for k, v in response.headers.items()}
    answer.status_code = response.status
    answer.status_message = response.reason
    answer.response = response
    return answer


async def _session() -> _Entry:
    loop = asyncio.get_running_loop()
    entry = _sessions.get(loop)
    if entry is not None and not entry[0].closed:
        return entry
    _forget_closed_loops()
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=POOL_SIZE, limit_per_host=POOL_SIZE),
        cookie_jar=aiohttp.DummyCookieJar(),  # an API: no cookie is kept or sent back
        trust_env=False,
        trace_configs=[_tracing()],  # where a failure happened: before the connection, or after
    )
    closer = _close_at_shutdown(session)
    entry = _sessions[loop] = (session, closer, asyncio.Semaphore(POOL_SIZE))
    # The loop now tracks the generator: shutdown_asyncgens (asyncio.run, asyncio.Runner, or
    # called before close) finalises it, and its ``finally`` closes the session.
    await closer.__anext__()
    return entry


async def _close_at_shutdown(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        await _close(session)


async def _close(session: aiohttp.ClientSession) -> None:
    connector = session.connector
    if connector is not None and not connector.closed:
        try:
            await connector.close(abort_ssl=True)  # no TLS goodbye to wait for: the loop ends
        except TypeError:  # pragma: no cover - aiohttp before 3.12
            await connector.close()
    await session.close()


def _forget_closed_loops() -> None:
    """Drop the entries of loops closed without ``shutdown_asyncgens``: theirs for the GC."""
    for loop in list(_sessions):
        if loop.is_closed():
            _sessions.pop(loop, None)


def close_all() -> None:
    """Close every pooled session whose loop is not running; forget the others."""
    for loop in list(_sessions):
        entry = _sessions.pop(loop, None)
        if entry is None or entry[0].closed:
            continue
        if not loop.is_closed() and not loop.is_running():
            with suppress(Exception):  # at exit: what cannot be closed is left to the GC
                loop.run_until_complete(entry[1].aclose())  # its finally closes the session


def open_sessions() -> int:
    """How many pooled sessions are open: one per live event loop that has sent."""
    return sum(1 for session, _, _ in _sessions.values() if not session.closed)


_inherited: list[_Entry] = []


def _after_fork_in_child() -> None:
    # The parent's sessions: never used here, and never closed here either (closing would touch
    # the event loop's selector, which a forked child shares with its parent). Kept, unused.
    _inherited.extend(_sessions.values())
    _sessions.clear()


os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(close_all)
