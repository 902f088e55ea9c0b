"""Whether a shared store is worth asking: paused after a failure, one probe while unknown.

``Health`` is the state every path of a store shares: up (the last call worked), unknown (no
call yet, or the pause after a failure is over) or paused. While unknown, one call goes ahead
(the probe: it may have to connect) and the others wait for its outcome, so a burst against a
Redis that hangs costs one connect attempt and one timeout, not one each. ``ThreadGate`` admits
the sync path's calls: at most ``capacity`` at once (the size of the connection pool), the
others wait at most ``wait_s``, and a failure wakes every waiter to fail at once.
"""

from __future__ import annotations

import threading
import time

from .store import StoreUnavailable


class StoreBusy(StoreUnavailable):
    """No free connection within the bounded wait: this call only; the store is not paused."""


def describe(error: BaseException, secrets: tuple[str, ...] = ()) -> str:
    """``Type: reason`` of a failure, with every secret in ``secrets`` masked."""
    text = str(error).strip() or "no reason given"
    if type(error).__name__ == "AuthenticationError":
        text = f"authentication failed: {text}"
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return f"{type(error).__name__}: {text}"


class Health:
    """Up, unknown or paused; shared by the sync path and every event loop of one store."""

    def __init__(self, label: str, pause_s: float) -> None:
        self.label = label
        self.pause_s = pause_s
        self.up = False
        self.reason = ""
        self.failures = 0  # how many times the store failed (a waiter compares before/after)
        self._down_until = 0.0

    def check(self) -> None:
        """Raise while paused after a failure."""
        if time.monotonic() < self._down_until:
            raise StoreUnavailable(
                f"{self.label} failed less than {self.pause_s} s ago ({self.reason})"
            )

    def succeeded(self) -> None:
        self.up = True

    def failed(self, reason: str) -> StoreUnavailable:
        """Pause the store for ``pause_s``; the error to raise."""
        self.up = False
        self.reason = reason
        self.failures += 1
        self._down_until = time.monotonic() + self.pause_s
        return StoreUnavailable(f"{self.label}: {reason}")

    def reset(self) -> None:
        """Forget a failure: the next call probes at once."""
        self._down_until = 0.0


class ThreadGate:
    """Admission of the sync path's calls: ``capacity`` at once, a bounded wait for the rest."""

    def __init__(self, health: Health, capacity: int, wait_s: float) -> None:
        self.health = health
        self.capacity = capacity
        self.wait_s = wait_s
        self._busy = 0
        self._probing = False
        self._changed = threading.Condition(threading.Lock())

    def enter(self) -> bool:
        """Wait for a place (and for a probe under way); True: this call is the probe."""
        health = self.health
        deadline = 0.0
        with self._changed:
            while True:
                health.check()
                if self._busy < self.capacity and (health.up or not self._probing):
                    self._busy += 1
                    probe = not health.up
                    self._probing = self._probing or probe
                    return probe
                now = time.monotonic()
                deadline = deadline or now + self.wait_s
                if now >= deadline:
                    if self._probing:
                        raise StoreUnavailable(f"{health.label}: no answer to the first call yet")
                    raise StoreBusy(
                        f"{health.label}: no free connection within {self.wait_s} s "
                        f"({self.capacity} in use)"
                    )
                self._changed.wait(deadline - now)

    def leave(self, probe: bool) -> None:
        """A call is over (its outcome already told to ``health``): wake who may go now."""
        with self._changed:
            self._busy -= 1
            if probe:
                self._probing = False
            if probe or not self.health.up:
                self._changed.notify_all()
            else:
                self._changed.notify()
