"""one_path: one async body serving a sync entry point, with no event loop."""

from __future__ import annotations

import asyncio

import pytest

from logto_connector_aliyun_sms.delivery.one_path import never_waits, run_now


async def _twice(step: object) -> list[int]:
    assert callable(step)
    return [await step(1), await step(2)]


def test_a_body_of_never_waiting_steps_runs_to_its_result() -> None:
    seen: list[int] = []

    def step(n: int) -> int:
        seen.append(n)
        return n * 10

    assert run_now(_twice(never_waits(step))) == [10, 20]
    assert seen == [1, 2]


def test_what_a_step_raises_reaches_the_caller() -> None:
    def step(n: int) -> int:
        raise KeyError(n)

    with pytest.raises(KeyError):
        run_now(_twice(never_waits(step)))


def test_a_body_that_waits_is_refused_and_closed() -> None:
    finished: list[bool] = []

    async def waits() -> None:
        try:
            await asyncio.sleep(0)
        finally:
            finished.append(True)

    with pytest.raises(RuntimeError, match="waited"):
        run_now(waits())
    assert finished == [True]
