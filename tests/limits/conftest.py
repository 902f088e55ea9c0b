"""Fixtures of the limits tests: a real redis-server for the session, stores, a test clock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from redis_server import RedisServer, redis_server_path_or_skip

from logto_connector_aliyun_sms import limits


@pytest.fixture(scope="session")
def redis_executable() -> str:
    """Path of redis-server; skipped when missing, unless CI requires it."""
    return redis_server_path_or_skip()


@pytest.fixture(scope="session")
def redis_server(redis_executable: str) -> Iterator[RedisServer]:
    """One redis-server for the session."""
    with RedisServer(redis_executable) as server:
        yield server


@pytest.fixture
def own_redis(redis_executable: str) -> Iterator[RedisServer]:
    """A redis-server of this test's own, to stop, freeze and start again."""
    with RedisServer(redis_executable) as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session server's URL, emptied for this test."""
    import redis

    with redis.Redis.from_url(redis_server.url) as client:
        client.flushall()
    return redis_server.url


@pytest.fixture(autouse=True)
def _default_limits() -> Iterator[None]:
    """Every test starts and ends with the default store (memory) and the real clock."""
    limits.configure_limits("memory://")
    yield
    limits.configure_limits()
    limits.set_clock(None)


class TestClock:
    """Seconds that move only when a test says so."""

    __test__ = False

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> TestClock:
    """A clock the test moves by hand."""
    return TestClock()


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> Any:
    """Each store in turn: the same tests, the same answers."""
    if request.param == "memory":
        return limits.MemoryStore()
    from logto_connector_aliyun_sms.limits.redis_store import RedisStore

    return RedisStore(request.getfixturevalue("redis_url"))
