"""SendSms through the unchanged official SDK (sync and async) against the sandbox's rules."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from alibabacloud_dysmsapi20170525 import models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi.exceptions import ClientException
from sandbox_helpers import SIGN, SIGN_IN, SIGN_IN_INTL, Send, make_client, sign_in_request

from aliyun_sms_sandbox import Sandbox

CHINA = timezone(timedelta(hours=8))


def test_accepted_message_and_what_aliyun_received(sb: Sandbox, send: Send) -> None:
    body = send(out_id="order-7")
    assert (body.code, body.message) == ("OK", "OK")
    assert body.biz_id.endswith("^0")
    assert len(body.request_id) == 36
    [message] = sb.messages
    assert message["BizId"] == body.biz_id
    assert message["RequestId"] == body.request_id
    assert message["Content"].startswith("【Logto Sandbox】")
    assert "123456" in message["Content"]
    assert (message["PhoneNumber"], message["OutId"], message["SendStatus"]) == (
        "13812345678",
        "order-7",
        3,
    )
    [request] = sb.requests
    assert request["action"] == "SendSms"
    assert request["scheme"] == "ACS3"
    assert (request["status"], request["code"]) == (200, "OK")
    assert request["params"] == {
        "PhoneNumbers": "13812345678",
        "SignName": SIGN,
        "TemplateCode": SIGN_IN,
        "TemplateParam": '{"code":"123456"}',
        "OutId": "order-7",
    }
    assert sb.messages_for("+8613812345678") == [message]
    assert sb.messages_for("13900000000") == []


def test_spaces_and_unicode_survive_the_wire(sb: Sandbox, send: Send) -> None:
    sb.add_signature("阿里云 测试")
    sb.add_template("SMS_N1", "${name} 你好：订单 ${order} 已发货 *~", kind="notification")
    body = send(
        sign_name="阿里云 测试",
        template_code="SMS_N1",
        template_param='{"name": "张 三", "order": "A+B 1"}',
    )
    assert body.code == "OK"
    assert sb.messages[0]["Content"] == "【阿里云 测试】张 三 你好：订单 A+B 1 已发货 *~"
    assert sb.requests[0]["params"]["TemplateParam"] == '{"name": "张 三", "order": "A+B 1"}'


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"sign_name": "Nobody"}, "isv.SMS_SIGNATURE_ILLEGAL"),
        ({"template_code": "SMS_000"}, "isv.SMS_TEMPLATE_ILLEGAL"),
        ({"template_param": "{code: 1}"}, "isv.INVALID_JSON_PARAM"),
        ({"template_param": '{"code": 123456}'}, "isv.INVALID_JSON_PARAM"),
        ({"template_param": '{"notcode":"1234"}'}, "isv.TEMPLATE_MISSING_PARAMETERS"),
        ({"template_param": None}, "isv.TEMPLATE_MISSING_PARAMETERS"),
        ({"template_param": '{"code":"12"}'}, "isv.PARAM_LENGTH_LIMIT"),
        ({"template_param": '{"code":"12 34"}'}, "isv.TEMPLATE_PARAMS_ILLEGAL"),
        ({"phone_numbers": "1381234567"}, "isv.MOBILE_NUMBER_ILLEGAL"),
        ({"phone_numbers": "+86 138 1234 5678"}, "isv.MOBILE_NUMBER_ILLEGAL"),
        (
            {"phone_numbers": "13812345678", "template_code": SIGN_IN_INTL},
            "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
        ),
        ({"phone_numbers": "85268326366"}, "isv.SMS_TEMPLATE_ILLEGAL"),
        (
            {"phone_numbers": ",".join(f"138{i:08d}" for i in range(1001))},
            "isv.MOBILE_COUNT_OVER_LIMIT",
        ),
    ],
)
def test_business_refusals_are_http_200(
    sb: Sandbox, send: Send, fields: dict[str, str | None], code: str
) -> None:
    body = send(**fields)
    assert body.code == code
    assert body.message
    assert body.biz_id is None
    assert sb.messages == []
    assert [r["code"] for r in sb.requests] == [code]


@pytest.mark.parametrize(
    "number", ["13812345678", "+13812345678", "+8613812345678", "008613812345678", "8613812345678"]
)
def test_mainland_formats_aliyun_documents(sb: Sandbox, send: Send, number: str) -> None:
    assert send(phone_numbers=number).code == "OK"
    assert sb.messages[0]["PhoneNumber"] == number


@pytest.mark.parametrize("number", ["85268326366", "+85268326366", "12025550123", "447700900123"])
def test_international_formats(sb: Sandbox, send: Send, number: str) -> None:
    assert send(phone_numbers=number, template_code=SIGN_IN_INTL).code == "OK"
    assert sb.messages[0]["Content"] == (
        "【Logto Sandbox】Your sign-in code is 123456. It expires in 5 minutes."
    )


def test_several_numbers_get_one_record_each(sb: Sandbox, send: Send) -> None:
    body = send(phone_numbers="13812345678,13912345678,+8615012345678")
    assert body.code == "OK"
    assert sorted(m["PhoneNumber"] for m in sb.messages) == [
        "+8615012345678",
        "13812345678",
        "13912345678",
    ]
    assert {m["BizId"] for m in sb.messages} == {body.biz_id}


def test_a_thousand_numbers_in_one_call(sb: Sandbox, client: Client) -> None:
    numbers = [f"138{i:08d}" for i in range(1000)]
    request = models.SendSmsRequest(
        phone_numbers=",".join(numbers),
        sign_name=SIGN,
        template_code=SIGN_IN,
        template_param='{"code":"4321"}',
    )
    assert client.send_sms(request).body.code == "OK"
    assert len(sb.messages) == 1000
    assert {m["PhoneNumber"] for m in sb.messages} == set(numbers)
    request.phone_numbers += ",13900000000"
    assert client.send_sms(request).body.code == "isv.MOBILE_COUNT_OVER_LIMIT"
    assert len(sb.messages) == 1000


@pytest.mark.parametrize(
    ("field", "code"),
    [
        ("phone_numbers", "MissingPhoneNumbers"),
        ("sign_name", "MissingSignName"),
        ("template_code", "MissingTemplateCode"),
    ],
)
def test_missing_parameters_raise_client_exception(
    sb: Sandbox, send: Send, field: str, code: str
) -> None:
    with pytest.raises(ClientException) as caught:
        send(**{field: None})
    assert caught.value.code == code
    assert caught.value.status_code == 400
    assert f"{code[len('Missing') :]} is mandatory for this action." in caught.value.message
    assert sb.requests[0]["status"] == 400


def test_flow_control_windows_through_the_sdk(sb: Sandbox, send: Send) -> None:
    """Minute and hour windows are calendar windows of UTC+8; the day is a rolling 24 hours.

    The sandbox clock is set back to 2024 and moved by hours; the SDK signs with real time.
    """
    start = datetime(2024, 5, 1, 9, 53, 59, tzinfo=CHINA)
    sb.clock.set(start)
    assert send().code == "OK"  # 9:53:59
    refused = send()
    assert (refused.code, refused.message) == (
        "isv.BUSINESS_LIMIT_CONTROL",
        "触发分钟级流控Permits:1",
    )
    sb.clock.advance(1)  # 9:54:00, a new calendar minute one second later
    assert send().code == "OK"
    for _ in range(3):  # 9:55, 9:56, 9:57: five this hour
        sb.clock.advance(60)
        assert send().code == "OK"
    sb.clock.set(datetime(2024, 5, 1, 9, 59, 59, tzinfo=CHINA))
    assert send().message == "触发小时级流控Permits:5"
    sb.clock.advance(1)  # 10:00:00: a new calendar hour
    for _ in range(5):
        assert send().code == "OK"
        sb.clock.advance(60)
    sb.clock.set(datetime(2024, 5, 2, 9, 53, 58, tzinfo=CHINA))  # 10 in the last 24 h
    assert send().message == "触发天级流控Permits:10"
    sb.clock.advance(2)  # 24 h after the first send: one permit is back
    assert send().code == "OK"
    assert len(sb.messages) == 11


def test_balance_and_daily_quota(sb: Sandbox, send: Send) -> None:
    sb.set_balance(1)
    assert send().code == "OK"
    body = send(phone_numbers="13912345678")
    assert (body.code, body.message) == ("isv.AMOUNT_NOT_ENOUGH", "账户余额不足")
    sb.set_balance(None)
    sb.set_daily_quota(1)
    body = send(phone_numbers="13912345678")
    assert (body.code, body.message) == ("isv.DAY_LIMIT_CONTROL", "触发日发送限额")
    assert len(sb.messages) == 1


def test_other_accounts_have_their_own_books(sb: Sandbox) -> None:
    sb.add_account("LTAI-second", "second-secret", balance=0)
    other = make_client(sb, key="LTAI-second", secret="second-secret")
    request = sign_in_request()
    assert other.send_sms(request).body.code == "isv.AMOUNT_NOT_ENOUGH"
    sb.add_account("LTAI-second", "second-secret", balance=5)
    assert asyncio.run(other.send_sms_async(request)).body.code == "OK"
    assert sb.messages[0]["PhoneNumber"] == "13812345678"


def test_clock_now_is_aware_and_real_by_default(sb: Sandbox) -> None:
    assert abs((sb.clock.now() - datetime.now(timezone.utc)).total_seconds()) < 5
