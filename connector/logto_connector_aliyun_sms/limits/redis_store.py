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
import hashlib
import os
import sys
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

import redis
import redis.asyncio

from .health import Health, StoreBusy, ThreadGate, describe
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

# KEYS: one sorted set per window. ARGV: now in ms ("" for Redis's own clock), the send's id,
# then each key's window in ms and capacity, space-separated in one argument (fewer arguments
# to pack and parse). A window is trimmed only when it looks full: until then its stale
# entries cannot make it refuse, and it never holds more than its capacity. Returns 0, or
# (retry after ms) * 8 + (the key's 1-based index): one integer, the cheapest reply to parse.
HIT_SCRIPT = """
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local spec = {}
for number in string.gmatch(ARGV[3], '%d+') do
  spec[#spec + 1] = tonumber(number)
end
for i = 1, #KEYS do
  local window, limit = spec[2 * i - 1], spec[2 * i]
  local count = redis.call('ZCARD', KEYS[i])
  if count >= limit then
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
    count = redis.call('ZCARD', KEYS[i])
    if count >= limit then
      local edge = redis.call('ZRANGE', KEYS[i], count - limit, count - limit, 'WITHSCORES')
      return (tonumber(edge[2]) + window - now) * 8 + i
    end
  end
end
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[i], spec[2 * i - 1])
end
return 0
"""
_INDEX_SPAN = 8  # the reply's multiplier: more than the four windows a send has
_HIT_SHA = hashlib.sha1(HIT_SCRIPT.encode(), usedforsecurity=False).hexdigest()
"""The script's name on the server (Redis names scripts by their SHA-1)."""

_FAILURES = (redis.RedisError, OSError, asyncio.TimeoutError)
_SOCKET_WAITS = ("socket_connect_timeout", "socket_timeout")
_NO_FREE_CONNECTION = "No connection available."  # redis-py's BlockingConnectionPool, timed out

T = TypeVar("T")


def _busy(error: BaseException) -> bool:
    """True when ``error`` says the pool had no free connection (not that Redis failed)."""
    if isinstance(error, redis.exceptions.MaxConnectionsError):
        return True
    return isinstance(error, redis.ConnectionError) and error.args[:1] == (_NO_FREE_CONNECTION,)


def _args(checks: Sequence[Check], member: str, now_ms: int | None) -> list[str]:
    spec = " ".join(f"{check.window_ms} {check.max_count}" for check in checks)
    return ["" if now_ms is None else str(now_ms), member, spec]


def _refusal(answer: Any, checks: Sequence[Check]) -> Refusal | None:
    wait, index = divmod(int(answer), _INDEX_SPAN)
    if index == 0:
        return None
    window = checks[index - 1].window_ms
    return Refusal(index - 1, min(max(wait, 1), window))


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


