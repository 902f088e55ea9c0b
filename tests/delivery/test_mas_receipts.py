"""Receipts of the Message Authentication Service (Dypnsapi): Aliyun pushes them in SmsReport's
shape to the URL set under 短信认证参数配置 → 状态报告接收; a ``DeliveryReceiver`` takes them."""

from __future__ import annotations

from typing import Any

import pytest

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import DeliveryReport, mas
from receipts import TOKEN, body, receipt


def _send(config: dict[str, Any], to: str) -> str:
    data = {"to": to, "type": "SignIn", "payload": {"code": "246810"}}
    biz_id: str = mas.send_message(data, config)["Model"]["BizId"]
    assert biz_id
    return biz_id


def test_mas_sends_are_followed_by_their_receipts(
    aliyun_sms_sandbox: Any, receiver_url: str, events: list[DeliveryReport]
) -> None:
    sb = aliyun_sms_sandbox
    config = sb.mas_config()
    sb.set_delivery("failed", "MOBILE_NOT_ON_SERVICE", phone="+8613912340002")
    delivered = _send(config, "+8613912340001")
    failed = _send(config, "+8613912340002")
    assert sb.wait_for_reports()
    assert all(p["ok"] for p in sb.pushes)
    by_biz = {e["biz_id"]: e for e in events}
    assert set(by_biz) == {delivered, failed}
    assert by_biz[delivered]["status"] == "delivered"
    assert by_biz[delivered]["phone"] == "+8613912340001"
    assert by_biz[failed]["status"] == "failed"
    assert by_biz[failed]["error_code"] == "MOBILE_NOT_ON_SERVICE"
    assert by_biz[failed]["sent_at"] is not None
    assert by_biz[failed]["sent_at"].utcoffset().total_seconds() == 8 * 3600  # type: ignore[union-attr]


def test_a_mas_receipt_as_aliyun_writes_it(events: list[DeliveryReport]) -> None:
    """The MAS helper's fields, a mainland number without its country code, sms_size a number."""
    handled: list[DeliveryReport] = []
    receiver = aliyun_sms.DeliveryReceiver(token=TOKEN, on_handled=handled.append)
    item = receipt(phone="13912340003", biz_id="987654321^0", out_id="mas-order-1")
    item["sms_size"] = 1
    answer = receiver.handle("POST", {"token": TOKEN}, body(item))
    assert answer == (200, {"code": 0, "msg": "接收成功"})
    [report] = events
    assert report["phone"] == "+8613912340003"
    assert report["parts"] == 1
    assert report["out_id"] == "mas-order-1"
    assert handled == [report]
    assert receiver.handle("POST", {"token": TOKEN}, body(item)) == answer
    assert len(events) == 1
    assert handled == [report]  # a duplicate is neither told nor counted again


def test_on_handled_waits_for_the_callbacks_and_never_fails_the_push(
    events: list[DeliveryReport], caplog: pytest.LogCaptureFixture
) -> None:
    failures = 0

    @aliyun_sms.on_delivery
    def flaky(report: DeliveryReport) -> None:
        nonlocal failures
        failures += 1
        if failures == 1:
            raise RuntimeError("down")

    handled: list[str] = []

    def broken_metric(report: DeliveryReport) -> None:
        handled.append(report["id"])
        raise ValueError("the metric is broken")

    receiver = aliyun_sms.DeliveryReceiver(token=TOKEN, on_handled=broken_metric)
    push = body(receipt(biz_id="5^0"))
    assert receiver.handle("POST", {"token": TOKEN}, push)[0] == 500
    assert handled == []  # a failed callback: not handled yet
    assert receiver.handle("POST", {"token": TOKEN}, push)[0] == 200
    assert len(handled) == 1
    assert "on_handled failed (ValueError)" in caplog.text
