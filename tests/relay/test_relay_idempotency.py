"""A code is sent once: retries, concurrent duplicates, failures that may have left, and two
relay processes sharing a real redis-server."""

from __future__ import annotations

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio
import requests
from relay_helpers import RelayProcess, platform_request, post, relay_config

from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode, limits
from logto_connector_aliyun_sms.relay import idempotency
from logto_connector_aliyun_sms.relay.idempotency import (
    MAYBE,
    SENT,
    MemoryClaims,
    Once,
    RedisClaims,
    key_for,
)

TO = "+8613800138000"
HK = "+85261234567"


@pytest.mark.parametrize("platform", ["kratos", "authentik", "logto"])
def test_a_retry_is_answered_without_sending_again(
    relay: Any, aliyun_sms_sandbox: Any, platform: str
) -> None:
    body, headers = platform_request(platform, TO, "888999")
    for _ in range(5):  # Kratos retries five times
        assert post(f"{relay.url}/v1/{platform}", body, headers).status_code == 200
    assert len(aliyun_sms_sandbox.requests) == 1


def test_another_code_or_number_or_route_is_sent(relay: Any, aliyun_sms_sandbox: Any) -> None:
    for platform, to, code in [
        ("kratos", HK, "100000"),  # overseas: the sandbox has no per-number flow control
        ("kratos", HK, "200000"),
        ("kratos", "+85261234568", "200000"),
        ("authentik", HK, "200000"),
    ]:
        body, headers = platform_request(platform, to, code)
        assert post(f"{relay.url}/v1/{platform}", body, headers).status_code == 200
    assert len(aliyun_sms_sandbox.messages) == 4


def test_concurrent_duplicates_wait_for_the_first(relay: Any, aliyun_sms_sandbox: Any) -> None:
    aliyun_sms_sandbox.set_latency(rtt_ms=300)
    body, headers = platform_request("kratos", TO, "424242")
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: post(f"{relay.url}/v1/kratos", body, headers), range(4)))
    assert [a.status_code for a in answers] == [200] * 4
    assert sorted(a.json()["duplicate"] for a in answers) == [False, True, True, True]
    assert len(aliyun_sms_sandbox.requests) == 1


def test_a_send_that_surely_failed_is_sent_on_retry(relay: Any, aliyun_sms_sandbox: Any) -> None:
    aliyun_sms_sandbox.inject_fault("error", status=503)  # Aliyun answered: nothing left
    body, headers = platform_request("kratos", TO, "515151")
    assert post(f"{relay.url}/v1/kratos", body, headers).status_code == 503
    assert post(f"{relay.url}/v1/kratos", body, headers).status_code == 200
    assert len(aliyun_sms_sandbox.messages) == 1


def test_a_send_that_may_have_left_is_not_charged_twice(
    relay: Any, aliyun_sms_sandbox: Any
) -> None:
    aliyun_sms_sandbox.inject_fault("drop")  # the connection drops after the request went out
    body, headers = platform_request("kratos", TO, "626262")
    first = post(f"{relay.url}/v1/kratos", body, headers)
    assert first.status_code >= 500
    retry = post(f"{relay.url}/v1/kratos", body, headers)
    assert retry.status_code == 200
    assert retry.json() == {"sent": True, "duplicate": True}
    assert len(aliyun_sms_sandbox.requests) == 1


def test_the_claim_lasts_the_codes_lifetime() -> None:
    now = [0.0]
    store = MemoryClaims(clock=lambda: now[0])

    async def scenario() -> list[Any]:
        once = Once(store)
        sent: list[int] = []

        async def send() -> dict[str, Any]:
            sent.append(1)
            return {"Code": "OK"}

        first = await once.run("k", 600, send)
        now[0] = 599
        second = await once.run("k", 600, send)
        now[0] = 601
        third = await once.run("k", 600, send)
        return [first.fresh, second.fresh, second.state, third.fresh, len(sent)]

    assert asyncio.run(scenario()) == [True, False, SENT, True, 2]


def test_cancelled_send_counts_as_maybe_sent() -> None:
    async def scenario() -> str | None:
        store = MemoryClaims()
        once = Once(store)

        async def slow() -> dict[str, Any]:
            await asyncio.sleep(10)
            return {}

        task = asyncio.ensure_future(once.run("k", 60, slow))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return await store.claim("k", "x", 1000)

    assert asyncio.run(scenario()) == MAYBE


