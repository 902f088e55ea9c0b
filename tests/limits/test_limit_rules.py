"""Each limit, on both stores (memory and a real redis-server), with a clock moved by hand."""

from __future__ import annotations

from typing import Any

import pytest

from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode
from logto_connector_aliyun_sms.limits import Limiter, rules_from

HK = 852
NUMBER = "85268326366"


def rules(**limits: Any) -> Any:
    config = {"accessKeyId": "LTAI-test", "accessKeySecret": "secret-1", **limits}
    return rules_from(config)


def refused(limiter: Limiter, *args: Any) -> dict[str, Any]:
    with pytest.raises(ConnectorError) as caught:
        limiter.reserve(*args)
    assert caught.value.code is ConnectorErrorCode.RATE_LIMIT_EXCEEDED
    data = caught.value.data
    assert data is not None
    assert data["retryable"] is True
    return data


def test_no_limits_no_store_call(store: Any, clock: Any) -> None:
    limiter = Limiter(store, clock)
    assert limiter.reserve(rules(), NUMBER, HK) is None
    assert limiter.reserve(rules(minSendIntervalSeconds=0), NUMBER, HK) is None


def test_min_interval(store: Any, clock: Any) -> None:
    limiter, limit = Limiter(store, clock), rules(minSendIntervalSeconds=60)
    assert limiter.reserve(limit, NUMBER, HK) is not None
    clock.advance(20)
    data = refused(limiter, limit, NUMBER, HK)
    assert data["limit"] == "minSendIntervalSeconds"
    assert data["retryAfterMs"] == 40_000
    assert NUMBER not in data["message"]
    assert limiter.reserve(limit, "85268326367", HK) is not None  # another number
    clock.advance(40)
    assert limiter.reserve(limit, NUMBER, HK) is not None


def test_fractional_interval(store: Any, clock: Any) -> None:
    limiter, limit = Limiter(store, clock), rules(minSendIntervalSeconds=1.5)
    limiter.reserve(limit, NUMBER, HK)
    clock.advance(1.499)
    assert refused(limiter, limit, NUMBER, HK)["retryAfterMs"] == 1
    clock.advance(0.001)
    assert limiter.reserve(limit, NUMBER, HK) is not None


def test_per_number_per_day(store: Any, clock: Any) -> None:
    limiter, limit = Limiter(store, clock), rules(maxMessagesPerNumberPerDay=3)
    for _ in range(3):
        limiter.reserve(limit, NUMBER, HK)
        clock.advance(3600)
    data = refused(limiter, limit, NUMBER, HK)
    assert data["limit"] == "maxMessagesPerNumberPerDay"
    assert data["retryAfterMs"] == (24 - 3) * 3_600_000  # when the first one leaves the window
    clock.advance(21 * 3600)
    assert limiter.reserve(limit, NUMBER, HK) is not None
    assert refused(limiter, limit, NUMBER, HK)["retryAfterMs"] == 3_600_000


def test_per_ip_per_hour(store: Any, clock: Any) -> None:
    limiter, limit = Limiter(store, clock), rules(maxMessagesPerIpPerHour=2)
    limiter.reserve(limit, "85268326301", HK, "203.0.113.7")
    limiter.reserve(limit, "85268326302", HK, "203.0.113.7")
    data = refused(limiter, limit, "85268326303", HK, "203.0.113.7")
    assert data["limit"] == "maxMessagesPerIpPerHour"
    assert "203.0.113.7" not in str(data)
    assert limiter.reserve(limit, "85268326303", HK, "203.0.113.8") is not None
    for _ in range(5):  # no ip: not counted
        assert limiter.reserve(limit, "85268326304", HK, None) is None
    clock.advance(3600)
    assert limiter.reserve(limit, "85268326303", HK, "203.0.113.7") is not None


