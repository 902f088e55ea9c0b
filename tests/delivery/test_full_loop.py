"""The full loop: a send through the sandbox followed to delivered or failed three ways: the
query, the receipt the sandbox pushes to a receiver on loopback, and the on_delivery event."""

from __future__ import annotations

import urllib.request
from datetime import datetime, timezone
from typing import Any

import pytest

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import DeliveryReport
from receipts import TOKEN

DELIVERED_TO, FAILED_TO = "13812340001", "13812340002"


def _send(config: dict[str, Any], to: str, out_id: str) -> str:
    data = {"to": to, "type": "SignIn", "payload": {"code": "246810"}, "outId": out_id}
    biz_id = aliyun_sms.send_message(data, config)["BizId"]
    assert biz_id
    return biz_id


def test_delivered_and_failed_three_ways(
    aliyun_sms_sandbox: Any, receiver_url: str, events: list[DeliveryReport]
) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    sb.set_delivery("failed", "MOBILE_NOT_ON_SERVICE", phone=FAILED_TO)
    delivered = _send(config, DELIVERED_TO, "signin-1")
    failed = _send(config, FAILED_TO, "signin-2")
    assert sb.wait_for_reports()
    assert all(p["ok"] for p in sb.pushes)
    by_biz = {e["biz_id"]: e for e in events}
    assert set(by_biz) == {delivered, failed}
    for biz_id, to, status, code in (
        (delivered, DELIVERED_TO, "delivered", "DELIVERED"),
        (failed, FAILED_TO, "failed", "MOBILE_NOT_ON_SERVICE"),
    ):
        event = by_biz[biz_id]
        [queried] = aliyun_sms.query_delivery(config, to, biz_id=biz_id)
        assert (event["status"], event["error_code"]) == (status, code)
        assert (queried["status"], queried["error_code"]) == (status, code)
        assert event["phone"] == queried["phone"] == f"+86{to}"
        assert event["out_id"] == queried["out_id"]
        assert event["sent_at"] == queried["sent_at"]
        assert event["reported_at"] == queried["reported_at"]
        assert event["id"] == queried["id"]  # the same message, the same outcome: one id
        assert event["reported_at"] is not None
        assert event["reported_at"].utcoffset().total_seconds() == 8 * 3600
    assert by_biz[failed]["error_message"] == "停机"


def test_duplicated_pushes_give_one_event_each(
    aliyun_sms_sandbox: Any, receiver_url: str, events: list[DeliveryReport]
) -> None:
    sb = aliyun_sms_sandbox
    sb.set_reports(duplicate_rate=1.0, batch_size=1)
    config = sb.connector_config()
    sent = [_send(config, f"1381234000{i}", f"o{i}") for i in range(3)]
    assert sb.wait_for_reports()
    assert sum(p["receipts"] for p in sb.pushes) == 6
    assert sorted(e["biz_id"] or "" for e in events) == sorted(sent)


def test_a_failing_callback_is_retried_by_the_sandbox_on_its_clock(
    aliyun_sms_sandbox: Any, receiver_url: str
) -> None:
    sb = aliyun_sms_sandbox
    sb.clock.set(datetime.now(timezone.utc))
    sb.set_reports(retry_delays=(60,))
    handled: list[str] = []
    failures = [RuntimeError("database down")]

    @aliyun_sms.on_delivery
    def record(report: DeliveryReport) -> None:
        if failures:
            raise failures.pop()
        handled.append(report["biz_id"] or "")

    biz_id = _send(sb.connector_config(), DELIVERED_TO, "retry-1")
    assert sb.wait_for_reports()
    assert [(p["status"], p["ok"]) for p in sb.pushes] == [(500, False)]
    assert handled == []
    sb.clock.advance(60)
    assert sb.wait_for_reports()
    assert [(p["status"], p["ok"]) for p in sb.pushes] == [(500, False), (200, True)]
    assert handled == [biz_id]


def test_the_consoles_check_and_a_wrong_token_over_http(receiver_url: str) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(receiver_url, timeout=5) as response:
        assert response.read().decode() == '{"code": 0, "msg": "成功"}'
    wrong = receiver_url.replace(TOKEN, "x" * len(TOKEN))
    with pytest.raises(urllib.error.HTTPError) as caught:
        opener.open(urllib.request.Request(wrong, data=b"[]"), timeout=5)
    assert caught.value.code == 403
