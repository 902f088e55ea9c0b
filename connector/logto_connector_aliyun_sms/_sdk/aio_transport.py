"""The async path's transport: the SDK builds and signs each request, a pooled session sends it.

The SDK's own async call (``DaraCore.async_do_action``) opens a new aiohttp session, a new TCP
connection and a new TLS context for every request: three round trips per message on a real
link. Calls made inside :func:`pooled` (this connector's) go instead through one keep-alive
session per event loop; every other caller of the SDK in the process keeps the SDK's behaviour,
untouched. Requests are built, signed and parsed by the SDK as usual; only the socket differs.

The sync transport's rules hold here too (``sync_transport.py``): TLS verified (certifi's
CA bundle, or ``SSL_CERT_FILE``), ``HTTPS_PROXY`` with ``NO_PROXY``, never a proxy for loopback;
connect + send + answer within ``connect + read`` timeout; answers capped at 1 MiB; no
redirects (a 3xx is a :class:`BadAnswer`). A failure to open the connection is :class:`NotSent`
(the caller may retry); one after the request was written is :class:`MaybeSent`.

Sessions live as long as their loop: ``asyncio.run`` closes them at its end, a loop closed by
hand (``loop.close()``) closes its session first, ``close_all`` runs at exit, and a forked child
drops the sessions it inherited.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import weakref
from collections.abc import AsyncGenerator, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from darabonba.core import DaraCore
from darabonba.response import DaraResponse

from .constants import DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS, POOL_SIZE
from .failures import MAX_ANSWER_BYTES, BadAnswer, MaybeSent, NotSent
from .hook import wrap_once
from .netenv import proxy_for, tls_context

_routed: ContextVar[bool] = ContextVar("aliyun_sms_pooled", default=False)
_Entry = tuple[aiohttp.ClientSession, AsyncGenerator[None, None], asyncio.Semaphore]
_sessions: dict[asyncio.AbstractEventLoop, _Entry] = {}
_original: Any = None
__all__ = ["NotSent", "close_all", "install", "open_sessions", "pooled"]


@contextmanager
def pooled() -> Iterator[None]:
    """Route the SDK's async calls made inside this block through the loop's pooled session."""
    install()
    token = _routed.set(True)
    try:
        yield
    finally:
        _routed.reset(token)


def install() -> None:
    """Wrap ``DaraCore.async_do_action`` once; calls outside :func:`pooled` reach the SDK's own."""
    global _original
    if _original is None:
        _original = wrap_once("async_do_action", _do_action)


async def _do_action(request: Any, runtime_option: Any = None) -> Any:
    if not _routed.get():
        return await _original(request, runtime_option)
    return await _send(request, runtime_option or {})


def _body(request: Any) -> bytes:
    body = request.body
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    return b"".join(body)  # a darabonba stream: an iterable of byte chunks


async def _send(request: Any, runtime: dict[str, Any]) -> DaraResponse:
    protocol = str(request.protocol).lower()
    connect_s = int(runtime.get("connectTimeout") or DEFAULT_CONNECT_TIMEOUT_MS) / 1000
    read_s = int(runtime.get("readTimeout") or DEFAULT_READ_TIMEOUT_MS) / 1000
    # A server that drips its answer byte by byte cannot hold a send past both timeouts.
    timeout = aiohttp.ClientTimeout(
        total=connect_s + read_s, sock_connect=connect_s, sock_read=read_s
    )
    session, _, turns = await _session()
    host = urlsplit(f"//{request.headers.get('host', '')}").hostname or ""
    try:
        # A fair queue in front of the pool: the timeouts count from the moment a connection is
        # ours, and no send waits behind others that keep coming back (aiohttp's pool is not FIFO).
        async with (
            turns,
            session.request(
                request.method,
                DaraCore.compose_url(request),
                data=_body(request),
                headers=request.headers,
                ssl=tls_context() if protocol == "https" else False,
                proxy=proxy_for(protocol, host),
                timeout=timeout,
                allow_redirects=False,
            ) as response,
        ):
            return await _answer(response)
    except (
        aiohttp.ClientConnectorError,  # refused, unreachable, DNS, TLS handshake, proxy down
        aiohttp.ConnectionTimeoutError,
        aiohttp.ClientHttpProxyError,  # the proxy refused the tunnel
    ) as exc:
        raise NotSent(f"could not open the connection: {type(exc).__name__}: {exc}") from None
    except (aiohttp.ClientPayloadError, aiohttp.ClientResponseError) as exc:  # not HTTP, broken
        raise BadAnswer(f"{type(exc).__name__}: {exc}") from None
    except (aiohttp.ClientError, OSError) as exc:  # the request may have reached Aliyun
        raise MaybeSent(f"{type(exc).__name__}: {exc}") from None


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
    )
    closer = _close_at_shutdown(session)
    entry = _sessions[loop] = (session, closer, asyncio.Semaphore(POOL_SIZE))
    await closer.__anext__()  # registered with the loop: asyncio.run closes the session at its end
    _close_with(loop)
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


def _close_with(loop: asyncio.AbstractEventLoop) -> None:
    """Close the loop's session when the loop is closed by hand (no ``shutdown_asyncgens``)."""
    if not hasattr(loop, "__dict__") or "close" in vars(loop):
        return  # already watched, or a loop without instance attributes (uvloop)
    ref = weakref.ref(loop)
    close_loop = type(loop).close

    def close() -> None:
        watched = ref()
        if watched is None:  # pragma: no cover - a closed method outliving its loop
            return
        del watched.close  # the instance attribute: no cycle left behind
        entry = _sessions.pop(watched, None)
        if entry is not None and not entry[0].closed and not watched.is_running():
            with suppress(Exception):  # closing regardless: the sockets are what matter
                watched.run_until_complete(entry[1].aclose())  # its finally closes the session
        close_loop(watched)

    loop.close = close  # type: ignore[method-assign]


def _forget_closed_loops() -> None:
    for loop in list(_sessions):
        entry = _sessions.pop(loop, None) if loop.is_closed() else None
        if entry is not None and entry[0].connector is not None:
            entry[0].connector._close()  # its loop is gone: mark it closed, without warnings


def close_all() -> None:
    """Close every pooled session whose loop is not running; forget the others."""
    for loop in list(_sessions):
        entry = _sessions.pop(loop, None)
        if entry is None or entry[0].closed:
            continue
        if not loop.is_closed() and not loop.is_running():
            with suppress(Exception):  # at exit: if this fails, it is marked closed below
                loop.run_until_complete(_close(entry[0]))
        if entry[0].connector is not None:
            entry[0].connector._close()


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
