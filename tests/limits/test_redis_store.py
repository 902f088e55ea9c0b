"""The Redis store on a real redis-server: keys, TTLs, one round trip, fail modes, clients."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
import redis
import redis.asyncio
from redis_server import free_port

from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode, limits
from logto_connector_aliyun_sms.limits import Limiter, rules_from
from logto_connector_aliyun_sms.limits.redis_store import RedisStore

SECRET = "s3cret-for-hashing"
ALL = {
    "accessKeyId": "LTAI5tTestKey",
    "accessKeySecret": SECRET,
    "minSendIntervalSeconds": 60,
    "maxMessagesPerNumberPerDay": 10,
    "maxMessagesPerIpPerHour": 10,
    "maxMessagesPerCountryPerHour": 100,
}
NUMBER, IP = "85268326366", "203.0.113.77"


def test_keys_hide_the_number_and_ip_and_all_expire(redis_url: str) -> None:
    Limiter(RedisStore(redis_url)).reserve(rules_from(ALL), NUMBER, 852, IP)
    client = redis.Redis.from_url(redis_url)
    keys = [key.decode() for key in client.keys("*")]
    assert len(keys) == 4
    for key in keys:
        assert key.startswith("aliyun-sms:lim1:{LTAI5tTestKey}:")
        assert NUMBER not in key
        assert "68326366" not in key
        assert IP not in key
        assert SECRET not in key
        assert 0 < client.pttl(key) <= 24 * 3_600_000
    assert any(key.endswith(":c:852") for key in keys)  # a calling code names no one


def test_the_hash_is_keyed_by_the_secret(redis_url: str) -> None:
    store = RedisStore(redis_url)
    Limiter(store).reserve(rules_from(ALL), NUMBER, 852)
    Limiter(store).reserve(rules_from(dict(ALL, accessKeySecret="another")), NUMBER, 852)
    client = redis.Redis.from_url(redis_url)
    assert len(client.keys("*:i:*")) == 2  # same number, different key: no rainbow table


def test_one_round_trip_per_send(redis_url: str) -> None:
    limiter = Limiter(RedisStore(redis_url))
    rules = rules_from(dict(ALL, maxMessagesPerIpPerHour=20))
    limiter.reserve(rules, "85268326300", 852, IP)  # loads the script (NOSCRIPT)
    client = redis.Redis.from_url(redis_url)
    client.config_resetstat()
    for n in range(1, 11):
        limiter.reserve(rules, f"852683263{n:02d}", 852, IP)
    stats = client.info("commandstats")
    calls = {name: value["calls"] for name, value in stats.items()}
    assert calls.pop("cmdstat_evalsha") == 10  # the only command sent, once per send
    inside_the_script = {"time", "zremrangebyscore", "zcard", "zrange", "zadd", "pexpire"}
    ours = {"config|resetstat", "info"}
    assert {name.removeprefix("cmdstat_") for name in calls} <= inside_the_script | ours


def test_noscript_fallback_after_a_script_flush(redis_url: str) -> None:
    limiter = Limiter(RedisStore(redis_url))
    rules = rules_from(ALL)
    limiter.reserve(rules, NUMBER, 852)
    redis.Redis.from_url(redis_url).script_flush()
    with pytest.raises(ConnectorError) as caught:
        limiter.reserve(rules, NUMBER, 852)
    assert caught.value.data["limit"] == "minSendIntervalSeconds"  # type: ignore[index]


def down_store(pause_s: float = 1.0) -> RedisStore:
    return RedisStore(f"redis://127.0.0.1:{free_port()}/0", pause_s=pause_s)


def test_fail_open_sends_and_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    limiter = Limiter(down_store())
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="logto_connector_aliyun_sms"):
        for _ in range(20):
            assert limiter.reserve(rules_from(ALL), NUMBER, 852) is None
    assert time.monotonic() - started < 1.0
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1
    assert "unavailable (RedisStore(redis://127.0.0.1:" in warnings[0]
    assert "ConnectionError: Error 111 connecting" in warnings[0]
    assert "limitsFailMode open" in warnings[0]


def test_fail_closed_refuses_with_a_clear_code() -> None:
    limiter = Limiter(down_store())
    for _ in range(3):
        with pytest.raises(ConnectorError) as caught:
            limiter.reserve(rules_from(dict(ALL, limitsFailMode="closed")), NUMBER, 852)
        assert caught.value.code is ConnectorErrorCode.GENERAL
        assert caught.value.data == {
            "message": "the SMS limits store cannot be reached and limitsFailMode is closed, "
            "so nothing was sent; try again shortly",
            "limit": "limitsFailMode",
            "retryable": True,
            "retryAfterMs": 1000,
        }


async def test_fail_modes_on_the_async_path() -> None:
    limiter = Limiter(down_store())
    assert await limiter.reserve_async(rules_from(ALL), NUMBER, 852) is None
    with pytest.raises(ConnectorError):
        await limiter.reserve_async(rules_from(dict(ALL, limitsFailMode="closed")), NUMBER, 852)


def test_a_url_never_shows_its_password() -> None:
    store = RedisStore("redis://user:pa55word@127.0.0.1:1/2")
    assert "pa55word" not in repr(store)
    with pytest.raises(limits.StoreUnavailable) as caught:
        store.hit(limits.checks_for(rules_from(ALL), NUMBER, 852, None), "m", None)
    assert "pa55word" not in str(caught.value)


def test_env_url_is_read_on_first_use(monkeypatch: pytest.MonkeyPatch, redis_url: str) -> None:
    limits.configure_limits()
    monkeypatch.setenv(limits.ENV_URL, redis_url)
    assert isinstance(limits.limiter().store, RedisStore)
    monkeypatch.setenv(limits.ENV_URL, "memory://")
    assert isinstance(limits.limiter().store, RedisStore)  # chosen once
    limits.configure_limits()
    assert isinstance(limits.limiter().store, limits.MemoryStore)


def test_a_bad_env_url_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    limits.configure_limits()
    monkeypatch.setenv(limits.ENV_URL, "memcached://127.0.0.1")
    with pytest.raises(ConnectorError) as caught:
        limits.limiter()
    assert caught.value.code is ConnectorErrorCode.GENERAL
    assert "ALIYUN_SMS_LIMITS_URL" in str(caught.value)


async def test_use_redis_with_both_kinds_of_client(redis_url: str, clock: Any) -> None:
    sync = redis.Redis.from_url(redis_url, socket_timeout=0.25)
    aio = redis.asyncio.Redis.from_url(redis_url, socket_timeout=0.25)
    limits.use_redis(sync)
    limits.use_redis(aio)
    limits.set_clock(clock)
    store = limits.limiter().store
    assert isinstance(store, RedisStore)
    assert store.client is sync
    assert store.async_client is aio
    rules = rules_from(ALL)
    await limits.limiter().reserve_async(rules, NUMBER, 852)
    with pytest.raises(ConnectorError):
        limits.limiter().reserve(rules, NUMBER, 852)  # counted in the same place
    limits.reset_limits(clock)
    assert sync.keys("*") == []
    assert limits.limiter().reserve(rules, NUMBER, 852) is not None
    await aio.aclose()
    with pytest.raises(TypeError):
        limits.use_redis("redis://127.0.0.1")


async def test_a_sync_client_alone_serves_the_async_path(redis_url: str) -> None:
    limits.use_redis(redis.Redis.from_url(redis_url))
    rules = rules_from(ALL)
    assert await limits.limiter().reserve_async(rules, NUMBER, 852) is not None
    with pytest.raises(ConnectorError):
        await limits.limiter().reserve_async(rules, NUMBER, 852)


async def test_an_async_client_alone_cannot_serve_the_sync_path(redis_url: str) -> None:
    limits.use_redis(redis.asyncio.Redis.from_url(redis_url))
    rules = rules_from(dict(ALL, limitsFailMode="closed"))
    assert await limits.limiter().reserve_async(rules, NUMBER, 852) is not None
    with pytest.raises(ConnectorError):
        limits.limiter().reserve(rules, "85268326300", 852)


def test_a_release_that_cannot_reach_redis_is_only_logged(
    caplog: pytest.LogCaptureFixture, redis_url: str
) -> None:
    store = RedisStore(redis_url)
    limiter = Limiter(store)
    reservation = limiter.reserve(rules_from(ALL), NUMBER, 852)
    store.url, dead = None, down_store()
    assert reservation is not None
    with caplog.at_level(logging.WARNING, logger="logto_connector_aliyun_sms"):
        limiter.release(reservation._replace(store=dead))
    assert "could not give back" in caplog.text


async def test_async_release_paths(redis_url: str, caplog: pytest.LogCaptureFixture) -> None:
    rules = rules_from(dict(ALL, maxMessagesPerCountryPerHour=0))
    stores = (
        RedisStore(redis_url),  # its own asyncio client
        RedisStore(client=redis.Redis.from_url(redis_url)),  # a sync client, in a thread
        RedisStore(async_client=redis.asyncio.Redis.from_url(redis_url)),  # the host's asyncio
    )
    for n, store in enumerate(stores):
        limiter, number = Limiter(store), f"8526832630{n}"
        reservation = await limiter.reserve_async(rules, number, 852)
        await limiter.release_async(reservation)
        assert await limiter.reserve_async(rules, number, 852) is not None
    with caplog.at_level(logging.WARNING, logger="logto_connector_aliyun_sms"):
        await Limiter(down_store()).release_async(reservation._replace(store=down_store()))
    assert "could not give back" in caplog.text


def test_timeouts_in_the_url_win() -> None:
    store = RedisStore("redis://127.0.0.1:1/0?socket_timeout=0.5")
    kwargs = store.client.connection_pool.connection_kwargs
    assert kwargs["socket_timeout"] == 0.5
    assert kwargs["socket_connect_timeout"] == 0.25


def test_reset_deletes_every_key_of_the_connector_and_no_other(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    client.set("someone-else", "1")
    limits.configure_limits(redis_url)
    rules = rules_from(dict(ALL, maxMessagesPerCountryPerHour=0))
    for n in range(400):  # 4 windows each: more keys than one UNLINK batch
        limits.limiter().reserve(rules, f"8526{n:07d}", 852, f"198.51.100.{n % 250}")
    assert client.dbsize() > 1000
    limits.reset_limits()
    assert client.keys("*") == [b"someone-else"]


def test_reset_on_a_redis_that_is_down_says_so() -> None:
    with pytest.raises(limits.StoreUnavailable):
        down_store().clear()
    with pytest.raises(limits.StoreUnavailable):
        RedisStore(async_client=redis.asyncio.Redis()).clear()
