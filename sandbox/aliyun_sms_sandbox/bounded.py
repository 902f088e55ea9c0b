"""Bounded stores: a log that keeps the newest entries (counting what it dropped), a nonce book."""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class BoundedLog(Generic[T]):
    """At most ``max_items`` entries and about ``max_bytes`` of their data; oldest dropped first.

    ``size`` given with each entry is the size of its variable data (strings), so that large
    requests cannot grow the log past ``max_bytes`` before the count limit bites. The newest entry
    is always kept. ``dropped`` counts the entries dropped since the log was last cleared.
    """

    def __init__(self, max_items: int, max_bytes: int) -> None:
        if type(max_items) is not int or max_items < 1:
            raise ValueError(f"a log keeps at least 1 entry, not {max_items!r}")
        self.max_items = max_items
        self.max_bytes = max_bytes
        self.dropped = 0
        self._items: deque[T] = deque()
        self._sizes: deque[int] = deque()
        self._bytes = 0

    def append(self, item: T, size: int = 0) -> None:
        """Add the newest entry, dropping the oldest ones that no longer fit."""
        self._items.append(item)
        self._sizes.append(size)
        self._bytes += size
        while len(self._items) > self.max_items or (
            self._bytes > self.max_bytes and len(self._items) > 1
        ):
            self._items.popleft()
            self._bytes -= self._sizes.popleft()
            self.dropped += 1

    def clear(self) -> int:
        """Empty the log (and its dropped count); returns how many entries it held."""
        count = len(self._items)
        self._items.clear()
        self._sizes.clear()
        self._bytes = 0
        self.dropped = 0
        return count

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    def __reversed__(self) -> Iterator[T]:
        return reversed(self._items)


class NonceBook:
    """Signature nonces used within ``ttl`` seconds, for replay checks; bounded in memory.

    At most ``max_items`` are kept: when full, expired ones go, and of the rest only the newest
    half stay (a replay of a forgotten nonce is then accepted: the price of a bounded test
    server). Nonces longer than 64 characters are kept as a 128-bit digest.
    """

    def __init__(self, ttl: float, max_items: int = 50_000) -> None:
        self.ttl = ttl
        self.max_items = max_items
        self._seen: dict[tuple[str, str], float] = {}

    def use(self, owner: str, nonce: str, now: float) -> bool:
        """Remember ``nonce``; False when ``owner`` already used it within ``ttl``."""
        if len(nonce) > 64:
            nonce = hashlib.blake2b(nonce.encode(), digest_size=16).hexdigest()
        key = (owner, nonce)
        seen = self._seen.get(key)
        if seen is not None and abs(now - seen) <= self.ttl:
            return False
        if len(self._seen) >= self.max_items:  # keep at most half: O(1) per use on average
            live = [(k, t) for k, t in self._seen.items() if abs(now - t) <= self.ttl]
            self._seen = dict(live[-(self.max_items // 2) :] if self.max_items > 1 else [])
        self._seen[key] = now
        return True

    def __len__(self) -> int:
        return len(self._seen)
