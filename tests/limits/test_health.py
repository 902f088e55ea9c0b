"""The store's health and the sync path's gate: one probe at a time, a bounded wait, a pause."""

from __future__ import annotations

import threading
import time

import pytest
import redis

from logto_connector_aliyun_sms.limits.health import (
    Health,
    StoreBusy,
    ThreadGate,
    describe,
)
from logto_connector_aliyun_sms.limits.store import StoreUnavailable


def test_while_unknown_one_call_probes_and_the_others_wait_for_it() -> None:
    health = Health("store", pause_s=60)
    gate = ThreadGate(health, capacity=8, wait_s=0.05)
    assert gate.enter() is True  # the probe
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="no answer to the first call yet"):
        gate.enter()
    assert 0.05 <= time.monotonic() - started < 0.5
    health.succeeded()
    gate.leave(probe=True)
    assert gate.enter() is False  # up: no probe, no wait
    gate.leave(probe=False)


def test_a_full_gate_waits_then_says_busy_without_pausing() -> None:
    health = Health("store", pause_s=60)
    health.succeeded()
    gate = ThreadGate(health, capacity=1, wait_s=0.05)
    gate.enter()
    with pytest.raises(StoreBusy, match=r"no free connection within 0\.05 s"):
        gate.enter()
    health.check()  # not paused
    gate.leave(probe=False)
    gate.enter()
    gate.leave(probe=False)


def test_a_failure_wakes_every_waiter_at_once() -> None:
    health = Health("store", pause_s=60)
    health.succeeded()
    gate = ThreadGate(health, capacity=1, wait_s=5)
    gate.enter()
    outcomes: list[tuple[str, float]] = []

    def wait() -> None:
        started = time.monotonic()
        try:
            gate.enter()
            outcomes.append(("admitted", 0.0))
        except StoreUnavailable as error:
            outcomes.append((type(error).__name__, time.monotonic() - started))

    waiters = [threading.Thread(target=wait) for _ in range(10)]
    for waiter in waiters:
        waiter.start()
    time.sleep(0.2)
    health.failed("TimeoutError: no answer")
    gate.leave(probe=False)
    for waiter in waiters:
        waiter.join()
    assert [name for name, _ in outcomes] == ["StoreUnavailable"] * 10
    assert max(took for _, took in outcomes) < 2  # woken by the failure, not after 5 s
    with pytest.raises(StoreUnavailable, match=r"failed less than 60 s ago \(TimeoutError"):
        health.check()
    health.reset()
    health.check()


def test_describe_names_the_type_and_masks_secrets() -> None:
    error = redis.AuthenticationError("invalid password hunter2")
    assert describe(error, ("hunter2",)) == (
        "AuthenticationError: authentication failed: invalid password ***"
    )
    assert describe(TimeoutError()) == "TimeoutError: no reason given"
