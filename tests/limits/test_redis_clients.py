"""The Redis store's clients on a real redis-server: redis-py's blocking pools, script calls,
time limits, clients of every kind, event loops that end, bytes that are not text."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
import redis
import redis.asyncio
from redis_server import RedisServer

from logto_connector_aliyun_sms import limits
from logto_connector_aliyun_sms.limits import Limiter, checks_for, rules_from
from logto_connector_aliyun_sms.limits.redis_store import (
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_POOL_WAIT_S,
    RedisStore,
)
from logto_connector_aliyun_sms.limits.rules import Check

CONFIG = {
    "accessKeyId": "LTAI5tTestKey",
    "accessKeySecret": "s3cret-for-hashing",
    "minSendIntervalSeconds": 60,
    "maxMessagesPerCountryPerHour": 1000,
}


async def test_both_paths_use_bounded_blocking_pools(redis_url: str) -> None:
    store = RedisStore(redis_url)
    pool = store.client.connection_pool
    assert isinstance(pool, redis.BlockingConnectionPool)
    assert (pool.max_connections, pool.timeout) == (DEFAULT_MAX_CONNECTIONS, DEFAULT_POOL_WAIT_S)
    assert await Limiter(store).reserve_async(rules_from(CONFIG), "85268326300", 852)
    [side] = store._loops.values()
    async_pool = side.client.connection_pool
    assert isinstance(async_pool, redis.asyncio.BlockingConnectionPool)
    assert (async_pool.max_connections, async_pool.timeout) == (64, 1.0)
    sized = RedisStore(f"{redis_url}?max_connections=8&timeout=0.5&socket_timeout=0.4")
    assert (sized.client.connection_pool.max_connections, sized.client.connection_pool.timeout) == (
        8,
        0.5,
    )
    kwargs = sized.client.connection_pool.connection_kwargs
    assert (kwargs["socket_timeout"], kwargs["socket_connect_timeout"]) == (0.4, 0.25)


async def test_async_hits_are_one_evalsha_each(redis_url: str) -> None:
    limiter = Limiter(RedisStore(redis_url))
    rules = rules_from(CONFIG)
    await limiter.reserve_async(rules, "85268326300", 852)  # connects and loads the script
    client = redis.Redis.from_url(redis_url)
    client.config_resetstat()
    await asyncio.gather(
        *(limiter.reserve_async(rules, f"852683263{n:02d}", 852) for n in range(1, 41))
    )
    calls = {name: value["calls"] for name, value in client.info("commandstats").items()}
    assert calls["cmdstat_evalsha"] == 40
    assert "cmdstat_eval" not in calls
    assert client.info("clients")["connected_clients"] <= 1 + DEFAULT_MAX_CONNECTIONS


async def test_async_noscript_fallback_after_a_script_flush(redis_url: str) -> None:
    limiter = Limiter(RedisStore(redis_url))
    rules = rules_from(CONFIG)
    assert await limiter.reserve_async(rules, "85268326366", 852) is not None
    redis.Redis.from_url(redis_url).script_flush()
    again = await asyncio.gather(  # one batch: every hit of it sent again with the script
        *(limiter.reserve_async(rules, f"852683264{n:02d}", 852) for n in range(20))
    )
    assert all(reservation is not None for reservation in again)
    with pytest.raises(Exception, match="minSendIntervalSeconds"):
        await limiter.reserve_async(rules, "85268326400", 852)
    assert await limiter.reserve_async(rules, "85268326377", 852) is not None  # EVALSHA again


async def test_a_hit_waits_as_long_as_the_clients_socket_timeout(own_redis: RedisServer) -> None:
    rules = rules_from(CONFIG)
    url_store = RedisStore(own_redis.url + "?socket_timeout=0.6")
    quick_host = redis.asyncio.Redis.from_url(own_redis.url, socket_timeout=0.1)
    slow_host = redis.asyncio.Redis.from_url(own_redis.url, socket_timeout=30)
    stores = [url_store, RedisStore(async_client=quick_host), RedisStore(async_client=slow_host)]
    for n, store in enumerate(stores):  # connected before Redis stops answering
        await Limiter(store).reserve_async(rules, f"8526832630{n}", 852)
    own_redis.freeze()
    try:
        took = []
        for store in stores:
            started = time.monotonic()
            with pytest.raises(limits.StoreUnavailable) as caught:
                await store.hit_async(checks_for(rules, "85268326311", 852, None), "m", None)
            took.append(time.monotonic() - started)
    finally:
        own_redis.thaw()
    assert 0.6 <= took[0] < 1.0  # the URL's socket_timeout
    assert 0.1 <= took[1] < 0.25  # the host's own, shorter than the store's
    assert 0.5 <= took[2] < 0.9  # the host's is long: twice the store's 0.25 s
    assert "no answer within 0.5 s" in str(caught.value)


@pytest.mark.parametrize("options", [{"decode_responses": True}, {"protocol": 3}, {"db": 3}])
async def test_a_host_client_of_any_kind_counts_in_its_own_database(
    redis_url: str, options: dict[str, Any]
) -> None:
    host = redis.asyncio.Redis.from_url(redis_url, **options)
    limiter = Limiter(RedisStore(async_client=host))
    rules = rules_from(CONFIG)
    assert await limiter.reserve_async(rules, "85268326366", 852) is not None
    with pytest.raises(Exception, match="minSendIntervalSeconds"):
        await limiter.reserve_async(rules, "85268326366", 852)
    keys = await host.keys("aliyun-sms:*")
    await host.aclose()  # the host's client: the host closes it
    assert len(keys) == 2  # the interval and the country windows, in the client's database


def named_connections(admin: redis.Redis, name: str, expected: int) -> int:
    """How many connections carry ``name``, once that settles on ``expected`` (3 s at most)."""
    deadline = time.monotonic() + 3
    while True:
        count = sum(1 for client in admin.client_list() if client["name"] == name)
        if count == expected or time.monotonic() > deadline:
            return count
        time.sleep(0.05)


@pytest.mark.parametrize("whose", ["built from the URL", "the host's"])
def test_each_event_loop_closes_its_connections_when_it_ends(redis_url: str, whose: str) -> None:
    admin = redis.Redis.from_url(redis_url)
    name = f"limits-{whose[:3]}"
    url = f"{redis_url}?client_name={name}"
    host = None if whose == "built from the URL" else redis.asyncio.Redis.from_url(url)
    store = RedisStore(url if host is None else None, async_client=host)
    rules = rules_from(CONFIG)

    async def one_send(n: int) -> None:
        assert await Limiter(store).reserve_async(rules, f"8526832640{n}", 852) is not None
        assert named_connections(admin, name, 1) == 1  # this loop's, while it runs
        if host is not None:
            await host.aclose()  # the host closes its own client

    for n in range(4):  # four event loops, one after the other, as four asyncio.run calls
        asyncio.run(one_send(n))
    assert named_connections(admin, name, 0) == 0


@pytest.mark.parametrize("path", ["sync", "async"])
async def test_keys_and_members_of_any_bytes_reach_redis_as_they_are(
    redis_url: str, path: str
) -> None:
    """redis-py encodes every argument: CRLF, NUL, spaces and non-ASCII cannot break a command."""
    store = RedisStore(redis_url)
    hostile = "aliyun-sms:lim1:{a\r\n*1\r\n$8\r\nFLUSHALL\r\n}:i:\x00 é中"
    checks = [Check("minSendIntervalSeconds", hostile, 60_000, 1)]
    member = "m\r\n-ERR\x00 ü"
    if path == "sync":
        assert store.hit(checks, member, None) is None
        assert store.hit(checks, "other", None) is not None
    else:
        assert await store.hit_async(checks, member, None) is None
        assert await store.hit_async(checks, "other", None) is not None
    admin = redis.Redis.from_url(redis_url)
    assert admin.keys("*") == [hostile.encode()]
    assert admin.zrange(hostile, 0, -1) == [member.encode()]
    if path == "sync":
        store.release(checks, member)
    else:
        await store.release_async(checks, member)
    assert admin.zcard(hostile) == 0
