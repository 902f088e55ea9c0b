"""The in-process store: the default, for one worker; bounded memory, thread-safe.

Kept small, since a pumping run fills it with numbers: one dict from a window's key to its
counted sends, in least-recently-used order. A window is known by 60 bits of the hash of its
store key (Python's keyed SipHash; two windows share a place only if those collide, about one
chance in 10^7 with every window this store can hold), a send by 30 bits of the hash of its id
(only ``release`` reads it), and times are milliseconds since the store's first send. A window
with one send is one int (time << 30 | id); with more, an ``array('q')`` of (time, id) pairs in
time order. Measured (``benchmarks/limits.py``, ``tests/limits``): about
300 bytes per tracked number with all four limits on.
"""

from __future__ import annotations

import threading
import time
from array import array
from collections.abc import Sequence
from typing import TypeAlias

from .rules import Check
from .store import Refusal

DEFAULT_MAX_ENTRIES = 200_000
"""Counted sends kept at most (over every window); the least recently used windows go first."""

_BITS = 30  # of a send's id
_MASK = (1 << _BITS) - 1
_KEY_MASK = (1 << 60) - 1  # an int below 2**60 takes 32 bytes, one above 36
_EVICT_SHARE = 16  # a full store forgets 1/16 of its sends at once: rare, cheap passes

Window: TypeAlias = "int | array[int]"  # one send, or array('q'): time, id, time, id, ...


def _monotonic_ms() -> int:
    return time.monotonic_ns() // 1_000_000


def _one(now: int, member_id: int) -> int:
    return (now << _BITS) | (member_id & _MASK)


def _id_of(single: int) -> int:
    return single & _MASK


def _count(window: Window) -> int:
    return 1 if isinstance(window, int) else len(window) >> 1


def _time_at(window: Window, position: int) -> int:
    return window >> _BITS if isinstance(window, int) else window[2 * position]


def _first_after(pairs: array, cutoff: int) -> int:  # type: ignore[type-arg]
    """The position of the first pair whose time is above ``cutoff`` (they are in order)."""
    low, high = 0, len(pairs) >> 1
    while low < high:
        middle = (low + high) >> 1
        if pairs[2 * middle] <= cutoff:
            low = middle + 1
        else:
            high = middle
    return low


def _compact(pairs: array[int]) -> Window | None:
    """A window of ``pairs`` in its smallest form (None: empty)."""
    if len(pairs) > 2:
        return pairs
    return _one(pairs[0], pairs[1]) if pairs else None


class MemoryStore:
    """Sliding windows in this process's memory, the same semantics as the Redis store."""

    name = "memory"

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self._windows: dict[int, Window] = {}
        self._size = 0
        self._max = max_entries
        self._lock = threading.Lock()
        self._epoch: int | None = None  # the first send's time: times are kept after it

    def __len__(self) -> int:
        """Counted sends held now, over every window."""
        return self._size

    def hit(self, checks: Sequence[Check], member: str, now_ms: int | None) -> Refusal | None:
        """Count the send in every window, or say which one is full (atomic)."""
        now = _monotonic_ms() if now_ms is None else now_ms
        member_id = hash(member) & _MASK
        windows = self._windows
        with self._lock:
            if self._epoch is None:
                self._epoch = now
            now -= self._epoch
            for index, check in enumerate(checks):
                key = hash(check.key) & _KEY_MASK
                window = windows.get(key)
                if window is None or _count(window) < check.max_count:
                    continue
                window = self._trim(key, window, now - check.window_ms)  # full: trim, as Redis
                count = 0 if window is None else _count(window)
                if window is not None and count >= check.max_count:
                    edge = _time_at(window, count - check.max_count)
                    wait = min(max(edge + check.window_ms - now, 1), check.window_ms)
                    return Refusal(index, wait)
            for check in checks:
                self._add(hash(check.key) & _KEY_MASK, now, member_id)
            if self._size > self._max:
                self._evict()
        return None

    async def hit_async(
        self, checks: Sequence[Check], member: str, now_ms: int | None
    ) -> Refusal | None:
        """``hit``: no I/O, a few microseconds under a lock."""
        return self.hit(checks, member, now_ms)

    def release(self, checks: Sequence[Check], member: str) -> None:
        """Remove ``member`` from every window it was counted in."""
        member_id = hash(member) & _MASK
        with self._lock:
            for check in checks:
                key = hash(check.key) & _KEY_MASK
                window = self._windows.get(key)
                if window is None:
                    continue
                if isinstance(window, int):
                    kept: Window | None = None if _id_of(window) == member_id else window
                else:
                    left = array("q")
                    for at in range(0, len(window), 2):
                        if window[at + 1] != member_id:
                            left.extend(window[at : at + 2])
                    kept = _compact(left)
                self._size -= _count(window) - (0 if kept is None else _count(kept))
                if kept is None:
                    del self._windows[key]
                else:
                    self._windows[key] = kept

    async def release_async(self, checks: Sequence[Check], member: str) -> None:
        """``release``."""
        self.release(checks, member)

    def clear(self) -> None:
        """Forget every count."""
        with self._lock:
            self._windows = {}
            self._size = 0

    def _trim(self, key: int, window: Window, cutoff: int) -> Window | None:
        """Drop the sends at or before ``cutoff``; what is left of the window."""
        if isinstance(window, int):
            if window >> _BITS > cutoff:
                return window
            del self._windows[key]
            self._size -= 1
            return None
        gone = _first_after(window, cutoff)
        if not gone:
            return window
        del window[: 2 * gone]
        self._size -= gone
        kept = _compact(window)
        if kept is None:
            del self._windows[key]
        else:
            self._windows[key] = kept
        return kept

    def _add(self, key: int, now: int, member_id: int) -> None:
        """Count a send in a window, which becomes the most recently used."""
        window = self._windows.pop(key, None)
        self._size += 1
        if window is None:
            self._windows[key] = _one(now, member_id)
            return
        if isinstance(window, int):
            then, then_id = window >> _BITS, _id_of(window)
            pairs = (
                (then, then_id, now, member_id) if then <= now else (now, member_id, then, then_id)
            )
            self._windows[key] = array("q", pairs)
            return
        if window[-2] <= now:
            window.extend((now, member_id))
        else:  # the clock went back: keep the window in time order
            at = 2 * _first_after(window, now)
            window[at:at] = array("q", (now, member_id))
        self._windows[key] = window

    def _evict(self) -> None:
        """Forget the least recently used windows until the store is 1/16 under its bound."""
        target = self._max - self._max // _EVICT_SHARE
        windows = self._windows
        oldest = []
        size = self._size
        for key, window in windows.items():
            if size <= target:
                break
            oldest.append(key)
            size -= _count(window)
        for key in oldest:
            del windows[key]
        self._size = size
