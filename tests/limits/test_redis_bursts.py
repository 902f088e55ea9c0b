"""The shield under a burst, on a real redis-server: a slow link, more sends than connections,
Redis frozen or restarted in the middle, a wrong password. Each once broke the limits."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest
import redis
from redis_server import RedisServer
from tcp_proxy import DelayProxy

from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode
from logto_connector_aliyun_sms.limits import Limiter, Rules, rules_from
from logto_connector_aliyun_sms.limits.redis_store import DEFAULT_TIMEOUT_S, RedisStore

pytestmark = pytest.mark.slow

CONFIG = {
    "accessKeyId": "LTAI5tTestKey",
    "accessKeySecret": "s3cret-for-hashing",
    "minSendIntervalSeconds": 60,
    "maxMessagesPerCountryPerHour": 100_000,
}
MARGIN_S = 0.5  # a 2-core machine shared with other work, coverage on: the loop's own turns
BOUND_S = DEFAULT_TIMEOUT_S + MARGIN_S


def rules(mode: str) -> Rules:
    return rules_from(dict(CONFIG, limitsFailMode=mode))


def number(n: int) -> str:
    return f"8526{n:07d}"


async def outcome_async(limiter: Limiter, rules: Rules, to: str) -> tuple[str, float]:
    """What one async check did (counted, unlimited, refused: which limit) and how long."""
    started = time.monotonic()
    try:
        reservation = await limiter.reserve_async(rules, to, 852)
        outcome = "counted" if reservation is not None else "unlimited"
    except ConnectorError as error:
        outcome = str((error.data or {}).get("limit"))
    return outcome, time.monotonic() - started


def outcome_sync(limiter: Limiter, rules: Rules, to: str) -> tuple[str, float]:
    started = time.monotonic()
    try:
        outcome = "counted" if limiter.reserve(rules, to, 852) is not None else "unlimited"
    except ConnectorError as error:
        outcome = str((error.data or {}).get("limit"))
    return outcome, time.monotonic() - started


def interval_keys(url: str) -> int:
    with redis.Redis.from_url(url) as client:
        return len(client.keys("aliyun-sms:*:i:*"))


@pytest.fixture
def slow_link(redis_server: RedisServer, redis_url: str) -> Iterator[DelayProxy]:
    """The session's Redis, 5 ms away each way."""
    with DelayProxy(redis_server.port, 0.005) as proxy:
        yield proxy


@pytest.mark.parametrize("mode", ["open", "closed"])
async def test_a_steady_burst_over_a_slow_link_is_counted_in_full(
    slow_link: DelayProxy, redis_url: str, mode: str
) -> None:
    """150 async sends a second on one loop, Redis healthy but 5 ms away: every one counted.

    (A 1 s timeout: the proxy shares this process, and a loaded machine must not fail it.)"""
    limiter = Limiter(RedisStore(slow_link.url() + "?socket_timeout=1&socket_connect_timeout=1"))
    tasks = []
    for n in range(565):
        tasks.append(asyncio.ensure_future(outcome_async(limiter, rules(mode), number(n))))
        await asyncio.sleep(1 / 150)
    outcomes = Counter(outcome for outcome, _ in await asyncio.gather(*tasks))
    assert outcomes == {"counted": 565}, outcomes
    assert interval_keys(redis_url) == 565


