"""The Redis store: one window count shared by every worker and host, one round trip a send.

A Lua script (sent once, then called by its SHA: ``EVALSHA``, with a ``NOSCRIPT`` fallback)
checks every window of a send and counts it in each, atomically. A window is a sorted set of
send ids scored by time, with a TTL of the window's length. Every call has a short timeout, and
after a failure the store is not tried again for ``pause_s`` (sign-in never waits on it).
Imported only when a Redis URL or client is configured.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Sequence
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

import redis
import redis.asyncio

from .redis_pipe import CommandPipe, pack
from .rules import KEY_PREFIX, Check
from .store import Refusal, StoreUnavailable

DEFAULT_TIMEOUT_S = 0.25
"""Connect and socket timeout of clients built from a URL (override: ``?socket_timeout=``)."""
DEFAULT_PAUSE_S = 1.0
"""After a failure, the store is taken as down for this long without trying it."""

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
_HIT_SHA = hashlib.sha1(HIT_SCRIPT.encode(), usedforsecurity=False).hexdigest().encode()
"""The script's name on the server (Redis names scripts by their SHA-1)."""

_FAILURES = (redis.RedisError, OSError, asyncio.TimeoutError)


def _keys(checks: Sequence[Check]) -> list[bytes]:
    return [check.key.encode() for check in checks]


def _args(checks: Sequence[Check], member: str, now_ms: int | None) -> list[bytes]:
    spec = " ".join(f"{check.window_ms} {check.max_count}" for check in checks)
    return [b"" if now_ms is None else b"%d" % now_ms, member.encode(), spec.encode()]


def _hit_command(verb: bytes, script: bytes, keys: list[bytes], args: list[bytes]) -> bytes:
    return pack(verb, script, b"%d" % len(keys), *keys, *args)


def _refusal(answer: Any, checks: Sequence[Check]) -> Refusal | None:
    wait, index = divmod(int(answer), _INDEX_SPAN)
    if index == 0:
        return None
    window = checks[index - 1].window_ms
    return Refusal(index - 1, min(max(wait, 1), window))


def _client_options(url: str) -> dict[str, Any]:
    """Short timeouts and no retry on timeout, unless the URL sets them."""
    given = parse_qs(urlsplit(url).query)
    options: dict[str, Any] = {}
    for name in ("socket_timeout", "socket_connect_timeout"):
        if name not in given:
            options[name] = DEFAULT_TIMEOUT_S
    if "retry_on_timeout" not in given:
        options["retry_on_timeout"] = False
    return options


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class _LoopSide(NamedTuple):
    """What the async path uses on one event loop: the asyncio client and the hit pipe."""

    client: Any
    pipe: CommandPipe
    closer: AsyncGenerator[None, None]  # closes them when the loop shuts down


async def _close_at_shutdown(pipe: CommandPipe, owned: Any) -> AsyncGenerator[None, None]:
    """Iterated once, so the loop knows it: ``asyncio.run`` closes it (and so ``pipe``, and the
    client built here, never the host's) when it shuts the loop down."""
    try:
        yield
    finally:
        await pipe.close()
        if owned is not None:
            await owned.aclose()


