"""The modelled link's delay: an answer is held until ``wait_ms`` after its request arrived."""

from __future__ import annotations

import asyncio
import time

SPIN_WHILE_HELD = 4
"""Up to this many answers held at once, the last millisecond of each is busy-waited."""


class Delay:
    """Holds answers of one server. Exact to a few microseconds while few are held at once.

    Counted from arrival, so the sandbox's own work falls inside the modelled delay instead of
    adding to it. The event loop's timers round up to whole milliseconds, so while at most
    ``SPIN_WHILE_HELD`` answers are held the last millisecond is awaited in zero-length steps
    (latency measurements send one request at a time). While more are held, that busy wait
    would take a whole core from the client under test, so the timer alone ends the wait
    (up to 1 ms late): throughput measurements then measure the client, not the sandbox.
    """

    def __init__(self) -> None:
        self.held = 0

    async def hold(self, started: float, wait_ms: float) -> None:
        """Return ``wait_ms`` after ``started`` (``time.perf_counter()`` at arrival)."""
        deadline = started + wait_ms / 1000
        self.held += 1  # one event loop runs a server: no lock needed
        try:
            remaining = deadline - time.perf_counter()
            if self.held > SPIN_WHILE_HELD:
                if remaining > 0:
                    await asyncio.sleep(remaining)
                return
            if remaining > 0.001:
                await asyncio.sleep(remaining - 0.001)
            while time.perf_counter() < deadline:
                await asyncio.sleep(0)
        finally:
            self.held -= 1
