"""Each receipt once: claims on report ids, shared by every worker through the limits' store.

A report is first *claimed* (for ``CLAIM_MS``: the time to run the callbacks), then marked
*done* for 48 hours, or released when a callback failed, so that Aliyun's retry handles it.
With Redis (``ALIYUN_SMS_LIMITS_URL``), every worker sees the same claims (``SET NX PX``);
otherwise they are kept in this process, bounded, oldest forgotten first.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any, Protocol

KEEP_MS = 48 * 3600 * 1000  # Aliyun retries a receipt for an hour at most: 48 h is ample
CLAIM_MS = 60_000  # a worker that dies while handling a report lets it go after a minute
KEY_PREFIX = "aliyun-sms:dlv1:"
MAX_REMEMBERED = 200_000


class Dedupe(Protocol):
    """Where claims on report ids live."""

    def claim(self, report_id: str) -> bool:
        """True when this caller is the first: it must handle the report, then ``done``."""
        ...

    def done(self, report_id: str) -> None:
        """The report was handled: remember it for 48 hours."""
        ...

    def release(self, report_id: str) -> None:
        """Handling failed: forget the claim, so that a retry handles the report."""
        ...

    async def claim_async(self, report_id: str) -> bool:
        """``claim`` without blocking the event loop."""
        ...

    async def done_async(self, report_id: str) -> None:
        """``done`` without blocking the event loop."""
        ...

    async def release_async(self, report_id: str) -> None:
        """``release`` without blocking the event loop."""
        ...


class MemoryDedupe:
    """Claims in this process (one worker): at most ``size`` ids, each for its time."""

    def __init__(self, size: int = MAX_REMEMBERED) -> None:
        self.size = size
        self._until: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MemoryDedupe({len(self._until)} ids)"

    def _set(self, report_id: str, ms: int, only_new: bool) -> bool:
        now = time.monotonic()
        with self._lock:
            until = self._until.get(report_id)
            if only_new and until is not None and until > now:
                return False
            self._until[report_id] = now + ms / 1000
            self._until.move_to_end(report_id)
            while len(self._until) > self.size:
                self._until.popitem(last=False)
            return True

    def claim(self, report_id: str) -> bool:
        return self._set(report_id, CLAIM_MS, only_new=True)

    def done(self, report_id: str) -> None:
        self._set(report_id, KEEP_MS, only_new=False)

    def release(self, report_id: str) -> None:
        with self._lock:
            self._until.pop(report_id, None)

    async def claim_async(self, report_id: str) -> bool:
        return self.claim(report_id)

    async def done_async(self, report_id: str) -> None:
        self.done(report_id)

    async def release_async(self, report_id: str) -> None:
        self.release(report_id)


async def _in_thread(step: Any, report_id: str) -> Any:
    import asyncio

    return await asyncio.to_thread(step, report_id)


class RedisDedupe:
    """Claims in Redis, through the limits store's clients: every worker sees the same ones."""

    def __init__(self, client: Any, async_client: Any = None, prefix: str = KEY_PREFIX) -> None:
        self.client = client
        self.async_client = async_client
        self.prefix = prefix

    def __repr__(self) -> str:
        return f"RedisDedupe(prefix={self.prefix!r})"

    def _sync(self) -> Any:
        if self.client is None:
            raise RuntimeError(
                "the limits store has only a redis.asyncio client: use handle_async, or pass a "
                "redis.Redis too (use_redis)"
            )
        return self.client

    def claim(self, report_id: str) -> bool:
        return bool(self._sync().set(self.prefix + report_id, "claimed", nx=True, px=CLAIM_MS))

    def done(self, report_id: str) -> None:
        self._sync().set(self.prefix + report_id, "done", px=KEEP_MS)

    def release(self, report_id: str) -> None:
        self._sync().delete(self.prefix + report_id)

    async def claim_async(self, report_id: str) -> bool:
        if self.async_client is None:
            return bool(await _in_thread(self.claim, report_id))
        key = self.prefix + report_id
        return bool(await self.async_client.set(key, "claimed", nx=True, px=CLAIM_MS))

    async def done_async(self, report_id: str) -> None:
        if self.async_client is None:
            await _in_thread(self.done, report_id)
        else:
            await self.async_client.set(self.prefix + report_id, "done", px=KEEP_MS)

    async def release_async(self, report_id: str) -> None:
        if self.async_client is None:
            await _in_thread(self.release, report_id)
        else:
            await self.async_client.delete(self.prefix + report_id)


_memory = MemoryDedupe()


def dedupe_for(store: Any = None) -> Dedupe:
    """The de-duplication for ``store``: a ``Dedupe`` as given; a limits store (``RedisStore``:
    its clients; else this process's memory); None: the limits' store (``ALIYUN_SMS_LIMITS_URL``).
    """
    if store is None:
        from ..limits import limiter

        store = limiter().store
    if all(hasattr(store, name) for name in ("claim", "done", "release", "claim_async")):
        dedupe: Dedupe = store
        return dedupe
    if getattr(store, "name", None) == "redis":
        sync, aio = getattr(store, "client", None), getattr(store, "async_client", None)
        if sync is not None or aio is not None:
            return RedisDedupe(sync, aio)
    return _memory


def forget_all() -> None:
    """Forget this process's remembered ids (for tests)."""
    global _memory
    _memory = MemoryDedupe()
