"""Send a code once: the same code to the same number through the same route, within the code's
lifetime, leaves once, whoever retries it (Kratos retries any non-2xx five times, authentik and
Supabase retry too) and however many workers the relay has.

A send claims its key first (``SET key pending NX PX lifetime``: Redis when
``ALIYUN_SMS_LIMITS_URL`` names Redis, else this process's memory), then records the outcome:

- sent: later requests are answered "already sent" and send nothing;
- failed before anything left (bad input, a limit, an answer from Aliyun): the key is dropped,
  so a retry sends;
- failed after the request may have left (a timeout, a dropped connection): the key stays, as
  "maybe"; a retry is answered "already sent" rather than charged twice.

A request that finds the key pending waits for the first one's outcome (a few seconds). Keys are
SHA-256 digests: neither the number nor the code is stored.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ..kit import ConnectorError

logger = logging.getLogger("logto_connector_aliyun_sms.relay")

KEY_PREFIX = "aliyun-sms:relay:"
PENDING, SENT, MAYBE = "pending", "sent", "maybe"
STALE_PENDING_S = 30.0
"""A send pending for longer than this is taken as one that may have left (its worker died)."""
WAIT_S = 10.0
"""How long a duplicate waits for the first request's outcome."""
_POLL_S = 0.05


class ClaimStore(Protocol):
    """Keys with a value and an expiry, claimed atomically (memory, or Redis ``SET NX PX``)."""

    async def claim(self, key: str, value: str, ttl_ms: int) -> str | None:
        """Set ``key`` unless it exists: None when claimed, else the value it holds."""
        ...  # pragma: no cover - a protocol

    async def put(self, key: str, value: str, ttl_ms: int) -> None:
        """Set ``key`` (whatever it held)."""
        ...  # pragma: no cover - a protocol

    async def drop(self, key: str) -> None:
        """Delete ``key``."""
        ...  # pragma: no cover - a protocol

    async def ping(self) -> None:
        """Raise when the store cannot be reached."""
        ...  # pragma: no cover - a protocol

    async def close(self) -> None:
        """Release connections."""
        ...  # pragma: no cover - a protocol