class RedisStore:
    """Windows in Redis, from a URL (clients built here) or from the host's ready clients.

    ``client``: a ``redis.Redis``; ``async_client``: a ``redis.asyncio.Redis``. With a URL, the
    async path gets a client per event loop. Without an async client, the async path runs the
    sync client in a worker thread; without a sync client, the sync path cannot run. The async
    hits of one event loop share one connection of the asyncio client's kind (``CommandPipe``).
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
            client = redis.Redis.from_url(url, **_client_options(url))
        self._client = client
        self._script = client.register_script(HIT_SCRIPT) if client is not None else None
        self._async_client = async_client
        self._loops: weakref.WeakKeyDictionary[Any, _LoopSide] = weakref.WeakKeyDictionary()
        self._down_until = 0.0
        self._lock = threading.Lock()
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

    # --- health -----------------------------------------------------------------------------

    def _ready(self) -> None:
        if time.monotonic() < self._down_until:
            raise StoreUnavailable(f"{self!r} failed less than {self.pause_s} s ago")

    def _failed(self, error: BaseException) -> StoreUnavailable:
        with self._lock:
            self._down_until = time.monotonic() + self.pause_s
        return StoreUnavailable(f"{self!r}: {type(error).__name__}")

    def _sync_script(self) -> Any:
        if self._script is None:
            raise StoreUnavailable(
                "the limits store has only a redis.asyncio client; pass a redis.Redis too "
                "(use_redis) for send_message"
            )
        if os.getpid() != self._pid:  # forked (gunicorn --preload): fresh connections
            self._pid = os.getpid()
            self._loops = weakref.WeakKeyDictionary()
        return self._script

    async def _loop_side(self) -> _LoopSide | None:
        """This event loop's client and pipe, or None: run the sync path in a thread."""
        if os.getpid() != self._pid:  # forked: connections of the parent are not ours
            self._pid = os.getpid()
            self._loops = weakref.WeakKeyDictionary()
        loop = asyncio.get_running_loop()
        side = self._loops.get(loop)
        if side is None:
            client = self._async_client
            if client is None and self.url is not None:
                client = redis.asyncio.Redis.from_url(self.url, **_client_options(self.url))
            if client is None:
                return None
            pipe = CommandPipe(client.connection_pool, self._deadline_s(client))
            owned = client if self._async_client is None else None
            closer = _close_at_shutdown(pipe, owned)
            side = self._loops[loop] = _LoopSide(client, pipe, closer)
            await closer.__anext__()  # runs to its yield at once: no other hit slips in
        return side

    def _deadline_s(self, client: Any) -> float:
        """How long a hit may wait: the client's socket timeout (a URL's, 0.25 s unless it says
        otherwise); a host's client at most twice ``timeout_s`` (its own may be long)."""
        own = client.connection_pool.connection_kwargs.get("socket_timeout")
        if self._async_client is None and own:
            return float(own)
        return min(float(own or "inf"), self.timeout_s * 2)

    async def _bounded(self, call: Any) -> Any:
        """``call`` awaited within the timeout: clients built here time out on their sockets;
        a host's client is bounded here (its own timeouts may be long)."""
        if self._async_client is None:
            return await call
        return await asyncio.wait_for(call, self.timeout_s * 2)

    # --- the store ----------------------------------------------------------------------------

    def hit(self, checks: Sequence[Check], member: str, now_ms: int | None) -> Refusal | None:
        """One EVALSHA: check and count every window."""
        self._ready()
        script = self._sync_script()
        try:
            answer = script(keys=_keys(checks), args=_args(checks, member, now_ms))
        except _FAILURES as error:
            raise self._failed(error) from None
        return _refusal(answer, checks)

    async def hit_async(
        self, checks: Sequence[Check], member: str, now_ms: int | None
    ) -> Refusal | None:
        """``hit`` on this loop's pipe (one shared connection), within the timeout."""
        self._ready()
        side = await self._loop_side()
        if side is None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, self.hit, checks, member, now_ms)
        keys, args = _keys(checks), _args(checks, member, now_ms)
        try:
            try:
                answer = await side.pipe.call(_hit_command(b"EVALSHA", _HIT_SHA, keys, args))
            except redis.exceptions.NoScriptError:  # a new or flushed server: EVAL loads it
                script = HIT_SCRIPT.encode()
                answer = await side.pipe.call(_hit_command(b"EVAL", script, keys, args))
        except _FAILURES as error:
            raise self._failed(error) from None
        return _refusal(answer, checks)

    def release(self, checks: Sequence[Check], member: str) -> None:
        """ZREM the send from every window, in one pipelined round trip."""
        self._ready()
        if self._client is None:
            raise StoreUnavailable("no sync redis client to release with")
        try:
            with self._client.pipeline(transaction=False) as pipe:
                for check in checks:
                    pipe.zrem(check.key, member)
                pipe.execute()
        except _FAILURES as error:
            raise self._failed(error) from None

    async def release_async(self, checks: Sequence[Check], member: str) -> None:
        """``release`` on the asyncio client."""
        self._ready()
        side = await self._loop_side()
        if side is None:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, self.release, checks, member)
            return
        try:
            async with side.client.pipeline(transaction=False) as pipe:
                for check in checks:
                    pipe.zrem(check.key, member)
                await self._bounded(pipe.execute())
        except _FAILURES as error:
            raise self._failed(error) from None

    def clear(self) -> None:
        """Delete every key of this connector (``SCAN`` + ``UNLINK``), and forget any failure."""
        self._down_until = 0.0
        if self._client is None:
            raise StoreUnavailable("no sync redis client to clear with")
        batch: list[Any] = []
        try:
            for key in self._client.scan_iter(match=KEY_PREFIX + "*", count=1000):
                batch.append(key)
                if len(batch) >= 1000:
                    self._client.unlink(*batch)
                    batch = []
            if batch:
                self._client.unlink(*batch)
        except _FAILURES as error:
            raise StoreUnavailable(f"{self!r}: {type(error).__name__}") from None
