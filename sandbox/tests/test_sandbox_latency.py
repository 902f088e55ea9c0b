"""The latency model's hold: exact while few answers are held, no busy wait under load."""

from __future__ import annotations

import asyncio
import time

from aliyun_sms_sandbox.latency import SPIN_WHILE_HELD, Delay


def test_a_single_hold_ends_on_its_deadline_to_the_fraction_of_a_millisecond() -> None:
    delay = Delay()

    async def one() -> float:
        started = time.perf_counter()
        await delay.hold(started, 7.0)
        return (time.perf_counter() - started) * 1000

    lateness = [asyncio.run(one()) - 7.0 for _ in range(5)]
    assert all(late >= 0 for late in lateness)
    assert min(lateness) < 0.5  # the spin finishes the last millisecond, not the 1 ms timer
    assert delay.held == 0


def test_many_holds_at_once_end_on_time_without_spinning_a_core() -> None:
    delay = Delay()
    count = 160
    waits = [20.0 + 0.5 * i for i in range(count)]  # some answer is always in its last ms

    async def many() -> tuple[float, float]:
        started = time.perf_counter()
        cpu = time.process_time()
        await asyncio.gather(*(delay.hold(started, wait) for wait in waits))
        return time.perf_counter() - started, time.process_time() - cpu

    wall, cpu = asyncio.run(many())
    assert max(waits) <= wall * 1000 < max(waits) + 50
    assert cpu < wall * 0.3, f"the holds used {cpu:.3f} s of CPU in {wall:.3f} s"
    assert delay.held == 0
    assert count > SPIN_WHILE_HELD


def test_a_cancelled_hold_is_no_longer_counted() -> None:
    delay = Delay()

    async def cancelled() -> None:
        task = asyncio.ensure_future(delay.hold(time.perf_counter(), 1000))
        await asyncio.sleep(0.01)
        assert delay.held == 1
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(cancelled())
    assert delay.held == 0