def test_ipv6_counts_per_64(store: Any, clock: Any) -> None:
    limiter, limit = Limiter(store, clock), rules(maxMessagesPerIpPerHour=1)
    limiter.reserve(limit, "85268326301", HK, "2001:db8:1:2::1")
    refused(limiter, limit, "85268326302", HK, "2001:db8:1:2:ffff::9")
    assert limiter.reserve(limit, "85268326302", HK, "2001:db8:1:3::1") is not None
    limiter.reserve(limit, "85268326303", HK, "::ffff:198.51.100.1")
    refused(limiter, limit, "85268326304", HK, "198.51.100.1")  # the same IPv4 client


def test_per_country_per_hour(store: Any, clock: Any) -> None:
    limiter, limit = Limiter(store, clock), rules(maxMessagesPerCountryPerHour=3)
    for n in range(3):
        limiter.reserve(limit, f"8526832630{n}", HK)
        clock.advance(60)
    data = refused(limiter, limit, "85268326309", HK)
    assert data["limit"] == "maxMessagesPerCountryPerHour"
    assert data["retryAfterMs"] == 3_600_000 - 180_000
    assert limiter.reserve(limit, "12025550123", 1) is not None  # another country
    clock.advance(3600 - 180)
    assert limiter.reserve(limit, "85268326309", HK) is not None


def test_a_refused_send_counts_nowhere(store: Any, clock: Any) -> None:
    """All windows are checked before any is counted: a full country spends no number."""
    limiter = Limiter(store, clock)
    limit = rules(minSendIntervalSeconds=60, maxMessagesPerCountryPerHour=1)
    limiter.reserve(limit, "85268326301", HK)
    assert refused(limiter, limit, "85268326302", HK)["limit"] == "maxMessagesPerCountryPerHour"
    roomy = rules(minSendIntervalSeconds=60, maxMessagesPerCountryPerHour=5)
    assert limiter.reserve(roomy, "85268326302", HK) is not None


def test_release_gives_back_every_window(store: Any, clock: Any) -> None:
    limiter = Limiter(store, clock)
    limit = rules(minSendIntervalSeconds=60, maxMessagesPerCountryPerHour=1)
    reservation = limiter.reserve(limit, NUMBER, HK, "192.0.2.1")
    limiter.release(reservation)
    limiter.release(None)
    kept = limiter.reserve(limit, NUMBER, HK, "192.0.2.1")
    assert kept is not None
    refused(limiter, limit, NUMBER, HK)


def test_accounts_are_counted_apart(store: Any, clock: Any) -> None:
    limiter = Limiter(store, clock)
    first = rules(minSendIntervalSeconds=60)
    other = rules_from(
        {"accessKeyId": "LTAI-other", "accessKeySecret": "s", "minSendIntervalSeconds": 60}
    )
    limiter.reserve(first, NUMBER, HK)
    assert limiter.reserve(other, NUMBER, HK) is not None
    refused(limiter, first, NUMBER, HK)


def test_the_store_clock_is_used_without_an_injected_one(store: Any) -> None:
    limiter, limit = Limiter(store), rules(minSendIntervalSeconds=60)
    limiter.reserve(limit, NUMBER, HK)
    assert 59_000 < refused(limiter, limit, NUMBER, HK)["retryAfterMs"] <= 60_000


async def test_async_path(store: Any, clock: Any) -> None:
    limiter, limit = Limiter(store, clock), rules(minSendIntervalSeconds=60)
    reservation = await limiter.reserve_async(limit, NUMBER, HK)
    assert reservation is not None
    with pytest.raises(ConnectorError) as caught:
        await limiter.reserve_async(limit, NUMBER, HK)
    assert caught.value.code is ConnectorErrorCode.RATE_LIMIT_EXCEEDED
    await limiter.release_async(reservation)
    assert await limiter.reserve_async(limit, NUMBER, HK) is not None


def test_clear_forgets_everything(store: Any, clock: Any) -> None:
    limiter, limit = Limiter(store, clock), rules(minSendIntervalSeconds=60)
    limiter.reserve(limit, NUMBER, HK)
    store.clear()
    assert limiter.reserve(limit, NUMBER, HK) is not None
