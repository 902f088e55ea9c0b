"""The async path's transport: the SDK builds and signs each request, a pooled session sends it.

The SDK's own async call (``DaraCore.async_do_action``) opens a new aiohttp session, a new TCP
connection and a new TLS context for every request: three round trips per message on a real
link. Calls made inside :func:`pooled` (this connector's) go instead through one keep-alive
session per event loop; every other caller of the SDK in the process keeps the SDK's behaviour,
untouched. Requests are built, signed and parsed by the SDK as usual; only the socket differs.

What the SDK's transport does is kept: TLS verified against certifi's CA bundle, the SDK's
``HTTP_PROXY`` / ``HTTPS_PROXY`` variables for real endpoints (never for loopback ones), connect
and read timeouts from the runtime options. A failure to open the connection is raised as
:class:`NotSent`, so the caller knows the message surely did not reach Aliyun.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import certifi
from darabonba.core import DaraCore
from darabonba.exceptions import RetryError
from darabonba.response import DaraResponse

from ..endpoint import is_loopback
from .constants import DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS, POOL_SIZE

_routed: ContextVar[bool] = ContextVar("aliyun_sms_pooled", default=False)
_Entry = tuple[aiohttp.ClientSession, AsyncIterator[None], asyncio.Semaphore]
_sessions: dict[asyncio.AbstractEventLoop, _Entry] = {}
_original: Any = None
_tls = ssl.create_default_context(cafile=certifi.where())  # as the SDK verifies: certifi's CAs


class NotSent(RetryError):  # type: ignore[misc]
    """The connection could not be opened (refused, unreachable, proxy or TLS refused)."""

    surely_not_sent = True


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
    if _original is not None:
        return
    _original = DaraCore.async_do_action
    DaraCore.async_do_action = staticmethod(_do_action)
    atexit.register(close_all)


async def _do_action(request: Any, runtime_option: Any = None) -> Any:
    if not _routed.get():
        return await _original(request, runtime_option)
    return await _send(request, runtime_option or {})


def _proxy(protocol: str, host: str) -> str | None:
    """The SDK's own rule (HTTPS_PROXY for https, HTTP_PROXY for http), never for loopback."""
    if is_loopback(urlsplit(f"//{host}").hostname or ""):
        return None
    names = ("HTTPS_PROXY", "https_proxy") if protocol == "https" else ("HTTP_PROXY", "http_proxy")
    return next((os.environ[name] for name in names if os.environ.get(name)), None)


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
                ssl=_tls if protocol == "https" else False,
                proxy=_proxy(protocol, str(request.headers.get("host", ""))),
                timeout=timeout,
            ) as response,
        ):
            answer = DaraResponse()
            answer.body = await response.read()
            answer.headers = {k.lower(): v for k, v in response.headers.items()}
            answer.status_code = response.status
            answer.status_message = response.reason
            answer.response = response
            return answer
    except (
        aiohttp.ClientConnectorError,  # refused, unreachable, DNS, TLS handshake, proxy down
        aiohttp.ConnectionTimeoutError,
        aiohttp.ClientHttpProxyError,  # the proxy refused the tunnel
    ) as exc:
        raise NotSent(f"could not open the connection: {type(exc).__name__}: {exc}") from None
    except (aiohttp.ClientError, OSError) as exc:  # the request may have reached Aliyun
        raise RetryError(f"{type(exc).__name__}: {exc}") from None


async def _session() -> _Entry:
    loop = asyncio.get_running_loop()
    entry = _sessions.get(loop)
    if entry is not None and not entry[0].closed:
        return entry
    _forget_closed_loops()
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=POOL_SIZE, limit_per_host=POOL_SIZE),
        trust_env=False,
    )
    closer = _close_at_shutdown(session)
    entry = _sessions[loop] = (session, closer, asyncio.Semaphore(POOL_SIZE))
    await closer.__anext__()  # registered with the loop: asyncio.run closes the session at its end
    return entry


async def _close_at_shutdown(session: aiohttp.ClientSession) -> AsyncIterator[None]:
    try:
        yield
    finally:
        await session.close()


def _forget_closed_loops() -> None:
    for loop in list(_sessions):
        entry = _sessions.pop(loop, None) if loop.is_closed() else None
        if entry is not None and entry[0].connector is not None:
            entry[0].connector._close()  # its loop is gone: mark it closed, without warnings


def close_all() -> None:
    """Forget every pooled session; those of loops no longer running are marked closed."""
    for loop in list(_sessions):
        entry = _sessions.pop(loop, None)
        if entry is not None and entry[0].connector is not None and not loop.is_running():
            entry[0].connector._close()


def open_sessions() -> int:
    """How many pooled sessions are open: one per live event loop that has sent."""
    return sum(1 for session, _, _ in _sessions.values() if not session.closed)