@pytest.mark.parametrize("mode", ["open", "closed"])
def test_240_threads_more_than_the_pool_each_number_once(redis_url: str, mode: str) -> None:
    """120 numbers asked twice at once by 240 threads: each number gets exactly one message."""
    limiter = Limiter(RedisStore(redis_url))
    barrier = threading.Barrier(240)
    outcomes: list[tuple[str, str]] = []

    def send(to: str) -> None:
        barrier.wait()
        outcomes.append((to, outcome_sync(limiter, rules(mode), to)[0]))

    threads = [threading.Thread(target=send, args=(number(n % 120),)) for n in range(240)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counted = Counter(to for to, outcome in outcomes if outcome == "counted")
    assert counted == {number(n): 1 for n in range(120)}
    assert Counter(outcome for _, outcome in outcomes) == {
        "counted": 120,
        "minSendIntervalSeconds": 120,
    }


@pytest.mark.parametrize("mode", ["open", "closed"])
async def test_240_tasks_on_one_loop_each_number_once(redis_url: str, mode: str) -> None:
    limiter = Limiter(RedisStore(redis_url))
    tos = [number(n % 120) for n in range(240)]
    outcomes = await asyncio.gather(*(outcome_async(limiter, rules(mode), to) for to in tos))
    counted = Counter(
        to for to, (outcome, _) in zip(tos, outcomes, strict=True) if outcome == "counted"
    )
    assert counted == {number(n): 1 for n in range(120)}
    assert Counter(outcome for outcome, _ in outcomes) == {
        "counted": 120,
        "minSendIntervalSeconds": 120,
    }


def test_a_pool_wait_that_runs_out_is_not_an_outage(redis_url: str) -> None:
    """No free connection in time: that one send follows its fail mode; the store stays up."""
    store = RedisStore(f"{redis_url}?max_connections=1&timeout=0.05")
    limiter = Limiter(store)
    held = store.client.connection_pool.get_connection()  # the pool's only connection
    try:
        assert outcome_sync(limiter, rules("closed"), number(1))[0] == "limitsFailMode"
        assert outcome_sync(limiter, rules("open"), number(2))[0] == "unlimited"
    finally:
        store.client.connection_pool.release(held)
    assert outcome_sync(limiter, rules("closed"), number(3))[0] == "counted"  # no pause


async def test_a_pool_wait_that_runs_out_is_not_an_outage_async(redis_url: str) -> None:
    store = RedisStore(f"{redis_url}?max_connections=1&timeout=0.05")
    limiter = Limiter(store)
    assert (await outcome_async(limiter, rules("closed"), number(1)))[0] == "counted"
    [side] = store._loops.values()
    pool = side.client.connection_pool
    held = await pool.get_connection()  # the pool's only connection
    try:
        assert (await outcome_async(limiter, rules("closed"), number(2)))[0] == "limitsFailMode"
        assert (await outcome_async(limiter, rules("open"), number(3)))[0] == "unlimited"
    finally:
        await pool.release(held)
    assert (await outcome_async(limiter, rules("closed"), number(4)))[0] == "counted"  # no pause


@pytest.mark.parametrize("mode", ["open", "closed"])
async def test_a_frozen_redis_costs_a_burst_one_connect_and_one_timeout(
    own_redis: RedisServer, mode: str
) -> None:
    """Redis hangs before the first send: 40 async sends share one connect attempt, each one
    is over within the timeout, and once Redis runs again the limits are back."""
    with DelayProxy(own_redis.port, 0) as proxy:
        limiter = Limiter(RedisStore(proxy.url()))
        own_redis.freeze()
        try:
            outcomes = await asyncio.gather(
                *(outcome_async(limiter, rules(mode), number(n)) for n in range(40))
            )
            connects = proxy.connections
        finally:
            own_redis.thaw()
        expected = "unlimited" if mode == "open" else "limitsFailMode"
        assert Counter(outcome for outcome, _ in outcomes) == {expected: 40}
        assert max(took for _, took in outcomes) < BOUND_S, outcomes
        assert connects == 1
        deadline = time.monotonic() + 5
        while (await outcome_async(limiter, rules(mode), number(100)))[0] != "counted":
            assert time.monotonic() < deadline, "the limits did not come back"
            await asyncio.sleep(0.1)
        assert (await outcome_async(limiter, rules(mode), number(100)))[0] == (
            "minSendIntervalSeconds"
        )


def test_a_frozen_redis_costs_threads_one_connect_and_one_timeout(own_redis: RedisServer) -> None:
    with DelayProxy(own_redis.port, 0) as proxy:
        limiter = Limiter(RedisStore(proxy.url()))
        own_redis.freeze()
        outcomes: list[tuple[str, float]] = []
        try:
            barrier = threading.Barrier(40)

            def send(n: int) -> None:
                barrier.wait()
                outcomes.append(outcome_sync(limiter, rules("closed"), number(n)))

            threads = [threading.Thread(target=send, args=(n,)) for n in range(40)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            connects = proxy.connections
        finally:
            own_redis.thaw()
    assert Counter(outcome for outcome, _ in outcomes) == {"limitsFailMode": 40}
    assert max(took for _, took in outcomes) < BOUND_S, outcomes
    assert connects == 1


async def test_redis_freezing_under_a_connected_burst_bounds_every_send(
    own_redis: RedisServer,
) -> None:
    limiter = Limiter(RedisStore(own_redis.url))
    warm = await asyncio.gather(
        *(outcome_async(limiter, rules("open"), number(n)) for n in range(64))
    )
    assert {outcome for outcome, _ in warm} == {"counted"}  # connections in the pool
    own_redis.freeze()
    try:
        outcomes = await asyncio.gather(
            *(outcome_async(limiter, rules("closed"), number(n)) for n in range(100, 300))
        )
    finally:
        own_redis.thaw()
    assert {outcome for outcome, _ in outcomes} == {"limitsFailMode"}
    assert max(took for _, took in outcomes) < BOUND_S


def test_redis_freezing_under_threads_bounds_every_send(own_redis: RedisServer) -> None:
    limiter = Limiter(RedisStore(own_redis.url))
    assert outcome_sync(limiter, rules("open"), number(0))[0] == "counted"
    own_redis.freeze()
    outcomes: list[tuple[str, float]] = []
    try:
        barrier = threading.Barrier(100)

        def send(n: int) -> None:
            barrier.wait()
            outcomes.append(outcome_sync(limiter, rules("closed"), number(n)))

        threads = [threading.Thread(target=send, args=(n,)) for n in range(1, 101)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        own_redis.thaw()
    assert {outcome for outcome, _ in outcomes} == {"limitsFailMode"}
    assert max(took for _, took in outcomes) < BOUND_S, sorted(took for _, took in outcomes)


async def test_a_restart_in_the_middle_of_a_burst(own_redis: RedisServer) -> None:
    """Sends at 150 a second while Redis stops and starts: none waits long, none is lost to
    the store once it is back."""
    limiter = Limiter(RedisStore(own_redis.url))
    tasks = []
    for n in range(450):
        if n == 150:
            await asyncio.to_thread(own_redis.stop)
        if n == 200:
            await asyncio.to_thread(own_redis.start)
        tasks.append(asyncio.ensure_future(outcome_async(limiter, rules("closed"), number(n))))
        await asyncio.sleep(1 / 150)
    outcomes = await asyncio.gather(*tasks)
    assert max(took for _, took in outcomes) < BOUND_S
    assert {outcome for outcome, _ in outcomes[:150]} == {"counted"}
    assert {outcome for outcome, _ in outcomes[-100:]} == {"counted"}  # back within a pause
    assert interval_keys(own_redis.url) == Counter(o for o, _ in outcomes)["counted"] - 150


@pytest.mark.parametrize("path", ["sync", "async"])
async def test_closed_mode_logs_why_the_store_failed_never_the_password(
    redis_executable: str, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    wrong = "not-the-pa55word-7Q"
    with RedisServer(redis_executable, password="the-right-one") as server:
        store = RedisStore(f"redis://:{wrong}@127.0.0.1:{server.port}/0")
        limiter = Limiter(store)
        with caplog.at_level(logging.WARNING, logger="logto_connector_aliyun_sms"):
            try:
                if path == "sync":
                    limiter.reserve(rules("closed"), number(1), 852)
                else:
                    await limiter.reserve_async(rules("closed"), number(1), 852)
            except ConnectorError as error:
                refused = error
            else:
                raise AssertionError("closed mode sent without its store")
    assert refused.code is ConnectorErrorCode.GENERAL
    [line] = [r.getMessage() for r in caplog.records]
    assert "AuthenticationError" in line
    assert "authentication failed" in line
    assert "limitsFailMode closed" in line
    shown = [line, repr(store), repr(limiter), str(refused), repr(refused.data)]
    shown += [str(r.args) for r in caplog.records]
    assert not [text for text in shown if wrong in text]
