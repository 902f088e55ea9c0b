"""The in-process store: the default, for one worker; bounded memory, thread-safe."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Sequence

from .rules import Check
from .store import Refusal

DEFAULT_MAX_ENTRIES = 200_000
"""Counted sends kept at most (about 100 bytes each); the least recently used keys go first."""


def _monotonic_ms() -> int:
    return time.monotonic_ns() // 1_000_000


class MemoryStore:
    """Sliding windows in this process's memory, the same semantics as the Redis store."""

    name = "memory"

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self._windows: OrderedDict[str, deque[tuple[int, str]]] = OrderedDict()
        self._size = 0
        self._max = max_entries
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """Counted sends held now, over every window."""
        return self._size

    def hit(self, checks: Sequence[Check], member: str, now_ms: int | None) -> Refusal | None:
        """Count the send in every window, or say which one is full (atomic)."""
        now = _monotonic_ms() if now_ms is None else now_ms
        with self._lock:
            for index, check in enumerate(checks):
                entries = self._windows.get(check.key)
                if entries is None:
                    continue
                self._prune(entries, now - check.window_ms)
                if len(entries) >= check.max_count:
                    edge = entries[len(entries) - check.max_count][0]
                    wait = min(max(edge + check.window_ms - now, 1), check.window_ms)
                    return Refusal(index, wait)
            for check in checks:
                self._add(check.key, now, member)
            self._evict()
        return None

    async def hit_async(
        self, checks: Sequence[Check], member: str, now_ms: int | None
    ) -> Refusal | None:
        """``hit``: no I/O, a few microseconds under a lock."""
        return self.hit(checks, member, now_ms)

    def release(self, checks: Sequence[Check], member: str) -> None:
        """Remove ``member`` from every window it was counted in."""
        with self._lock:
            for check in checks:
                entries = self._windows.get(check.key)
                if entries is None:
                    continue
                kept = deque(entry for entry in entries if entry[1] != member)
                self._size -= len(entries) - len(kept)
                if kept:
                    self._windows[check.key] = kept
                else:
                    del self._windows[check.key]

    async def release_async(self, checks: Sequence[Check], member: str) -> None:
        """``release``."""
        self.release(checks, member)

    def clear(self) -> None:
        """Forget every count."""
        with self._lock:
            self._windows.clear()
            self._size = 0

    def _prune(self, entries: deque[tuple[int, str]], cutoff: int) -> None:
        while entries and entries[0][0] <= cutoff:
            entries.popleft()
            self._size -= 1

    def _add(self, key: str, now: int, member: str) -> None:
        entries = self._windows.get(key)
        if entries is None:
            entries = self._windows[key] = deque()
        else:
            self._windows.move_to_end(key)
        if entries and entries[-1][0] > now:  # the clock went back: keep the window sorted
            position = sum(1 for entry in entries if entry[0] <= now)
            entries.insert(position, (now, member))
        else:
            entries.append((now, member))
        self._size += 1

    def _evict(self) -> None:
        while self._size > self._max and self._windows:
            _, entries = self._windows.popitem(last=False)
            self._size -= len(entries)