class _Batch:
    """The hits of one turn of an event loop, sent together in one redis-py pipeline.

    A hit queues its script call and waits on a future; at the end of the turn the queued calls
    go out in one ``pipeline(transaction=False)`` (one connection of the pool, one write, the
    replies read in order), and each future gets its own reply. Under load, hits then share
    system calls and Redis's wake-ups; one hit alone is one round trip, as before.
    """

    def __init__(self, client: Any) -> None:
        self.client = client
        self._queued: list[tuple[list[str], list[str], asyncio.Future[Any]]] = []
        self._sending: set[asyncio.Task[None]] = set()

    def hit(self, keys: list[str], args: list[str]) -> asyncio.Future[Any]:
        """The script's reply to come (its exception, when the pipeline fails)."""
        loop = asyncio.get_running_loop()
        reply: asyncio.Future[Any] = loop.create_future()
        self._queued.append((keys, args, reply))
        if len(self._queued) == 1:  # the turn's first: send them all once the turn is over
            loop.call_soon(self._flush)
        return reply

    def _flush(self) -> None:
        queued, self._queued = self._queued, []
        task = asyncio.get_running_loop().create_task(self._send(queued))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(self, queued: list[tuple[list[str], list[str], asyncio.Future[Any]]]) -> None:
        try:
            async with self.client.pipeline(transaction=False) as pipe:
                for keys, args, _ in queued:
                    pipe.evalsha(_HIT_SHA, len(keys), *keys, *args)
                replies = await pipe.execute(raise_on_error=False)
            for at, (keys, args, _) in enumerate(queued):
                if isinstance(replies[at], redis.exceptions.NoScriptError):  # a new or flushed
                    replies[at] = await self.client.eval(HIT_SCRIPT, len(keys), *keys, *args)
        except asyncio.CancelledError:  # the loop is shutting down
            for _, _, reply in queued:
                reply.cancel()
            raise
        except Exception as error:  # every waiter gets what happened
            for _, _, reply in queued:
                if not reply.done():
                    reply.set_exception(error)
            return
        for (_, _, reply), answer in zip(queued, replies, strict=True):
            if reply.done():  # its sender gave up (its time limit)
                continue
            if isinstance(answer, BaseException):
                reply.set_exception(answer)
            else:
                reply.set_result(answer)


class _LoopSide:
    """What the async path uses on one event loop: its client, the batch, the calls under way."""

    def __init__(self, client: Any, bound_s: float) -> None:
        self.client = client
        self.batch = _Batch(client)
        self.bound_s = bound_s  # a call's whole time: pool wait, connect, answer
        self.probe: asyncio.Future[None] | None = None  # the first call while health is unknown
        self.limits: set[Any] = set()  # the time limits of the calls under way
        self.closer: AsyncGenerator[None, None] | None = None


async def _close_at_shutdown(owned: Any) -> AsyncGenerator[None, None]:
    """Iterated once, so the loop knows it: ``asyncio.run`` closes it (and so the client built
    here with its pool, never the host's) when it shuts the loop down."""
    try:
        yield
    finally:
        await owned.aclose()


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
        self._loops: weakref.WeakKeyDictionary[Any, _LoopSide] = weakref.WeakKeyDictionary()
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

    async def _loop_side(self) -> _LoopSide | None:
        """This event loop's client, or None: run the sync path in a thread."""
        self._forked()
        loop = asyncio.get_running_loop()
        side = self._loops.get(loop)
        if side is not None:
            return side
        if self._async_client is not None:  # the host's: its own timeouts may be long
            side = self._loops[loop] = _LoopSide(self._async_client, self.timeout_s * 2)
            return side
        if self.url is None:
            return None
        pool = redis.asyncio.BlockingConnectionPool.from_url(self.url, **_pool_options())
        waits = [pool.connection_kwargs.get(name) or self.timeout_s for name in _SOCKET_WAITS]
        side = _LoopSide(redis.asyncio.Redis.from_pool(pool), (pool.timeout or 0) + sum(waits))
        self._loops[loop] = side
        side.closer = _close_at_shutdown(side.client)
        await side.closer.__anext__()  # runs to its yield at once: the loop now knows it
        return side

    async def _admit(self, side: _LoopSide) -> bool:
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

    async def _call_async(self, side: _LoopSide, call: Callable[[], Awaitable[T]]) -> T:
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
        keys, args = [check.key for check in checks], _args(checks, member, now_ms)
        return _refusal(self._call(lambda: script(keys=keys, args=args)), checks)

    async def hit_async(
        self, checks: Sequence[Check], member: str, now_ms: int | None
    ) -> Refusal | None:
        """``hit`` on this loop's asyncio client, in this turn's pipeline, within the timeout."""
        self._health.check()
        side = await self._loop_side()
        if side is None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, self.hit, checks, member, now_ms)
        keys, args = [check.key for check in checks], _args(checks, member, now_ms)
        answer = await self._call_async(side, lambda: side.batch.hit(keys, args))
        return _refusal(answer, checks)

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
