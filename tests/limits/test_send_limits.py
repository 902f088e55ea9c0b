"""The limits on the real send path: the official SDK over HTTP to the sandbox."""

from __future__ import annotations

import logging
from typing import Any

import pytest

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode, limits

NUMBER = "+852 6832 6366"
DATA = {"to": NUMBER, "type": "SignIn", "payload": {"code": "123456"}}


@pytest.fixture(params=["memory", "redis"])
def store_url(request: pytest.FixtureRequest) -> str:
    """Each store, chosen the way a host does: a URL."""
    url = "memory://" if request.param == "memory" else request.getfixturevalue("redis_url")
    aliyun_sms.configure_limits(url)
    return url


def test_a_refusal_says_which_limit_and_never_the_number(
    aliyun_sms_sandbox: Any, store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    sb = aliyun_sms_sandbox
    config = dict(sb.connector_config(), minSendIntervalSeconds=60)
    aliyun_sms.send_message(DATA, config)
    caplog.clear()
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.send_message(dict(DATA, to="0085268326366"), config)  # the same number
    assert caught.value.code is ConnectorErrorCode.RATE_LIMIT_EXCEEDED
    data = caught.value.data
    assert data is not None
    assert data["limit"] == "minSendIntervalSeconds"
    assert 59_000 < data["retryAfterMs"] <= 60_000
    assert "6832" not in str(data)
    [line] = [r.getMessage() for r in caplog.records if r.name == "logto_connector_aliyun_sms"]
    assert "852****6366" in line
    assert "rate_limit_exceeded" in line
    assert "68326366" not in line
    assert len(sb.messages) == 1


async def test_the_async_path_counts_in_the_same_place(
    aliyun_sms_sandbox: Any, store_url: str
) -> None:
    sb = aliyun_sms_sandbox
    config = dict(sb.connector_config(), maxMessagesPerIpPerHour=2)
    for n in range(2):
        await aliyun_sms.send_message_async(
            dict(DATA, to=f"8526832630{n}", ip="198.51.100.4"), config
        )
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.send_message(dict(DATA, ip="198.51.100.4"), config)
    assert caught.value.data["limit"] == "maxMessagesPerIpPerHour"  # type: ignore[index]
    await aliyun_sms.send_message_async(dict(DATA, ip="198.51.100.5"), config)
    await aliyun_sms.send_message_async(DATA, config)  # no ip: not counted
    assert len(sb.messages) == 4


async def test_a_message_aliyun_refused_is_given_back(
    aliyun_sms_sandbox: Any, store_url: str
) -> None:
    sb = aliyun_sms_sandbox
    sb.inject_fault("error", 2, status=200, code="isv.MOBILE_NUMBER_ILLEGAL")
    config = dict(sb.connector_config(), minSendIntervalSeconds=60)
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.send_message(DATA, config)
    assert caught.value.data["Code"] == "isv.MOBILE_NUMBER_ILLEGAL"  # type: ignore[index]
    with pytest.raises(ConnectorError) as caught:
        await aliyun_sms.send_message_async(DATA, config)
    assert caught.value.data["Code"] == "isv.MOBILE_NUMBER_ILLEGAL"  # type: ignore[index]
    aliyun_sms.send_message(DATA, config)  # the failed sends took no place
    assert len(sb.messages) == 1


def test_a_message_that_may_have_left_keeps_its_place(
    aliyun_sms_sandbox: Any, store_url: str
) -> None:
    sb = aliyun_sms_sandbox
    config = dict(sb.connector_config(), minSendIntervalSeconds=60, readTimeout=300)
    sb.inject_fault("delay", delay_ms=1000)
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.send_message(DATA, config)
    assert caught.value.data["maybeSent"] is True  # type: ignore[index]
    with pytest.raises(ConnectorError) as again:
        aliyun_sms.send_message(DATA, config)
    assert again.value.code is ConnectorErrorCode.RATE_LIMIT_EXCEEDED


def test_the_sandbox_clock_drives_the_limits(aliyun_sms_sandbox: Any, store_url: str) -> None:
    sb = aliyun_sms_sandbox
    sb.clock.set(sb.clock.time())  # frozen: moves only when the test says
    aliyun_sms.reset_limits(clock=sb.clock.time)
    config = dict(sb.connector_config(), maxMessagesPerNumberPerDay=2)
    aliyun_sms.send_message(DATA, config)
    sb.clock.advance(3600)
    aliyun_sms.send_message(DATA, config)
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.send_message(DATA, config)
    assert caught.value.data["retryAfterMs"] == 23 * 3_600_000  # type: ignore[index]
    sb.clock.advance(23 * 3600)
    aliyun_sms.send_message(DATA, config)
    assert len(sb.messages) == 3


def test_a_country_budget_is_shared_by_every_number(
    aliyun_sms_sandbox: Any, store_url: str
) -> None:
    sb = aliyun_sms_sandbox
    config = dict(sb.connector_config(), maxMessagesPerCountryPerHour=3)
    outcomes = []
    for n in range(5):
        try:
            aliyun_sms.send_message(dict(DATA, to=f"+8526832631{n}"), config)
            outcomes.append("sent")
        except ConnectorError as error:
            outcomes.append(error.data["limit"])  # type: ignore[index]
    assert outcomes == ["sent"] * 3 + ["maxMessagesPerCountryPerHour"] * 2
    aliyun_sms.send_message(dict(DATA, to="+1 202 555 0123"), config)


def test_without_limits_the_store_is_never_chosen(
    aliyun_sms_sandbox: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    aliyun_sms.configure_limits()
    monkeypatch.setenv(limits.ENV_URL, "bogus://")
    caplog.set_level(logging.INFO)
    aliyun_sms.send_message(DATA, aliyun_sms_sandbox.connector_config())
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.send_message(
            DATA, dict(aliyun_sms_sandbox.connector_config(), minSendIntervalSeconds=1)
        )
    assert caught.value.code is ConnectorErrorCode.GENERAL
    assert "ALIYUN_SMS_LIMITS_URL" in caught.value.data["message"]  # type: ignore[index]


def test_the_sandbox_fixture_resets_the_limits_and_ties_them_to_its_clock(
    aliyun_sms_sandbox: Any, request: pytest.FixtureRequest
) -> None:
    """The connector's pytest plugin answers the sandbox's reset hook (no call by the test)."""
    sb = aliyun_sms_sandbox
    config = dict(sb.connector_config(), minSendIntervalSeconds=60)
    aliyun_sms.send_message(DATA, config)
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.send_message(DATA, config)
    assert caught.value.code is ConnectorErrorCode.RATE_LIMIT_EXCEEDED
    sb.clock.advance(61)  # the sandbox's clock moves the limiter's
    aliyun_sms.send_message(DATA, config)
    with pytest.raises(ConnectorError):
        aliyun_sms.send_message(DATA, config)
    sb.reset()
    request.config.hook.pytest_aliyun_sms_sandbox_reset(sandbox=sb)  # what the fixture does
    aliyun_sms.send_message(DATA, config)
    assert len(sb.messages) == 1