class MemoryClaims:
    """Claims in this process's memory (one worker)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._items: dict[str, tuple[str, float]] = {}
        self._clock = clock

    def _live(self, key: str) -> str | None:
        item = self._items.get(key)
        if item is None:
            return None
        if item[1] <= self._clock():
            del self._items[key]
            return None
        return item[0]

    def _sweep(self) -> None:
        if len(self._items) > 10_000:
            now = self._clock()
            for key in [k for k, (_, until) in self._items.items() if until <= now]:
                del self._items[key]

    async def claim(self, key: str, value: str, ttl_ms: int) -> str | None:
        held = self._live(key)
        if held is not None:
            return held
        self._sweep()
        self._items[key] = (value, self._clock() + ttl_ms / 1000)
        return None

    async def put(self, key: str, value: str, ttl_ms: int) -> None:
        self._items[key] = (value, self._clock() + ttl_ms / 1000)

    async def drop(self, key: str) -> None:
        self._items.pop(key, None)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        return None

    def __repr__(self) -> str:
        return "MemoryClaims()"


class RedisClaims:
    """Claims in Redis, shared by every worker: ``SET NX PX``, ``SET PX``, ``DEL``."""

    def __init__(self, client: Any, *, owned: bool) -> None:
        self.client = client
        self._owned = owned

    async def claim(self, key: str, value: str, ttl_ms: int) -> str | None:
        if await self.client.set(key, value, nx=True, px=ttl_ms):
            return None
        held = await self.client.get(key)
        if held is None:  # expired in between: try once more
            return None if await self.client.set(key, value, nx=True, px=ttl_ms) else PENDING
        return held.decode() if isinstance(held, bytes) else str(held)

    async def put(self, key: str, value: str, ttl_ms: int) -> None:
        await self.client.set(key, value, px=ttl_ms)

    async def drop(self, key: str) -> None:
        await self.client.delete(key)

    async def ping(self) -> None:
        await self.client.ping()

    async def close(self) -> None:
        if self._owned:
            await self.client.aclose()

    def __repr__(self) -> str:
        return "RedisClaims()"


def claims_from_limits() -> ClaimStore:
    """The store the send limits use: Redis (a client of its own, same server) or memory."""
    from .. import limits

    store = limits.limiter().store
    if type(store).__name__ != "RedisStore":
        return MemoryClaims()
    url = getattr(store, "url", None)
    if url:
        import redis.asyncio

        timeout = getattr(store, "timeout_s", 0.25) * 4
        client = redis.asyncio.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        return RedisClaims(client, owned=True)
    host_client = getattr(store, "async_client", None)
    if host_client is not None:
        return RedisClaims(host_client, owned=False)
    return MemoryClaims()  # a host's sync client only: each worker keeps its own claims


def key_for(route: str, to: str, code: str) -> str:
    """The key of one code to one number through one route (digits of the number only)."""
    digits = "".join(ch for ch in to if ch.isdigit())
    digest = hashlib.sha256(f"{route}\0{digits}\0{code}".encode()).hexdigest()
    return f"{KEY_PREFIX}once:{digest}"


def delivery_key(route: str, delivery_id: str) -> str:
    """The key of one signed delivery (replay protection)."""
    digest = hashlib.sha256(f"{route}\0{delivery_id}".encode()).hexdigest()
    return f"{KEY_PREFIX}seen:{digest}"


@dataclass(frozen=True)
class Outcome:
    """What ``once`` did: ``fresh`` (this request sent: ``result``) or a duplicate
    (``state``: ``sent``, or ``maybe`` when the first one may have left)."""

    fresh: bool
    result: dict[str, Any] | None = None
    state: str = SENT


def may_have_left(error: ConnectorError) -> bool:
    """Whether the message may have been sent despite the error (then it must not be retried)."""
    data = error.data or {}
    return data.get("maybeSent") is True and data.get("Code") is None


def _now_ms() -> int:
    return int(time.time() * 1000)


class Once:
    """Runs a send at most once per key, in ``store``."""

    def __init__(self, store: ClaimStore) -> None:
        self.store = store

    async def run(
        self, key: str, lifetime_s: float, send: Callable[[], Awaitable[dict[str, Any]]]
    ) -> Outcome:
        """``send()`` unless the key was sent (or is being sent); raises what ``send`` raises."""
        ttl_ms = max(int(lifetime_s * 1000), 1)
        deadline = time.monotonic() + WAIT_S
        while True:
            held = await self.store.claim(key, f"{PENDING}:{_now_ms()}", ttl_ms)
            if held is None:
                return await self._send(key, ttl_ms, send)
            if held in (SENT, MAYBE):
                return Outcome(False, state=held)
            started = held.partition(":")[2]
            age_s = (_now_ms() - int(started)) / 1000 if started.isdigit() else STALE_PENDING_S
            if age_s >= STALE_PENDING_S or time.monotonic() >= deadline:
                return Outcome(False, state=MAYBE)
            await asyncio.sleep(_POLL_S)

    async def _send(
        self, key: str, ttl_ms: int, send: Callable[[], Awaitable[dict[str, Any]]]
    ) -> Outcome:
        try:
            result = await send()
        except ConnectorError as error:
            if may_have_left(error):
                await self._record(key, MAYBE, ttl_ms)
            else:
                await self._forget(key)
            raise
        except BaseException:  # cancelled mid-send: it may have left
            await asyncio.shield(self._record(key, MAYBE, ttl_ms))
            raise
        await self._record(key, SENT, ttl_ms)
        return Outcome(True, result=result)

    async def _forget(self, key: str) -> None:
        try:
            await self.store.drop(key)
        except Exception as error:  # then a retry waits for the stale claim
            logger.warning("relay: could not release a failed send: %s", type(error).__name__)

    async def _record(self, key: str, state: str, ttl_ms: int) -> None:
        """Record an outcome; when the store fails, the key stays pending, which turns into
        "maybe" once stale: a retry is still not charged twice."""
        try:
            await self.store.put(key, state, ttl_ms)
        except Exception as error:  # the send's outcome matters more than its record
            logger.warning("relay: could not record a send's outcome: %s", type(error).__name__)
