"""query_delivery: QuerySendDetails through the official SDK, over HTTP, against the sandbox."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from delivery_helpers import notice_history

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode
from logto_connector_aliyun_sms.delivery.query import question

PHONE = "13812345678"
SIGN_IN = {"to": PHONE, "type": "SignIn", "payload": {"code": "123456"}}
CHINA = timedelta(hours=8)


def _queries(sandbox: Any) -> list[dict[str, Any]]:
    return [r for r in sandbox.requests if r["action"] == "QuerySendDetails"]


def test_a_sent_message_is_reported_delivered(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    sent = aliyun_sms.send_message(SIGN_IN, config)
    [report] = aliyun_sms.query_delivery(config, PHONE)
    assert report["status"] == "delivered"
    assert report["error_code"] == "DELIVERED"
    assert report["phone"] == "+8613812345678"
    assert report["biz_id"] is None  # rows carry no BizId; it was not asked for
    assert report["out_id"] is None
    assert report["template_code"] == sb.messages[0]["TemplateCode"]
    assert report["parts"] == 1
    assert report["raw"]["PhoneNum"] == PHONE
    for moment in (report["sent_at"], report["reported_at"]):
        assert moment is not None
        assert moment.utcoffset() == CHINA
        assert abs(moment - datetime.now(timezone.utc)) < timedelta(minutes=1)
    assert sb.messages[0]["SendDate"] == report["sent_at"].strftime("%Y-%m-%d %H:%M:%S")
    [query] = _queries(sb)
    assert query["params"]["PhoneNumber"] == PHONE
    assert query["params"]["PageSize"] == "50"
    assert query["params"]["CurrentPage"] == "1"
    assert "BizId" not in query["params"]
    assert sent["BizId"]


def test_failed_and_pending_outcomes(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    sb.set_delivery("failed", "MOBILE_IN_BLACK")
    failed = aliyun_sms.send_message(SIGN_IN, config)
    sb.set_delivery("waiting")
    sb.clock.advance(120)  # past the sandbox's per-minute flow control
    pending = aliyun_sms.send_message(SIGN_IN, config)
    [report] = aliyun_sms.query_delivery(config, PHONE, biz_id=failed["BizId"])
    assert (report["status"], report["error_code"]) == ("failed", "MOBILE_IN_BLACK")
    assert report["biz_id"] == failed["BizId"]
    [report] = aliyun_sms.query_delivery(config, PHONE, biz_id=pending["BizId"])
    assert report["status"] == "pending"
    assert report["reported_at"] is None
    assert report["error_code"] is None
    assert [r["status"] for r in aliyun_sms.query_delivery(config, PHONE)] == [
        "pending",
        "failed",
    ]


def test_several_pages(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    biz_ids = notice_history(sb, PHONE, 120, out_id="batch-7")
    notice_history(sb, "13800000000", 3)  # another number's: not in the answer
    reports = aliyun_sms.query_delivery(sb.connector_config(), PHONE)
    assert len(reports) == 120
    assert len({r["id"] for r in reports}) == 120
    assert {r["out_id"] for r in reports} == {"batch-7"}
    assert [q["params"]["CurrentPage"] for q in _queries(sb)] == ["1", "2", "3"]
    [one] = aliyun_sms.query_delivery(sb.connector_config(), PHONE, biz_id=biz_ids[60])
    assert one["raw"]["Content"].endswith("您的订单60已发货")


def test_exactly_one_full_page_asks_once(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    notice_history(sb, PHONE, 50)
    assert len(aliyun_sms.query_delivery(sb.connector_config(), PHONE)) == 50
    assert len(_queries(sb)) == 1


def test_no_rows(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    assert aliyun_sms.query_delivery(sb.connector_config(), PHONE) == []
    assert aliyun_sms.query_delivery(sb.connector_config(), PHONE, biz_id="123^0") == []


def test_a_past_day(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    three_days_ago = datetime.now(timezone.utc) - timedelta(days=3)
    sb.clock.set(three_days_ago)
    notice_history(sb, PHONE, 2)
    sb.clock.reset()
    config = sb.connector_config()
    day = three_days_ago.astimezone(timezone(CHINA)).date()
    assert aliyun_sms.query_delivery(config, PHONE) == []
    assert len(aliyun_sms.query_delivery(config, PHONE, date=day)) == 2
    assert len(aliyun_sms.query_delivery(config, PHONE, date=day.isoformat())) == 2
    assert len(aliyun_sms.query_delivery(config, PHONE, date=three_days_ago)) == 2
    assert _queries(sb)[-1]["params"]["SendDate"] == day.strftime("%Y%m%d")


@pytest.mark.parametrize("days_ago", [30, 45])
def test_a_day_older_than_30_days_is_refused_before_any_request(
    aliyun_sms_sandbox: Any, days_ago: int
) -> None:
    sb = aliyun_sms_sandbox
    day = datetime.now(timezone(CHINA)).date() - timedelta(days=days_ago)
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.query_delivery(sb.connector_config(), PHONE, date=day)
    assert caught.value.code == ConnectorErrorCode.INVALID_REQUEST_PARAMETERS
    assert "30 days" in caught.value.data["message"]
    assert _queries(sb) == []


def test_the_oldest_day_kept_is_asked() -> None:
    now = datetime(2026, 12, 1, 20, 0, tzinfo=timezone.utc)  # 2 December in China
    config = {
        "accessKeyId": "id",
        "accessKeySecret": "secret",
        "signName": "s",
        "templates": [
            {"usageType": usage, "templateCode": "SMS_1"}
            for usage in ("Register", "SignIn", "ForgotPassword", "Generic")
        ],
    }
    asked = question(config, PHONE, None, date(2026, 11, 3), now)
    assert asked.day == "20261103"
    with pytest.raises(ConnectorError):
        question(config, PHONE, None, date(2026, 11, 2), now)
    with pytest.raises(ConnectorError, match="future"):
        question(config, PHONE, None, date(2026, 12, 3), now)
    assert question(config, PHONE, None, None, now).day == "20261202"
    naive = datetime(2026, 12, 1, 23, 30)  # a naive datetime is China time
    assert question(config, PHONE, None, naive, now).day == "20261201"


@pytest.mark.parametrize(
    ("phone", "biz_id", "day"),
    [
        ("not a phone", None, None),
        ("13800138000,13800138001", None, None),
        (PHONE, "", None),
        (PHONE, "x" * 65, None),
        (PHONE, "1;DROP", None),
        (PHONE, 42, None),
        (PHONE, None, "yesterday"),
        (PHONE, None, 20261201),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    aliyun_sms_sandbox: Any, phone: Any, biz_id: Any, day: Any
) -> None:
    sb = aliyun_sms_sandbox
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.query_delivery(sb.connector_config(), phone, biz_id=biz_id, date=day)
    assert caught.value.code == ConnectorErrorCode.INVALID_REQUEST_PARAMETERS
    assert _queries(sb) == []


def test_aliyun_refusals_are_connector_errors(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    sb.inject_fault(
        "error", status=200, code="isv.SMS_TEST_NUMBER_LIMIT", action="QuerySendDetails"
    )
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.query_delivery(config, PHONE)
    assert caught.value.data["Code"] == "isv.SMS_TEST_NUMBER_LIMIT"
    wrong = dict(config, accessKeySecret="wrong-secret-wrong-secret")
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.query_delivery(wrong, PHONE)
    assert caught.value.data["Code"] == "SignatureDoesNotMatch"
    assert "wrong-secret-wrong-secret" not in repr(caught.value.data)


async def test_async_query(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    sent = await aliyun_sms.send_message_async(SIGN_IN, config)
    [report] = await aliyun_sms.query_delivery_async(config, PHONE, biz_id=sent["BizId"])
    assert report["status"] == "delivered"
    assert report["biz_id"] == sent["BizId"]
    notice_history(sb, PHONE, 55)
    assert len(await aliyun_sms.query_delivery_async(config, "+86 138 1234 5678")) == 56


async def test_connector_get_delivery(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    connector = aliyun_sms.create_connector(lambda _id: sb.connector_config())
    sent = connector.send_message(SIGN_IN)
    [report] = connector.get_delivery(PHONE, biz_id=sent["BizId"])
    assert report["status"] == "delivered"

    async def stored(_id: str) -> dict[str, Any]:
        return sb.connector_config()

    async_connector = aliyun_sms.create_connector(stored)
    assert await async_connector.get_delivery_async(PHONE) == [
        {**report, "biz_id": None, "id": (await async_connector.get_delivery_async(PHONE))[0]["id"]}
    ]


def test_the_last_page_is_known_without_a_total() -> None:
    from logto_connector_aliyun_sms.delivery.query import _done

    assert _done(50, 50, 0) is False  # no TotalCount: a full page asks for the next
    assert _done(60, 10, 0) is True
    assert _done(50, 50, 50) is True
    assert _done(50, 50, 120) is False
