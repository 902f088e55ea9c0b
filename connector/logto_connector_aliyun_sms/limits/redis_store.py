"""The Redis store: one window count shared by every worker and host, one round trip a send.

A Lua script (sent once, then called by its SHA: ``EVALSHA``, with a ``NOSCRIPT`` fallback)
checks every window of a send and counts it in each, atomically. A window is a sorted set of
send ids scored by time, with a TTL of the window's length.

Connections come from redis-py's own clients and pools. From a URL, each path gets a bounded
blocking pool (``redis.BlockingConnectionPool``, ``redis.asyncio.BlockingConnectionPool`` per
event loop): ``DEFAULT_MAX_CONNECTIONS`` connections, and a check that finds none free waits
at most ``DEFAULT_POOL_WAIT_S`` for one. A wait that runs out is not an outage: that one send
follows ``limitsFailMode`` and the store is not paused. Every call has a short timeout; after
a failure the store is not tried again for ``pause_s``, then one call probes it while the others
of the burst wait for its outcome (``health``). Imported only when a Redis URL or client is
configured.
"""

from __future__ import annotations

import asyncio
import os
import sys
import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

import redis
import redis.asyncio

from .health import Health, StoreBusy, ThreadGate, describe
from .redis_loop import LoopSide, close_at_shutdown
from .redis_script import HIT_SCRIPT, refusal, script_args
from .rules import KEY_PREFIX, Check
from .store import Refusal, StoreUnavailable

if sys.version_info >= (3, 11):
    from asyncio import timeout as _time_limit
else:  # pragma: no cover - redis-py installs async_timeout on these versions
    from async_timeout import timeout as _time_limit  # type: ignore[import-not-found,unused-ignore]

DEFAULT_TIMEOUT_S = 0.25
"""Connect and socket timeout of clients built from a URL (override: ``?socket_timeout=``)."""
DEFAULT_PAUSE_S = 1.0
"""After a failure, the store is taken as down for this long without trying it."""
DEFAULT_MAX_CONNECTIONS = 64
"""Connections of a pool built from a URL, per process and event loop (``?max_connections=``)."""
DEFAULT_POOL_WAIT_S = 1.0
"""How long a check waits for a free connection of a full pool (``?timeout=``)."""

_FAILURES = (redis.RedisError, OSError, asyncio.TimeoutError)
_SOCKET_WAITS = ("socket_connect_timeout", "socket_timeout")
_NO_FREE_CONNECTION = "No connection available."  # redis-py's BlockingConnectionPool, timed out

T = TypeVar("T")


def _busy(error: BaseException) -> bool:
    """True when ``error`` says the pool had no free connection (not that Redis failed)."""
    if isinstance(error, redis.exceptions.MaxConnectionsError):
        return True
    return isinstance(error, redis.ConnectionError) and error.args[:1] == (_NO_FREE_CONNECTION,)


def _pool_options() -> dict[str, Any]:
    """Short timeouts and a bounded pool; the URL's own values win (``from_url`` applies them)."""
    return {
        "socket_timeout": DEFAULT_TIMEOUT_S,
        "socket_connect_timeout": DEFAULT_TIMEOUT_S,
        "max_connections": DEFAULT_MAX_CONNECTIONS,
        "timeout": DEFAULT_POOL_WAIT_S,
    }


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _secrets(url: str | None, *clients: Any) -> tuple[str, ...]:
    """Every password a failure's text must not show: the URL's and the clients' own."""
    found = []
    if url:
        parts = urlsplit(url)
        found += [parts.password, unquote(parts.password or "")]
        found += parse_qs(parts.query).get("password", [])
    for client in clients:
        if client is not None:
            found.append(client.connection_pool.connection_kwargs.get("password"))
    return tuple(str(secret) for secret in found if secret)


