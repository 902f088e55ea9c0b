"""CommandPipe on a real redis-server: own replies, error replies, deadlines, reconnects."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import redis
import redis.asyncio
from redis_server import RedisServer

from logto_connector_aliyun_sms import limits
from logto_connector_aliyun_sms.limits import Limiter, checks_for, rules_from
from logto_connector_aliyun_sms.limits.redis_pipe import CommandPipe, pack
from logto_connector_aliyun_sms.limits.redis_store import RedisStore

CONFIG = {
    "accessKeyId": "LTAI5tTestKey",
    "accessKeySecret": "s3cret-for-hashing",
    "minSendIntervalSeconds": 60,
    "maxMessagesPerCountryPerHour": 1000,
}


PipeFor = Callable[..., CommandPipe]


@pytest.fixture
async def pipe_for() -> AsyncIterator[PipeFor]:
    """Pipes to a URL (``timeout_s``: 0.25 unless given), closed after the test."""
    made: list[CommandPipe] = []

    def make(url: str, timeout_s: float = 0.25) -> CommandPipe:
        made.append(CommandPipe(redis.asyncio.Redis.from_url(url).connection_pool, timeout_s))
        return made[-1]

    yield make
    for pipe in made:
        await pipe.close()


def test_pack_writes_resp_bulk_strings() -> None:
    assert pack(b"ECHO", b"a b") == b"*2\r\n$4\r\nECHO\r\n$3\r\na b\r\n"
    assert pack(b"GET", b"") == b"*2\r\n$3\r\nGET\r\n$0\r\n\r\n"


async def test_every_sender_gets_its_own_reply(redis_url: str, pipe_for: PipeFor) -> None:
    pipe = pipe_for(redis_url)
    values = [f"value-{n}".encode() for n in range(300)]
    replies = await asyncio.gather(*(pipe.call(pack(b"ECHO", value)) for value in values))
    assert replies == values


async def test_an_error_reply_reaches_only_its_sender(redis_url: str, pipe_for: PipeFor) -> None:
    pipe = pipe_for(redis_url)
    good, bad, after = await asyncio.gather(
        pipe.call(pack(b"ECHO", b"before")),
        pipe.call(pack(b"NO-SUCH-COMMAND")),
        pipe.call(pack(b"ECHO", b"after")),
        return_exceptions=True,
    )
    assert (good, after) == (b"before", b"after")
    assert isinstance(bad, redis.ResponseError)
    assert await pipe.call(pack(b"PING")) in (b"PONG", "PONG", True)


async def test_a_cancelled_sender_leaves_the_others_their_replies(
    redis_url: str, pipe_for: PipeFor
) -> None:
    pipe = pipe_for(redis_url)
    slow = asyncio.ensure_future(pipe.call(pack(b"ECHO", b"cancelled")))
    await asyncio.sleep(0)
    slow.cancel()
    replies = await asyncio.gather(*(pipe.call(pack(b"ECHO", b"%d" % n)) for n in range(20)))
    assert replies == [b"%d" % n for n in range(20)]
    assert slow.cancelled()


async def test_a_frozen_redis_fails_every_waiting_sender_within_the_deadline(
    own_redis: RedisServer, pipe_for: PipeFor
) -> None:
    pipe = pipe_for(own_redis.url, timeout_s=0.2)
    assert await pipe.call(pack(b"ECHO", b"up")) == b"up"
    own_redis.freeze()
    try:
        started = time.monotonic()
        outcomes = await asyncio.gather(
            *(pipe.call(pack(b"ECHO", b"x")) for _ in range(10)), return_exceptions=True
        )
        took = time.monotonic() - started
    finally:
        own_redis.thaw()
    assert all(isinstance(outcome, redis.TimeoutError) for outcome in outcomes), outcomes
    assert took < 1.0
    assert await pipe.call(pack(b"ECHO", b"back")) == b"back"  # a fresh connection


async def test_a_killed_connection_is_replaced_on_the_next_command(
    redis_url: str, pipe_for: PipeFor
) -> None:
    pipe = pipe_for(redis_url)
    assert await pipe.call(pack(b"CLIENT", b"SETNAME", b"the-pipe")) in (b"OK", "OK", True)
    admin = redis.Redis.from_url(redis_url)
    assert admin.client_kill_filter(_type="normal", skipme=True) >= 1
    outcome: Any = None
    for _ in range(3):  # the close may be seen on the next command or the one after
        try:
            outcome = await pipe.call(pack(b"ECHO", b"again"))
            break
        except (redis.ConnectionError, OSError) as error:
            outcome = error
    assert outcome == b"again"


async def test_redis_down_fails_fast_and_nothing_is_left_waiting(
    own_redis: RedisServer, pipe_for: PipeFor
) -> None:
    pipe = pipe_for(own_redis.url)
    assert await pipe.call(pack(b"ECHO", b"up")) == b"up"
    own_redis.stop()
    try:
        outcomes = [
            await asyncio.gather(pipe.call(pack(b"ECHO", b"down")), return_exceptions=True)
            for _ in range(3)
        ]
        assert all(isinstance(outcome[0], (redis.RedisError, OSError)) for outcome in outcomes)
        assert not pipe._waiting
    finally:
        own_redis.start()
    assert await pipe.call(pack(b"ECHO", b"back")) == b"back"


async def test_async_hits_are_one_evalsha_each_on_one_connection(redis_url: str) -> None:
    store = RedisStore(redis_url)
    limiter = Limiter(store)
    rules = rules_from(CONFIG)
    await limiter.reserve_async(rules, "85268326300", 852)  # connects and loads the script
    client = redis.Redis.from_url(redis_url)
    client.config_resetstat()
    before = client.info("stats")["total_connections_received"]
    await asyncio.gather(
        *(limiter.reserve_async(rules, f"852683263{n:02d}", 852) for n in range(1, 41))
    )
    calls = {name: value["calls"] for name, value in client.info("commandstats").items()}
    assert calls["cmdstat_evalsha"] == 40
    assert "cmdstat_eval" not in calls
    assert client.info("stats")["total_connections_received"] == before  # no new connection


async def test_async_noscript_fallback_after_a_script_flush(redis_url: str) -> None:
    limiter = Limiter(RedisStore(redis_url))
    rules = rules_from(CONFIG)
    assert await limiter.reserve_async(rules, "85268326366", 852) is not None
    redis.Redis.from_url(redis_url).script_flush()
    assert await limiter.reserve_async(rules, "85268326377", 852) is not None  # EVAL loads it
    with pytest.raises(Exception, match="minSendIntervalSeconds"):
        await limiter.reserve_async(rules, "85268326377", 852)


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
            with pytest.raises(limits.StoreUnavailable):
                await store.hit_async(checks_for(rules, "85268326311", 852, None), "m", None)
            took.append(time.monotonic() - started)
    finally:
        own_redis.thaw()
    assert 0.6 <= took[0] < 1.0  # the URL's socket_timeout
    assert 0.1 <= took[1] < 0.25  # the host's own, shorter than the store's
    assert 0.5 <= took[2] < 0.9  # the host's is long: twice the store's 0.25 s


async def test_the_commands_of_one_loop_turn_reach_redis_in_one_write(
    redis_url: str, pipe_for: PipeFor
) -> None:
    pipe = pipe_for(redis_url)
    assert await pipe.call(pack(b"PING")) in (b"PONG", "PONG", True)  # connected
    admin = redis.Redis.from_url(redis_url)
    before = admin.info("stats")["total_reads_processed"]
    replies = await asyncio.gather(*(pipe.call(pack(b"ECHO", b"%d" % n)) for n in range(50)))
    reads = admin.info("stats")["total_reads_processed"] - before
    assert replies == [b"%d" % n for n in range(50)]
    assert reads <= 4  # the admin's own INFO and one or two reads of the pipe, never 50


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
    url = f"{redis_url}?client_name=limits-{whose[:3]}"
    name = f"limits-{whose[:3]}"
    host = None if whose == "built from the URL" else redis.asyncio.Redis.from_url(url)
    store = RedisStore(url if host is None else None, async_client=host)
    rules = rules_from(CONFIG)

    async def one_send(n: int) -> None:
        assert await Limiter(store).reserve_async(rules, f"8526832640{n}", 852) is not None
        assert named_connections(admin, name, 1) == 1  # this loop's, while it runs

    for n in range(4):  # four event loops, one after the other, as four asyncio.run calls
        asyncio.run(one_send(n))
    assert named_connections(admin, name, 0) == 0
