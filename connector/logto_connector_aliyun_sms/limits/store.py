"""What a limits store does: check and count every window of one send at once, or give back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol

from .rules import Check


class StoreUnavailable(Exception):
    """The store could not be reached or did not answer in time (never holds a password)."""


class Refusal(NamedTuple):
    """The first window a send does not fit in, and when it will."""

    position: int  # of the full window, in the checks
    retry_after_ms: int


class Store(Protocol):
    """A place where the windows of every worker are counted.

    ``hit`` checks every window and, only if all have room, counts the send in each under
    ``member`` (atomically: concurrent sends cannot both take the last place). ``now_ms`` is the
    limiter's clock, or None for the store's own. ``release`` removes ``member`` again.
    """

    name: str

    def hit(self, checks: Sequence[Check], member: str, now_ms: int | None) -> Refusal | None:
        """Count the send in every window, or say which one is full."""
        ...

    async def hit_async(
        self, checks: Sequence[Check], member: str, now_ms: int | None
    ) -> Refusal | None:
        """``hit`` without blocking the event loop."""
        ...

    def release(self, checks: Sequence[Check], member: str) -> None:
        """Forget a counted send (its message surely was not sent)."""
        ...

    async def release_async(self, checks: Sequence[Check], member: str) -> None:
        """``release`` without blocking the event loop."""
        ...

    def clear(self) -> None:
        """Forget every count of this connector."""
        ...
