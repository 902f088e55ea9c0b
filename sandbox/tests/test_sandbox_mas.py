"""Dypnsapi SendSmsVerifyCode in the sandbox: the official dypnsapi SDK (ACS3) over real HTTP,
gift signatures, system templates, mainland numbers only, flow control, the answer's shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alibabacloud_dypnsapi20170525 import models
from alibabacloud_dypnsapi20170525.client import Client
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import Config
from darabonba.runtime import RuntimeOptions

from aliyun_sms_sandbox import Sandbox
from aliyun_sms_sandbox.mas import GIFT_SIGNATURES, SYSTEM_TEMPLATES, MasService
from aliyun_sms_sandbox.seed import load_seed

GIFT = GIFT_SIGNATURES[0]
PARAM = '{"code":"123456","min":"10"}'


def _client(sb: Sandbox, secret: str | None = None) -> Client:
    return Client(
        Config(
            access_key_id=sb.access_key_id,
            access_key_secret=secret or sb.access_key_secret,
            endpoint=f"{sb.host}:{sb.port}",
            protocol="http",
            read_timeout=5000,
        )
    )


def _send(sb: Sandbox, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "country_code": "86",
        "phone_number": "13812345678",
        "sign_name": GIFT,
        "template_code": "100001",
        "template_param": PARAM,
    }
    fields.update(changes)
    response = _client(sb).send_sms_verify_code_with_options(
        models.SendSmsVerifyCodeRequest(**fields), RuntimeOptions(autoretry=False)
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.body.to_map()
    return body


def test_the_official_sdk_sends_a_code(sb: Sandbox) -> None:
    body = _send(sb, out_id="order-1")
    assert body["Code"] == "OK"
    assert body["Success"] is True
    assert set(body["Model"]) == {"RequestId", "OutId", "BizId"}  # no VerifyCode unless asked
    assert body["Model"]["OutId"] == "order-1"
    [message] = sb.messages
    assert message["Product"] == "Dypnsapi"
    assert message["PhoneNumber"] == "13812345678"
    assert message["BizId"] == body["Model"]["BizId"]
    assert message["Content"] == (
        f"【{GIFT}】您的验证码为123456。尊敬的客户，以上验证码10分钟内有效，请注意保密，切勿告知他人。"
    )
    assert sb.requests[-1]["scheme"] == "ACS3"
    assert sb.requests[-1]["action"] == "SendSmsVerifyCode"


def test_a_generated_code_is_returned_when_asked(sb: Sandbox) -> None:
    body = _send(
        sb,
        template_param='{"code":"##code##","min":"5"}',
        code_length=6,
        code_type=1,
        return_verify_code=True,
    )
    code = body["Model"]["VerifyCode"]
    assert len(code) == 6
    assert code.isdigit()
    assert code in sb.messages[0]["Content"]


@pytest.mark.parametrize("template", sorted(SYSTEM_TEMPLATES))
def test_every_system_template_is_served(sb: Sandbox, template: str) -> None:
    assert _send(sb, template_code=template)["Code"] == "OK"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"phone_number": "+8613812345678"}, "MOBILE_NUMBER_ILLEGAL"),
        ({"phone_number": "1381234567"}, "MOBILE_NUMBER_ILLEGAL"),
        ({"phone_number": "12812345678"}, "MOBILE_NUMBER_ILLEGAL"),
        ({"country_code": "852", "phone_number": "61234567"}, "INVALID_PARAMETERS"),
        ({"sign_name": "阿里云短信测试"}, "INVALID_PARAMETERS"),
        ({"template_code": "SMS_154950909"}, "INVALID_PARAMETERS"),
        ({"template_param": '{"code":"123456"}'}, "INVALID_PARAMETERS"),
        ({"template_param": '{"code":12,"min":"10"}'}, "INVALID_PARAMETERS"),
        ({"template_param": '{"code":"12","min":"10"}'}, "INVALID_PARAMETERS"),
        ({"template_param": "not json"}, "INVALID_PARAMETERS"),
        ({"template_param": '{"code":"123456","min":"ten"}'}, "INVALID_PARAMETERS"),
        (
            {"template_param": '{"code":"##code##","min":"5"}', "code_length": 9},
            "INVALID_PARAMETERS",
        ),
        ({"template_param": '{"code":"##code##","min":"5"}', "code_type": 9}, "INVALID_PARAMETERS"),
        ({"interval": 100000}, "INVALID_PARAMETERS"),
    ],
)
def test_refusals(sb: Sandbox, changes: dict[str, Any], code: str) -> None:
    body = _send(sb, **changes)
    assert body["Code"] == code
    assert body["Success"] is False
    assert isinstance(body["Message"], str)
    assert body["Message"]
    assert sb.messages == []


def test_a_missing_parameter_is_a_gateway_error(sb: Sandbox) -> None:
    with pytest.raises(ClientException) as caught:
        _send(sb, sign_name=None)
    assert caught.value.code == "MissingSignName"


def test_a_rotated_gift_signature_is_refused(sb: Sandbox) -> None:
    assert _send(sb)["Code"] == "OK"
    sb.set_gift_signatures(["新赠送签名"])
    assert _send(sb, phone_number="13912345678")["Code"] == "INVALID_PARAMETERS"
    assert sb.mas_config()["signName"] == "新赠送签名"
    assert _send(sb, phone_number="13912345678", sign_name="新赠送签名")["Code"] == "OK"


def test_the_interval_then_the_hour_and_day_limits(sb: Sandbox) -> None:
    sb.clock.set(1_767_225_600)  # 2026-01-01 08:00 +08:00, the start of an hour
    assert _send(sb)["Code"] == "OK"
    assert _send(sb)["Code"] == "FREQUENCY_FAIL"
    assert _send(sb, interval=0)["Code"] == "OK"  # Interval 0: no minimum gap
    for _ in range(3):
        sb.clock.advance(61)
        assert _send(sb)["Code"] == "OK"
    sb.clock.advance(61)
    limited = _send(sb)
    assert limited["Code"] == "BUSINESS_LIMIT_CONTROL"
    assert "小时" in limited["Message"]
    assert _send(sb, phone_number="13912345678")["Code"] == "OK"  # another number is free
    for _ in range(5):
        sb.clock.advance(3600)
        _send(sb)
    sb.clock.advance(3600)
    assert "天" in _send(sb)["Message"]


def test_a_spent_balance(sb: Sandbox) -> None:
    sb.set_balance(1)
    assert _send(sb)["Code"] == "OK"
    assert _send(sb, phone_number="13912345678")["Code"] == "RESOURCE_NOT_ENOUGH"


def test_a_wrong_secret_is_refused(sb: Sandbox) -> None:
    request = models.SendSmsVerifyCodeRequest(
        phone_number="13812345678", sign_name=GIFT, template_code="100001", template_param=PARAM
    )
    with pytest.raises(ClientException) as caught:
        _client(sb, secret="not-the-secret").send_sms_verify_code_with_options(
            request, RuntimeOptions(autoretry=False)
        )
    assert caught.value.code == "SignatureDoesNotMatch"
    assert sb.messages == []


def test_mas_messages_stay_out_of_sendsms_queries(sb: Sandbox) -> None:
    from alibabacloud_dysmsapi20170525 import models as sms_models
    from sandbox_helpers import make_client

    _send(sb)
    day = sb.clock.now().strftime("%Y%m%d")
    details = make_client(sb).query_send_details_with_options(
        sms_models.QuerySendDetailsRequest(
            phone_number="13812345678", send_date=day, page_size=10, current_page=1
        ),
        RuntimeOptions(autoretry=False),
    )
    assert details.body.code == "OK"
    assert details.body.total_count == "0"


def test_the_outbox_page_names_the_product(sb: Sandbox) -> None:
    import urllib.request

    _send(sb)
    with urllib.request.urlopen(f"{sb.endpoint}/") as page:
        html = page.read().decode()
    assert "Product" in html
    with urllib.request.urlopen(f"{sb.endpoint}/_sandbox/messages") as listed:
        [message] = json.loads(listed.read())
    assert message["Product"] == "Dypnsapi"


def test_a_seed_names_the_gift_signatures() -> None:
    seed = load_seed({"giftSignatures": ["甲验证码"]})
    assert seed.gift_signatures == ["甲验证码"]
    with pytest.raises(ValueError, match="giftSignatures"):
        load_seed({"giftSignatures": "甲验证码"})
    assert MasService(seed.gift_signatures).gift_signatures == ["甲验证码"]


def test_mas_messages_push_receipts_too(sb: Sandbox) -> None:
    """Aliyun pushes MAS receipts in SmsReport's shape (to the URL set in the MAS console; the
    sandbox has one report URL for both products)."""
    from receipt_sink import ReceiptSink

    with ReceiptSink() as sink:
        sb.set_reports(sink.url)
        sb.set_delivery("failed", "MOBILE_IN_BLACK", phone="+8613812345679")
        delivered = _send(sb, out_id="mas-1")["Model"]["BizId"]
        failed = _send(sb, phone_number="13812345679")["Model"]["BizId"]
        assert sb.wait_for_reports()
        by_biz = {r["biz_id"]: r for r in sink.receipts()}
    assert set(by_biz) == {delivered, failed}
    assert by_biz[delivered]["success"] is True
    assert by_biz[delivered]["err_code"] == "DELIVERED"
    assert by_biz[delivered]["out_id"] == "mas-1"
    assert by_biz[delivered]["phone_number"] == "13812345678"
    assert by_biz[failed]["success"] is False
    assert by_biz[failed]["err_code"] == "MOBILE_IN_BLACK"
    statuses = {m["BizId"]: m["SendStatus"] for m in sb.messages}
    assert statuses == {delivered: 3, failed: 2}


def test_a_waiting_mas_message_pushes_nothing(sb: Sandbox) -> None:
    from receipt_sink import ReceiptSink

    with ReceiptSink() as sink:
        sb.set_reports(sink.url)
        sb.set_delivery("waiting")
        _send(sb)
        assert sb.wait_for_reports()
        assert sink.receipts() == []
