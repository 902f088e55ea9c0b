"""get_usage: QuerySendStatistics over every page, mainland and international."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms.usage import usage_window


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