def test_refusals_before_sending_release_the_claim() -> None:
    async def scenario() -> str | None:
        store = MemoryClaims()

        async def refused() -> dict[str, Any]:
            raise ConnectorError(ConnectorErrorCode.RATE_LIMIT_EXCEEDED, {"retryable": True})

        with pytest.raises(ConnectorError):
            await Once(store).run("k", 60, refused)
        return await store.claim("k", "x", 1000)

    assert asyncio.run(scenario()) is None


def test_a_stale_pending_claim_is_taken_as_maybe_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that died mid-send leaves its claim pending: a retry is not sent again."""

    async def scenario() -> Any:
        store = MemoryClaims()
        await store.put("k", "pending:1000", 60_000)  # pending since 1970

        async def send() -> dict[str, Any]:
            raise AssertionError("must not send")

        return await Once(store).run("k", 60, send)

    outcome = asyncio.run(scenario())
    assert (outcome.fresh, outcome.state) == (False, MAYBE)


def test_keys_hold_neither_number_nor_code() -> None:
    key = key_for("kratos", "+86 138 0013 8000", "123456")
    assert key == key_for("kratos", "8613800138000", "123456")
    assert "13800138000" not in key
    assert "123456" not in key


# --- Redis: claims shared by every worker -----------------------------------------------------


def test_redis_claims(redis_url: str) -> None:
    async def scenario() -> list[Any]:
        client = redis.asyncio.Redis.from_url(redis_url)
        store = RedisClaims(client, owned=True)
        await store.ping()
        first = await store.claim("k", "pending:1", 60_000)
        second = await store.claim("k", "pending:2", 60_000)
        await store.put("k", SENT, 60_000)
        third = await store.claim("k", "pending:3", 60_000)
        await store.drop("k")
        fourth = await store.claim("k", "pending:4", 60_000)
        await store.close()
        return [first, second, third, fourth]

    assert asyncio.run(scenario()) == [None, "pending:1", SENT, None]


def test_claims_follow_the_limits_store(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(limits.ENV_URL, redis_url)
    limits.configure_limits()
    try:
        store = idempotency.claims_from_limits()
        assert isinstance(store, RedisClaims)
        asyncio.run(store.close())
    finally:
        limits.configure_limits("memory://")
    assert isinstance(idempotency.claims_from_limits(), MemoryClaims)


def test_two_relay_processes_sharing_redis_send_once(
    aliyun_sms_sandbox: Any, redis_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "relay.json"
    config.write_text(json.dumps(relay_config(aliyun_sms_sandbox.connector_config())))
    aliyun_sms_sandbox.set_latency(rtt_ms=200)
    env = {"ALIYUN_SMS_LIMITS_URL": redis_url}
    with RelayProcess(config, env=env) as one, RelayProcess(config, env=env) as two:
        body, headers = platform_request("kratos", TO, "737373")
        with ThreadPoolExecutor(4) as pool:
            answers = list(
                pool.map(
                    lambda url: post(f"{url}/v1/kratos", body, headers),
                    [one.url, two.url, one.url, two.url],
                )
            )
        assert [a.status_code for a in answers] == [200] * 4
        assert sum(not a.json()["duplicate"] for a in answers) == 1
        # later, a retry through the other worker
        later = post(f"{two.url}/v1/kratos", body, headers)
        assert later.json()["duplicate"] is True
        assert requests.get(f"{one.url}/readyz", timeout=10).status_code == 200  # Redis reachable
    assert len(aliyun_sms_sandbox.requests) == 1


def test_logto_messages_without_a_code_are_told_apart_by_their_payload() -> None:
    from logto_connector_aliyun_sms.relay.logto import parse

    one = parse({"to": TO, "type": "OrganizationInvitation", "payload": {"link": "https://a/1"}})
    two = parse({"to": TO, "type": "OrganizationInvitation", "payload": {"link": "https://a/2"}})
    assert key_for("logto", one.to, one.code) != key_for("logto", two.to, two.code)


def test_a_duplicate_waiting_on_a_failed_send_sends_it(relay: Any, aliyun_sms_sandbox: Any) -> None:
    """The first request fails before anything left; the one waiting on it sends instead."""
    aliyun_sms_sandbox.set_latency(rtt_ms=300)
    aliyun_sms_sandbox.inject_fault("error", status=503)
    body, headers = platform_request("kratos", HK, "979797")
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(post, f"{relay.url}/v1/kratos", body, headers)
        time.sleep(0.1)
        second = pool.submit(post, f"{relay.url}/v1/kratos", body, headers)
        statuses = sorted([first.result().status_code, second.result().status_code])
    assert statuses == [200, 503]
    assert len(aliyun_sms_sandbox.messages) == 1
    assert len(aliyun_sms_sandbox.requests) == 2
