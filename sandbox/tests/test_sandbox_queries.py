"""QuerySendDetails, QuerySendStatistics and SendBatchSms, parsed by the SDK's own models."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime

import pytest
from alibabacloud_dysmsapi20170525 import models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi.exceptions import ClientException
from sandbox_helpers import CHINA, SIGN, SIGN_IN, SIGN_IN_INTL, china_day

from aliyun_sms_sandbox import Sandbox

HK = "85268326366"


def _send(client: Client, sb: Sandbox, number: str, template: str, code: str = "1234") -> str:
    request = models.SendSmsRequest(
        phone_numbers=number,
        sign_name=SIGN,
        template_code=template,
        template_param=json.dumps({"code": code}),
        out_id=f"out-{code}",
    )
    body = client.send_sms(request).body
    assert body.code == "OK", body.message
    biz_id: str = body.biz_id
    return biz_id


def _details(client: Client, sb: Sandbox, **fields: object) -> models.QuerySendDetailsResponseBody:
    request = models.QuerySendDetailsRequest(
        **{
            "phone_number": HK,
            "send_date": china_day(sb),
            "page_size": 3,
            "current_page": 1,
            **fields,
        }
    )
    body: models.QuerySendDetailsResponseBody = client.query_send_details(request).body
    return body


def test_query_send_details_across_pages(sb: Sandbox, client: Client) -> None:
    biz_ids = [_send(client, sb, HK, SIGN_IN_INTL, f"{1000 + i}") for i in range(7)]
    _send(client, sb, "85268326300", SIGN_IN_INTL)
    seen: list[models.QuerySendDetailsResponseBodySmsSendDetailDTOsSmsSendDetailDTO] = []
    for page in (1, 2, 3):
        body = _details(client, sb, current_page=page)
        assert (body.code, body.total_count) == ("OK", "7")
        seen += body.sms_send_detail_dtos.sms_send_detail_dto
        assert len(body.sms_send_detail_dtos.sms_send_detail_dto) == (1 if page == 3 else 3)
    assert [d.content for d in seen] == [
        f"【Logto Sandbox】Your sign-in code is {1000 + i}. It expires in 5 minutes."
        for i in reversed(range(7))
    ]  # newest first
    first = seen[-1]
    assert (first.phone_num, first.send_status, first.err_code) == (HK, 3, "DELIVERED")
    assert (first.template_code, first.out_id) == (SIGN_IN_INTL, "out-1000")
    assert first.send_date == first.receive_date
    assert datetime.strptime(first.send_date, "%Y-%m-%d %H:%M:%S")
    assert _details(client, sb, current_page=4).sms_send_detail_dtos.sms_send_detail_dto == []
    only = _details(client, sb, biz_id=biz_ids[2])
    assert only.total_count == "1"
    assert only.sms_send_detail_dtos.sms_send_detail_dto[0].out_id == "out-1002"
    assert _details(client, sb, send_date=china_day(sb, 1)).total_count == "0"
    assert _details(client, sb, phone_number="+" + HK).total_count == "7"


def test_query_send_details_mainland_prefixes_and_async(sb: Sandbox, client: Client) -> None:
    _send(client, sb, "+8613812345678", SIGN_IN)
    request = models.QuerySendDetailsRequest(
        phone_number="13812345678", send_date=china_day(sb), page_size=10, current_page=1
    )
    body = asyncio.run(client.query_send_details_async(request)).body
    assert body.total_count == "1"
    assert body.sms_send_detail_dtos.sms_send_detail_dto[0].phone_num == "+8613812345678"


def test_other_accounts_do_not_see_the_messages(sb: Sandbox, client: Client) -> None:
    from sandbox_helpers import make_client

    _send(client, sb, HK, SIGN_IN_INTL)
    sb.add_account("LTAI-other", "other-secret")
    other = make_client(sb, key="LTAI-other", secret="other-secret")
    request = models.QuerySendDetailsRequest(
        phone_number=HK, send_date=china_day(sb), page_size=10, current_page=1
    )
    assert other.query_send_details(request).body.total_count == "0"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"page_size": 51}, "isv.INVALID_PARAMETERS"),
        ({"page_size": 0}, "isv.INVALID_PARAMETERS"),
        ({"current_page": -1}, "isv.INVALID_PARAMETERS"),
        ({"send_date": "2024-05-01"}, "InvalidSendDate"),
        ({"send_date": "20240231"}, "InvalidSendDate"),
        ({"phone_number": None}, "MissingPhoneNumber"),
        ({"send_date": None}, "MissingSendDate"),
        ({"current_page": None}, "MissingCurrentPage"),
    ],
)
def test_query_send_details_refusals(
    sb: Sandbox, client: Client, fields: dict[str, object], code: str
) -> None:
    if code.startswith("isv."):
        assert _details(client, sb, **fields).code == code
        return
    with pytest.raises(ClientException) as caught:
        _details(client, sb, **fields)
    assert (caught.value.code, caught.value.status_code) == (code, 400)


def test_query_send_details_only_covers_30_days(sb: Sandbox, client: Client) -> None:
    assert _details(client, sb, send_date=china_day(sb, 29)).code == "OK"
    body = _details(client, sb, send_date=china_day(sb, 30))
    assert (body.code, body.message) == (
        "isv.INVALID_PARAMETERS",
        "参数异常: 只能查询最近30天的记录",
    )
    assert _details(client, sb, send_date=china_day(sb, -1)).code == "isv.INVALID_PARAMETERS"


def _statistics(
    client: Client, sb: Sandbox, is_globe: int, page: int, **fields: object
) -> models.QuerySendStatisticsResponseBody:
    request = models.QuerySendStatisticsRequest(
        is_globe=is_globe,
        start_date="20240501",
        end_date="20240505",
        page_index=page,
        page_size=2,
        **fields,
    )
    body: models.QuerySendStatisticsResponseBody = client.query_send_statistics(request).body
    return body


def test_query_send_statistics_per_day_across_pages(sb: Sandbox, client: Client) -> None:
    plan = {1: 2, 2: 1, 4: 3, 6: 5}  # day of May 2024 -> international sends
    for day, count in plan.items():
        sb.clock.set(datetime(2024, 5, day, 12, 0, tzinfo=CHINA))
        for i in range(count):
            _send(client, sb, f"8526832630{i}", SIGN_IN_INTL)
        _send(client, sb, f"1381234567{day}", SIGN_IN)  # one mainland message a day
    sb.add_template("SMS_NOTE", "您的订单${order}已发货", kind="notification")
    request = models.SendSmsRequest(
        phone_numbers="13900000000",
        sign_name=SIGN,
        template_code="SMS_NOTE",
        template_param='{"order":"42"}',
    )
    assert client.send_sms(request).body.code == "OK"  # on May 6

    rows: list[models.QuerySendStatisticsResponseBodyDataTargetList] = []
    for page in (1, 2, 3):
        body = _statistics(client, sb, 2, page)
        assert (body.code, body.data.total_size) == ("OK", 3)  # 1, 2 and 4 May; 6 May is out
        rows += body.data.target_list
    assert [(r.send_date, r.total_count) for r in rows] == [
        ("20240501", 2),
        ("20240502", 1),
        ("20240504", 3),
    ]
    assert all(r.responded_success_count == r.total_count for r in rows)
    assert all(r.responded_fail_count == 0 and r.no_responded_count == 0 for r in rows)
    mainland = _statistics(client, sb, 1, 1)
    assert mainland.data.total_size == 3
    assert [r.total_count for r in mainland.data.target_list] == [1, 1]
    wide = models.QuerySendStatisticsRequest(
        is_globe=1, start_date="20240501", end_date="20240531", page_index=1, page_size=50
    )
    body = client.query_send_statistics(wide).body
    assert [(r.send_date, r.total_count) for r in body.data.target_list][-1] == ("20240506", 2)
    wide.template_type = 0  # verification codes only
    body = client.query_send_statistics(wide).body
    assert sum(r.total_count for r in body.data.target_list) == 4
    wide.template_type = 1
    body = client.query_send_statistics(wide).body
    assert sum(r.total_count for r in body.data.target_list) == 1
    wide.template_type, wide.sign_name = None, "Someone Else"
    assert client.query_send_statistics(wide).body.data.total_size == 0
    wide.sign_name, wide.is_globe, wide.template_type = None, 2, 3
    body = asyncio.run(client.query_send_statistics_async(wide)).body
    assert sum(r.total_count for r in body.data.target_list) == 11


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"is_globe": 3}, "InvalidIsGlobe"),
        ({"start_date": "2024-05-01"}, "InvalidStartDate"),
        ({"end_date": "20241301"}, "InvalidEndDate"),
        ({"start_date": "20240506"}, "isv.INVALID_PARAMETERS"),
        ({"page_size": 60}, "isv.INVALID_PARAMETERS"),
        ({"template_type": 9}, "InvalidTemplateType"),
        ({"is_globe": None}, "MissingIsGlobe"),
        ({"page_index": None}, "MissingPageIndex"),
    ],
)
def test_query_send_statistics_refusals(
    sb: Sandbox, client: Client, fields: dict[str, object], code: str
) -> None:
    arguments: dict[str, object] = {
        "is_globe": 1,
        "start_date": "20240501",
        "end_date": "20240505",
        "page_index": 1,
        "page_size": 10,
        **fields,
    }
    request = models.QuerySendStatisticsRequest(**arguments)
    if code.startswith("isv."):
        assert client.query_send_statistics(request).body.code == code
        return
    with pytest.raises(ClientException) as caught:
        client.query_send_statistics(request)
    assert caught.value.code == code


def _batch(client: Client, **fields: object) -> models.SendBatchSmsResponseBody:
    arguments: dict[str, object] = {
        "phone_number_json": json.dumps(["13812345678", "13912345678"]),
        "sign_name_json": json.dumps([SIGN, SIGN]),
        "template_code": SIGN_IN,
        "template_param_json": json.dumps([{"code": "1111"}, {"code": "2222"}]),
        **fields,
    }
    body: models.SendBatchSmsResponseBody = client.send_batch_sms(
        models.SendBatchSmsRequest(**arguments)
    ).body
    return body


def test_send_batch_sms(sb: Sandbox, client: Client) -> None:
    body = _batch(client)
    assert body.code == "OK"
    assert sorted(re.findall(r"\d{4}", m["Content"])[0] for m in sb.messages) == ["1111", "2222"]
    assert {m["PhoneNumber"]: m["TemplateParam"] for m in sb.messages} == {
        "13812345678": '{"code":"1111"}',
        "13912345678": '{"code":"2222"}',
    }
    [request] = sb.requests
    assert request["action"] == "SendBatchSms"
    assert json.loads(request["params"]["PhoneNumberJson"]) == ["13812345678", "13912345678"]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"phone_number_json": "not json"}, "isv.INVALID_JSON_PARAM"),
        ({"sign_name_json": json.dumps([SIGN])}, "isv.INVALID_PARAMETERS"),
        ({"phone_number_json": json.dumps([1, 2])}, "isv.INVALID_PARAMETERS"),
        (
            {"phone_number_json": json.dumps([f"138{i:08d}" for i in range(101)])},
            "isv.MOBILE_COUNT_OVER_LIMIT",
        ),
        (
            {"template_param_json": json.dumps([{"code": 1}, {"code": "2222"}])},
            "isv.INVALID_JSON_PARAM",
        ),
        ({"template_param_json": None}, "isv.TEMPLATE_MISSING_PARAMETERS"),
        ({"sign_name_json": json.dumps([SIGN, "Nobody"])}, "isv.SMS_SIGNATURE_ILLEGAL"),
    ],
)
def test_send_batch_sms_refusals(
    sb: Sandbox, client: Client, fields: dict[str, object], code: str
) -> None:
    assert _batch(client, **fields).code == code
    assert sb.messages == []


def test_send_batch_sms_missing_parameter(sb: Sandbox, client: Client) -> None:
    with pytest.raises(ClientException) as caught:
        _batch(client, sign_name_json=None)
    assert caught.value.code == "MissingSignNameJson"


def test_delivery_outcomes(sb: Sandbox, client: Client) -> None:
    """set_delivery decides what QuerySendDetails and the statistics report for later sends."""
    _send(client, sb, HK, SIGN_IN_INTL, code="1111")
    sb.set_delivery("failed")
    _send(client, sb, HK, SIGN_IN_INTL, code="2222")
    sb.set_delivery("failed", err_code="MOBILE_IN_BLACK")
    _send(client, sb, HK, SIGN_IN_INTL, code="3333")
    sb.set_delivery("waiting")
    _send(client, sb, HK, SIGN_IN_INTL, code="4444")
    details = _details(client, sb, page_size=10).sms_send_detail_dtos.sms_send_detail_dto
    seen = {d.out_id: (d.send_status, d.err_code) for d in details}
    assert seen == {
        "out-1111": (3, "DELIVERED"),
        "out-2222": (2, "MOBILE_NOT_ON_SERVICE"),
        "out-3333": (2, "MOBILE_IN_BLACK"),
        "out-4444": (1, ""),
    }
    assert [d.receive_date == "" for d in details].count(True) == 1  # only the waiting one
    for bad in (("sent", None), ("failed", "")):
        with pytest.raises(ValueError, match=r"outcome|err_code"):
            sb.set_delivery(*bad)
    sb.reset()
    assert sb.state.delivery == (3, "DELIVERED")
