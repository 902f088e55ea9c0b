"""Redis stopped or frozen in the middle of sending: fail-open sends, fail-closed refuses,
nothing waits past the timeout, and the limits hold again once Redis is back."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from redis_server import RedisServer

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode

pytestmark = pytest.mark.slow

BOUND_S = 1.5  # a send's worst case: the 0.25 s Redis timeout, the sandbox, a busy machine


def data(to: str) -> dict[str, Any]:
    return {"to": to, "type": "SignIn", "payload": {"code": "123456"}}


def timed(call: Any, *args: Any) -> tuple[float, str]:
    started = time.monotonic()
    try:
        call(*args)
        outcome = "sent"
    except ConnectorError as error:
        outcome = error.code.value
    return time.monotonic() - started, outcome


def wait_until_limited(config: dict[str, Any], prefix: str, deadline_s: float) -> float:
    """Seconds until a second message to one number is refused again (the limits are back)."""
    started = time.monotonic()
    for n in range(1000):
        to = f"{prefix}{n:03d}"
        aliyun_sms.send_message(data(to), config)
        if timed(aliyun_sms.send_message, data(to), config)[1] == "rate_limit_exceeded":
            return time.monotonic() - started
        assert time.monotonic() - started < deadline_s, "the limits did not come back"
        time.sleep(0.1)
    raise AssertionError("the limits did not come back")


def test_redis_stopped_mid_run(aliyun_sms_sandbox: Any, own_redis: RedisServer) -> None:
    sb = aliyun_sms_sandbox
    aliyun_sms.configure_limits(own_redis.url)
    open_config = dict(sb.connector_config(), minSendIntervalSeconds=60)
    closed_config = dict(open_config, limitsFailMode="closed")
    aliyun_sms.send_message(data("+852 6100 9999"), open_config)  # SDK imported, Redis connected
    results: list[tuple[float, str]] = []
    stop = threading.Event()

    def keep_sending() -> None:  # a steady trickle of sign-ins, each to a new number
        n = 0
        while not stop.is_set():
            results.append(timed(aliyun_sms.send_message, data(f"+852 6100 {n:04d}"), open_config))
            n += 1
            time.sleep(0.01)

    sender = threading.Thread(target=keep_sending)
    sender.start()
    try:
        time.sleep(0.3)
        own_redis.stop()
        time.sleep(0.3)
        # fail-open: sent, without limits (the same number twice)
        assert timed(aliyun_sms.send_message, data("+852 6200 0001"), open_config)[1] == "sent"
        assert timed(aliyun_sms.send_message, data("+852 6200 0001"), open_config)[1] == "sent"
        # fail-closed: refused, at once
        took, outcome = timed(aliyun_sms.send_message, data("+852 6200 0002"), closed_config)
        assert outcome == "general"
        assert took < BOUND_S
        own_redis.start()
        assert wait_until_limited(open_config, "+852 6200 3", deadline_s=5) < 3
    finally:
        stop.set()
        sender.join()
    assert len(results) > 10
    assert {outcome for _, outcome in results} == {"sent"}, results
    assert max(took for took, _ in results) < BOUND_S, results


def test_redis_frozen_costs_one_timeout(aliyun_sms_sandbox: Any, own_redis: RedisServer) -> None:
    """A Redis that accepts but never answers: the socket timeout, then no waiting at all."""
    sb = aliyun_sms_sandbox
    aliyun_sms.configure_limits(own_redis.url)
    open_config = dict(sb.connector_config(), maxMessagesPerCountryPerHour=1000)
    closed_config = dict(open_config, limitsFailMode="closed")
    aliyun_sms.send_message(data("+852 6300 0000"), open_config)  # connected
    own_redis.freeze()
    try:
        first, outcome = timed(aliyun_sms.send_message, data("+852 6300 0001"), open_config)
        assert outcome == "sent"
        assert 0.2 < first < BOUND_S
        later, outcome = timed(aliyun_sms.send_message, data("+852 6300 0002"), closed_config)
        assert outcome == "general"
        assert later < 0.1  # the store is known to be down: not tried again for a second
    finally:
        own_redis.thaw()


async def test_async_path_through_an_outage(
    aliyun_sms_sandbox: Any, own_redis: RedisServer
) -> None:
    sb = aliyun_sms_sandbox
    aliyun_sms.configure_limits(own_redis.url)
    config = dict(sb.connector_config(), minSendIntervalSeconds=60)
    closed = dict(config, limitsFailMode="closed")
    await aliyun_sms.send_message_async(data("+852 6400 0001"), config)
    with pytest.raises(ConnectorError):
        await aliyun_sms.send_message_async(data("+852 6400 0001"), config)
    own_redis.freeze()
    try:
        started = time.monotonic()
        await aliyun_sms.send_message_async(data("+852 6400 0001"), config)  # fail-open: sent
        with pytest.raises(ConnectorError) as caught:
            await aliyun_sms.send_message_async(data("+852 6400 0002"), closed)
        assert caught.value.code is ConnectorErrorCode.GENERAL
        assert caught.value.data["retryable"] is True  # type: ignore[index]
        assert time.monotonic() - started < BOUND_S
    finally:
        own_redis.thaw()
    deadline = time.monotonic() + 5
    while True:  # back within a pause or two
        try:
            await aliyun_sms.send_message_async(data("+852 6400 0003"), closed)
            break
        except ConnectorError:
            assert time.monotonic() < deadline
            await asyncio_sleep(0.1)
    with pytest.raises(ConnectorError) as caught:
        await aliyun_sms.send_message_async(data("+852 6400 0003"), closed)
    assert caught.value.code is ConnectorErrorCode.RATE_LIMIT_EXCEEDED


async def asyncio_sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)
