"""The in-process store's own promises: bounded memory, order kept when the clock goes back."""

from __future__ import annotations

import threading

from logto_connector_aliyun_sms import ConnectorError
from logto_connector_aliyun_sms.limits import Limiter, MemoryStore, rules_from
from logto_connector_aliyun_sms.limits.rules import Check

RULES = rules_from({"accessKeyId": "id", "accessKeySecret": "s", "minSendIntervalSeconds": 60})


def test_memory_is_bounded_least_recently_used_first() -> None:
    store = MemoryStore(max_entries=100)
    limiter = Limiter(store, clock=lambda: 1000.0)
    for n in range(1000):
        limiter.reserve(RULES, f"8526{n:07d}", 852)
    assert len(store) == 100
    assert limiter.reserve(RULES, "85260000000", 852) is not None  # long forgotten
    assert len(store) == 100


def test_a_clock_moved_back_keeps_each_window_in_order() -> None:
    store = MemoryStore()
    check = Check("maxMessagesPerCountryPerHour", "k", 3_600_000, 3)
    for now in (5_000_000, 4_000_000, 4_500_000):
        assert store.hit([check], f"m{now}", now) is None
    refusal = store.hit([check], "late", 5_000_000)
    assert refusal is not None
    assert refusal.retry_after_ms == 4_000_000 + 3_600_000 - 5_000_000  # the oldest leaves first
    assert store.hit([check], "later", 7_600_001) is None  # 4_000_000 has left the window


def test_release_of_what_is_not_there_is_harmless() -> None:
    store = MemoryStore()
    check = Check("minSendIntervalSeconds", "k", 60_000, 1)
    store.release([check], "nobody")
    store.hit([check], "a", 0)
    store.release([check], "nobody")
    assert len(store) == 1
    store.release([check], "a")
    assert len(store) == 0


def test_concurrent_threads_never_overshoot() -> None:
    limiter = Limiter(MemoryStore())
    rules = rules_from(
        {"accessKeyId": "i", "accessKeySecret": "s", "maxMessagesPerCountryPerHour": 7}
    )
    granted: list[object] = []
    refused: list[str] = []
    barrier = threading.Barrier(16)

    def send(n: int) -> None:
        barrier.wait()
        for i in range(10):
            try:
                granted.append(limiter.reserve(rules, f"852{n:02d}{i:06d}", 852))
            except ConnectorError as error:
                refused.append(str(error.code))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) == 7
    assert refused == ["rate_limit_exceeded"] * (160 - 7)