class RedisStore:
    """Windows in Redis, from a URL (clients and pools built here) or the host's ready clients.

    ``client``: a ``redis.Redis``; ``async_client``: a ``redis.asyncio.Redis``. With a URL, the
    async path gets a client (and its pool) per event loop, closed with the loop. Without an
    async client, the async path runs the sync client in a worker thread; without a sync client,
    the sync path cannot run.
    """

    name = "redis"

    def __init__(
        self,
        url: str | None = None,
        client: Any = None,
        async_client: Any = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        pause_s: float = DEFAULT_PAUSE_S,
    ) -> None:
        self.url = url
        self.timeout_s = timeout_s
        self.pause_s = pause_s
        if url is not None and client is None:
            pool = redis.BlockingConnectionPool.from_url(url, **_pool_options())
            client = redis.Redis.from_pool(pool)
        self._client = client
        self._script = client.register_script(HIT_SCRIPT) if client is not None else None
        self._async_client = async_client
        self._secrets = _secrets(url, client, async_client)
        self._health = Health(repr(self), pause_s)
        self._gate = self._new_gate()
        self._loops: weakref.WeakKeyDictionary[Any, LoopSide] = weakref.WeakKeyDictionary()
        self._pid = os.getpid()

    def __repr__(self) -> str:
        where = _redacted(self.url) if self.url else "a client of the host"
        return f"RedisStore({where})"

    @property
    def client(self) -> Any:
        """The sync client (``redis.Redis``), or None."""
        return self._client

    @property
    def async_client(self) -> Any:
        """The host's asyncio client, or None (with a URL: one is built per event loop)."""
        return self._async_client

    def _new_gate(self) -> ThreadGate:
        pool = self._client.connection_pool if self._client is not None else None
        capacity = int(getattr(pool, "max_connections", 0) or DEFAULT_MAX_CONNECTIONS)
        wait_s = getattr(pool, "timeout", None)
        return ThreadGate(self._health, capacity, DEFAULT_POOL_WAIT_S if wait_s is None else wait_s)

    def _forked(self) -> None:
        """A child process (gunicorn --preload): the parent's loops and waiters are not ours."""
        if os.getpid() != self._pid:
            self._pid = os.getpid()
            self._loops = weakref.WeakKeyDictionary()
            self._gate = self._new_gate()

    def _failure(self, error: BaseException) -> StoreUnavailable:
        """What a failed call raises: busy (no pause), or the store paused for ``pause_s``."""
        reason = describe(error, self._secrets)
        if _busy(error):
            return StoreBusy(f"{self!r}: {reason}")
        return self._health.failed(reason)

    # --- the two paths ------------------------------------------------------------------------

    def _call(self, call: Callable[[], T]) -> T:
        """``call`` on the sync client, admitted by the gate."""
        self._forked()
        probe = self._gate.enter()
        try:
            result = call()
        except _FAILURES as error:
            raise self._failure(error) from None
        finally:
            self._gate.leave(probe)
        self._health.succeeded()
        return result

    async def _loop_side(self) -> LoopSide | None:
        """This event loop's client, or None: run the sync path in a thread."""
        self._forked()
        loop = asyncio.get_running_loop()
        side = self._loops.get(loop)
        if side is not None:
            return side
        if self._async_client is not None:  # the host's: its own timeouts may be long
            side = self._loops[loop] = LoopSide(self._async_client, self.timeout_s * 2)
            return side
        if self.url is None:
            return None
        pool = redis.asyncio.BlockingConnectionPool.from_url(self.url, **_pool_options())
        waits = [pool.connection_kwargs.get(name) or self.timeout_s for name in _SOCKET_WAITS]
        side = LoopSide(redis.asyncio.Redis.from_pool(pool), (pool.timeout or 0) + sum(waits))
        self._loops[loop] = side
        side.closer = close_at_shutdown(side.client)
        await side.closer.__anext__()  # runs to its yield at once: the loop now knows it
        return side

    async def _admit(self, side: LoopSide) -> bool:
        """Wait for a probe under way; True: this call is the probe (health is unknown)."""
        health = self._health
        while True:
            health.check()
            if health.up:
                return False
            if side.probe is None:
                side.probe = asyncio.get_running_loop().create_future()
                return True
            await asyncio.shield(side.probe)

    async def _call_async(self, side: LoopSide, call: Callable[[], Awaitable[T]]) -> T:
        """``call`` on this loop's client, within ``side.bound_s``; a failure ends the other
        calls under way on this loop at once (they would fail the same way, later)."""
        probe = await self._admit(side)
        failures = self._health.failures
        try:
            async with _time_limit(side.bound_s) as limit:
                side.limits.add(limit)
                try:
                    result = await call()
                finally:
                    side.limits.discard(limit)
        except _FAILURES as error:
            if self._health.failures != failures and not _busy(error):
                raise StoreUnavailable(f"{self!r}: {self._health.reason}") from None
            if isinstance(error, asyncio.TimeoutError):  # the whole call's time limit
                error = redis.TimeoutError(f"no answer within {side.bound_s:g} s")
            failure = self._failure(error)
            if not isinstance(failure, StoreBusy):
                now = asyncio.get_running_loop().time()
                for other in side.limits:
                    other.reschedule(now)
            raise failure from None
        finally:
            if probe and side.probe is not None:
                side.probe.set_result(None)
                side.probe = None
        self._health.succeeded()
        return result

    # --- the store ----------------------------------------------------------------------------

    def hit(self, checks: Sequence[Check], member: str, now_ms: int | None) -> Refusal | None:
        """One EVALSHA: check and count every window."""
        self._health.check()
        script = self._script
        if script is None:
            raise StoreUnavailable(
                "the limits store has only a redis.asyncio client; pass a redis.Redis too "
                "(use_redis) for send_message"
            )
        keys, args = [check.key for check in checks], script_args(checks, member, now_ms)
        return refusal(self._call(lambda: script(keys=keys, args=args)), checks)

    async def hit_async(
        self, checks: Sequence[Check], member: str, now_ms: int | None
    ) -> Refusal | None:
        """``hit`` on this loop's asyncio client, in this turn's pipeline, within the timeout."""
        self._health.check()
        side = await self._loop_side()
        if side is None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, self.hit, checks, member, now_ms)
        keys, args = [check.key for check in checks], script_args(checks, member, now_ms)
        answer = await self._call_async(side, lambda: side.batch.hit(keys, args))
        return refusal(answer, checks)

    def release(self, checks: Sequence[Check], member: str) -> None:
        """ZREM the send from every window, in one pipelined round trip."""
        self._health.check()
        client = self._client
        if client is None:
            raise StoreUnavailable("no sync redis client to release with")

        def zrem() -> None:
            with client.pipeline(transaction=False) as pipe:
                for check in checks:
                    pipe.zrem(check.key, member)
                pipe.execute()

        self._call(zrem)

    async def release_async(self, checks: Sequence[Check], member: str) -> None:
        """``release`` on the asyncio client."""
        self._health.check()
        side = await self._loop_side()
        if side is None:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, self.release, checks, member)
            return

        async def zrem() -> None:
            async with side.client.pipeline(transaction=False) as pipe:
                for check in checks:
                    pipe.zrem(check.key, member)
                await pipe.execute()

        await self._call_async(side, zrem)

    def clear(self) -> None:
        """Delete every key of this connector (``SCAN`` + ``UNLINK``), and forget any failure."""
        self._health.reset()
        client = self._client
        if client is None:
            raise StoreUnavailable("no sync redis client to clear with")
        batch: list[Any] = []
        try:
            for key in client.scan_iter(match=KEY_PREFIX + "*", count=1000):
                batch.append(key)
                if len(batch) >= 1000:
                    client.unlink(*batch)
                    batch = []
            if batch:
                client.unlink(*batch)
        except _FAILURES as error:
            raise StoreUnavailable(f"{self!r}: {describe(error, self._secrets)}") from None
