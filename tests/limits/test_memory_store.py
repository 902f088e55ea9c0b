"""The in-process store's own promises: bounded memory, order kept when the clock goes back."""

from __future__ import annotations

import threading
import tracemalloc

import pytest

from logto_connector_aliyun_sms import ConnectorError
from logto_connector_aliyun_sms.limits import Limiter, MemoryStore, rules_from
from logto_connector_aliyun_sms.limits.rules import Check

RULES = rules_from({"accessKeyId": "id", "accessKeySecret": "s", "minSendIntervalSeconds": 60})


def test_memory_is_bounded_least_recently_used_first() -> None:
    store = MemoryStore(max_entries=100)
    limiter = Limiter(store, clock=lambda: 1000.0)
    for n in range(1000):
        limiter.reserve(RULES, f"8526{n:07d}", 852)
        assert len(store) <= 100  # a full store forgets its oldest 1/16 at once
    assert len(store) > 90
    assert limiter.reserve(RULES, "85260000000", 852) is not None  # long forgotten
    with pytest.raises(ConnectorError):  # recent: still counted
        limiter.reserve(RULES, "85260000999", 852)


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


ALL_ON = {
    "accessKeyId": "LTAI5tTestKey",
    "accessKeySecret": "s",
    "minSendIntervalSeconds": 60,
    "maxMessagesPerNumberPerDay": 10,
    "maxMessagesPerIpPerHour": 1_000_000,
    "maxMessagesPerCountryPerHour": 1_000_000,
}


@pytest.mark.parametrize("own_ip", [False, True], ids=["shared IPs", "an IP per number"])
def test_a_tracked_number_costs_at_most_400_bytes(own_ip: bool) -> None:
    """30,000 numbers, all four limits on, a day after the store's first send."""
    clock = [1_700_000_000.0]
    store = MemoryStore()
    limiter = Limiter(store, clock=lambda: clock[0])
    rules = rules_from(ALL_ON)
    limiter.reserve(rules, "85200000000", 852, "192.0.2.1")
    clock[0] += 86_400
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(30_000):
            ip = f"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}" if own_ip else f"192.0.2.{n % 200}"
            limiter.reserve(rules, f"8526{n:07d}", 852, ip)
            clock[0] += 0.001
        per_number = (tracemalloc.get_traced_memory()[0] - before) / 30_000
    finally:
        tracemalloc.stop()
    assert len(store) == 4 + 30_000 * 4
    assert per_number <= 400, per_number


def test_release_takes_back_one_send_of_a_full_window() -> None:
    store = MemoryStore()
    check = Check("maxMessagesPerCountryPerHour", "k", 3_600_000, 3)
    for n, member in enumerate(("a", "b", "c")):
        assert store.hit([check], member, 1_000 + n) is None
    assert store.hit([check], "d", 2_000) is not None
    store.release([check], "b")
    assert len(store) == 2
    assert store.hit([check], "d", 2_000) is None
    store.release([check], "a")
    store.release([check], "c")
    store.release([check], "d")
    assert len(store) == 0
    assert store.hit([check], "e", 2_000) is None


def test_a_redis_url_without_the_redis_package_says_what_works_from_a_clone() -> None:
    """The hint gives the README's command (`pip install '.[redis]'`), not the index form that
    fails while the connector is on no index."""
    import subprocess
    import sys

    script = (
        "import sys; sys.modules['redis'] = None\n"
        "from logto_connector_aliyun_sms.limits import store_from_url\n"
        "from logto_connector_aliyun_sms import ConnectorError\n"
        "try:\n"
        "    store_from_url('redis://127.0.0.1:1/0')\n"
        "except ConnectorError as error:\n"
        "    print(error.data['message'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert "pip install '.[redis]'" in done.stdout
    assert "logto-connector-aliyun-sms[redis]" not in done.stdout
