"""get_usage: QuerySendStatistics over every page, mainland and international."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode
from logto_connector_aliyun_sms.usage import get_usage, usage_window


def test_window_defaults_to_the_start_of_the_month_in_china_time() -> None:
    now = datetime(2026, 11, 30, 17, 0, tzinfo=timezone.utc)  # 1 December in UTC+8
    assert usage_window(None, now) == ("20261201", "20261201")
    assert usage_window(date(2026, 10, 3), now) == ("20261003", "20261201")
    assert usage_window(datetime(2026, 10, 3, 20, 0), now) == ("20261004", "20261201")


def test_usage_counts_what_was_sent(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    connector = aliyun_sms.create_connector(lambda _id: sb.connector_config())
    assert connector.get_usage() == 0
    for i in range(3):
        connector.send_message(
            {"to": f"1381234567{i}", "type": "SignIn", "payload": {"code": "1234"}}
        )
    connector.send_message({"to": "85268326366", "type": "SignIn", "payload": {"code": "1234"}})
    assert connector.get_usage() == 4
    assert connector.get_usage(datetime.now(timezone.utc) + timedelta(days=2)) == 0


def test_usage_across_pages(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    codes = next(t for t in config["templates"] if t["usageType"] == "SignIn")["templateCode"]
    real = datetime.now(timezone.utc)
    days = 70  # more than one page (50 rows) of daily statistics, for each of the two regions
    for day in range(days):
        # history is written straight into the sandbox's state at past dates; the query that
        # reads it goes through the SDK, over HTTP, with the clock back at the present
        sb.clock.set(real - timedelta(days=day))
        for number, code in (
            (f"1381234{day:04d}", codes["china"]),
            (f"8526{day:07d}", codes["overseas"]),
        ):
            answer = sb.state.send_sms(
                sb.state.default_account,
                {
                    "PhoneNumbers": number,
                    "SignName": config["signName"],
                    "TemplateCode": code,
                    "TemplateParam": '{"code":"1234"}',
                },
            )
            assert answer is not None
    sb.clock.reset()
    connector = aliyun_sms.create_connector(lambda _id: config)
    assert connector.get_usage(real - timedelta(days=days + 5)) == 2 * days
    pages = [
        r["params"].get("PageIndex") for r in sb.requests if r["action"] == "QuerySendStatistics"
    ]
    assert pages.count("2") == 2  # the second page was read for mainland and international
    assert connector.get_usage(real - timedelta(days=9)) == 2 * 10


@pytest.mark.parametrize("start_from", ["yesterday", 1700000000, ["2026-01-01"]])
def test_a_start_that_is_not_a_date_is_refused(aliyun_sms_sandbox: Any, start_from: Any) -> None:
    sb = aliyun_sms_sandbox
    with pytest.raises(ConnectorError) as caught:
        get_usage(sb.connector_config(), start_from)
    assert caught.value.code is ConnectorErrorCode.INVALID_REQUEST_PARAMETERS
    assert sb.requests == []


def test_an_iso_date_string_is_a_start(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    assert get_usage(sb.connector_config(), "2020-01-01") == get_usage(
        sb.connector_config(), date(2020, 1, 1)
    )
