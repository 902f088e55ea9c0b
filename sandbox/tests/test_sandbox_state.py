"""The service's rules without a socket: state answers with Aliyun codes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sandbox_helpers import SIGN, SIGN_IN, SIGN_IN_INTL, utc

from aliyun_sms_sandbox import Clock, Fault, SandboxState
from aliyun_sms_sandbox.answers import Answer
from aliyun_sms_sandbox.faults import FaultQueue
from aliyun_sms_sandbox.flow import FlowControl, Limits, window_start
from aliyun_sms_sandbox.models import Signature, Template
from aliyun_sms_sandbox.seed import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_SIGN_NAME,
    default_seed,
    load_seed,
)

CHINA = timezone(timedelta(hours=8))


@pytest.fixture
def state() -> SandboxState:
    s = SandboxState()
    s.clock.set(utc(2024, 5, 1, 6, 3, 30))  # 14:03:30 in UTC+8
    return s


def sms(state: SandboxState, **params: str) -> Answer:
    fields = {
        "PhoneNumbers": "13812345678",
        "SignName": SIGN,
        "TemplateCode": SIGN_IN,
        "TemplateParam": '{"code":"1234"}',
        **params,
    }
    return state.send_sms(state.default_account, {k: v for k, v in fields.items() if v})


def test_default_seed() -> None:
    seed = default_seed()
    assert [a.access_key_id for a in seed.accounts] == [DEFAULT_ACCESS_KEY_ID]
    assert [s.name for s in seed.signatures] == [DEFAULT_SIGN_NAME]
    assert len(seed.templates) == 18
    assert all(
        t.approved and t.kind == "verification" and t.variables == ("code",) for t in seed.templates
    )
    assert sum(t.international for t in seed.templates) == 9
    assert set(seed.usage_types.values()) == {
        "SignIn", "Register", "ForgotPassword", "OrganizationInvitation", "Generic",
        "UserPermissionValidation", "BindNewIdentifier", "MfaVerification", "BindMfa",
    }  # fmt: skip


def test_success_records_one_message_per_number(state: SandboxState) -> None:
    answer = sms(state, PhoneNumbers="13812345678,+8613912345678", OutId="order-1")
    assert (answer.status, answer.code) == (200, "OK")
    assert answer.body["BizId"].endswith("^0")
    outbox = state.outbox()
    assert [m["PhoneNumber"] for m in outbox] == ["+8613912345678", "13812345678"]
    assert {m["BizId"] for m in outbox} == {answer.body["BizId"]}
    first = outbox[1]
    assert (
        first["Content"]
        == "【Logto Sandbox】您正在进行登录，验证码为1234，5分钟内有效，请勿泄露于他人。"
    )
    assert first["SendDate"] == "2024-05-01 14:03:30"
    assert (first["SendStatus"], first["ErrCode"], first["OutId"]) == (3, "DELIVERED", "order-1")
    assert first["TemplateParam"] == '{"code":"1234"}'
    assert state.outbox("8613912345678") == [outbox[0]]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"SignName": "Nobody"}, "isv.SMS_SIGNATURE_ILLEGAL"),
        ({"TemplateCode": "SMS_0"}, "isv.SMS_TEMPLATE_ILLEGAL"),
        ({"TemplateParam": "not json"}, "isv.INVALID_JSON_PARAM"),
        ({"TemplateParam": '["1234"]'}, "isv.INVALID_JSON_PARAM"),
        ({"TemplateParam": '{"code":1234}'}, "isv.INVALID_JSON_PARAM"),
        ({"TemplateParam": '{"other":"1234"}'}, "isv.TEMPLATE_MISSING_PARAMETERS"),
        ({"TemplateParam": ""}, "isv.TEMPLATE_MISSING_PARAMETERS"),
        ({"TemplateParam": '{"code":"123"}'}, "isv.PARAM_LENGTH_LIMIT"),
        ({"TemplateParam": '{"code":"1234567"}'}, "isv.PARAM_LENGTH_LIMIT"),
        ({"TemplateParam": '{"code":"12-45"}'}, "isv.TEMPLATE_PARAMS_ILLEGAL"),
        ({"TemplateParam": '{"code":"１２３４"}'}, "isv.TEMPLATE_PARAMS_ILLEGAL"),
        ({"PhoneNumbers": "1381234567"}, "isv.MOBILE_NUMBER_ILLEGAL"),
        ({"PhoneNumbers": "10812345678"}, "isv.MOBILE_NUMBER_ILLEGAL"),
        ({"PhoneNumbers": "12812345678"}, "isv.SMS_TEMPLATE_ILLEGAL"),
        ({"PhoneNumbers": "13812345678,"}, "isv.MOBILE_NUMBER_ILLEGAL"),
        ({"PhoneNumbers": "85268326366"}, "isv.SMS_TEMPLATE_ILLEGAL"),
        (
            {"PhoneNumbers": "13812345678", "TemplateCode": SIGN_IN_INTL},
            "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
        ),
        ({"PhoneNumbers": ",".join(["13812345678"] * 1001)}, "isv.MOBILE_COUNT_OVER_LIMIT"),
    ],
)
def test_business_refusals(state: SandboxState, params: dict[str, str], code: str) -> None:
    answer = sms(state, **params)
    assert (answer.status, answer.code) == (200, code)
    assert answer.body["Message"]
    assert "BizId" not in answer.body
    assert list(state.messages) == []


@pytest.mark.parametrize("name", ["PhoneNumbers", "SignName", "TemplateCode"])
def test_missing_parameters_are_gateway_errors(state: SandboxState, name: str) -> None:
    answer = sms(state, **{name: ""})
    assert (answer.status, answer.code) == (400, f"Missing{name}")
    assert set(answer.body) == {"RequestId", "HostId", "Code", "Message", "Recommend"}


def test_unapproved_signature_and_template(state: SandboxState) -> None:
    state.add(Signature("Pending", approved=False))
    state.add(Template("SMS_PENDING", "验证码${code}", approved=False))
    assert sms(state, SignName="Pending").code == "isv.SMS_SIGNATURE_ILLEGAL"
    assert sms(state, TemplateCode="SMS_PENDING").code == "isv.SMS_TEMPLATE_ILLEGAL"


def test_notification_templates(state: SandboxState) -> None:
    state.add(Template("SMS_N", "${name}，您的订单${order}已发货", kind="notification"))
    ok = sms(state, TemplateCode="SMS_N", TemplateParam='{"name":"张三 <b>","order":"A-1"}')
    assert ok.code == "OK"
    assert state.outbox()[0]["Content"] == "【Logto Sandbox】张三 <b>，您的订单A-1已发货"
    # notifications are not flow-controlled like codes
    assert sms(state, TemplateCode="SMS_N", TemplateParam='{"name":"x","order":"2"}').code == "OK"
    too_long = json.dumps({"name": "x" * 36, "order": "1"})
    assert sms(state, TemplateCode="SMS_N", TemplateParam=too_long).code == "isv.PARAM_LENGTH_LIMIT"
    url = json.dumps({"name": "see https://evil.example", "order": "1"})
    assert sms(state, TemplateCode="SMS_N", TemplateParam=url).code == "isv.PARAM_NOT_SUPPORT_URL"
    with pytest.raises(ValueError, match="kind"):
        Template("SMS_X", "x", kind="promotion")  # type: ignore[arg-type]


def test_template_without_variables_needs_no_param(state: SandboxState) -> None:
    state.add(Template("SMS_PLAIN", "欢迎使用", kind="notification"))
    assert sms(state, TemplateCode="SMS_PLAIN", TemplateParam="").code == "OK"
    assert state.outbox()[0]["Content"] == "【Logto Sandbox】欢迎使用"


@pytest.mark.parametrize(
    ("number", "international", "code"),
    [
        ("13812345678", False, None),
        ("+13812345678", False, None),
        ("+8613812345678", False, None),
        ("008613812345678", False, None),
        ("8613812345678", False, None),
        ("19912345678", False, None),
        ("138 1234 5678", False, "isv.MOBILE_NUMBER_ILLEGAL"),
        ("+86 13812345678", False, "isv.MOBILE_NUMBER_ILLEGAL"),
        ("861012345678", False, "isv.MOBILE_NUMBER_ILLEGAL"),  # a Beijing landline
        ("12025550123", False, "isv.SMS_TEMPLATE_ILLEGAL"),  # +1 202: not mainland
        ("85268326366", False, "isv.SMS_TEMPLATE_ILLEGAL"),
        ("85268326366", True, None),
        ("+85268326366", True, None),
        ("85260000001", True, None),  # unassigned but possible: test numbers pass
        ("447700900123", True, None),
        ("12025550123", True, None),
        ("18624017194", True, None),  # valid +1 862: read as North American
        ("0085268326366", True, "isv.MOBILE_NUMBER_ILLEGAL"),
        ("852683", True, "isv.MOBILE_NUMBER_ILLEGAL"),
        ("99912345678", True, "isv.MOBILE_NUMBER_ILLEGAL"),  # no country code 999
        ("abc", True, "isv.MOBILE_NUMBER_ILLEGAL"),
        ("13812345678", True, "isv.DOMESTIC_NUMBER_NOT_SUPPORTED"),
        ("8613812345678", True, "isv.DOMESTIC_NUMBER_NOT_SUPPORTED"),
        ("+86 13812345678", True, "isv.MOBILE_NUMBER_ILLEGAL"),
        ("0086138123456789", True, "isv.MOBILE_NUMBER_ILLEGAL"),
        ("861012345678", True, "isv.DOMESTIC_NUMBER_NOT_SUPPORTED"),
    ],
)
def test_phone_formats(
    state: SandboxState, number: str, international: bool, code: str | None
) -> None:
    template = SIGN_IN_INTL if international else SIGN_IN
    assert sms(state, PhoneNumbers=number, TemplateCode=template).code == (code or "OK")


def test_flow_control_minute_window_is_calendar_in_utc8(state: SandboxState) -> None:
    state.clock.set(datetime(2024, 5, 1, 14, 3, 59, tzinfo=CHINA))
    assert sms(state).code == "OK"
    refused = sms(state)
    assert (refused.code, refused.body["Message"]) == (
        "isv.BUSINESS_LIMIT_CONTROL",
        "触发分钟级流控Permits:1",
    )
    state.clock.advance(1)  # 14:04:00: a new calendar minute, one second later
    assert sms(state).code == "OK"
    # the limit is per number and per signature
    assert sms(state, PhoneNumbers="13812345679").code == "OK"
    state.add(Signature("Other"))
    assert sms(state, SignName="Other").code == "OK"
    # mainland prefixes reach the same phone
    assert sms(state, PhoneNumbers="+8613812345678").code == "isv.BUSINESS_LIMIT_CONTROL"


def test_flow_control_hour_window_and_rolling_day(state: SandboxState) -> None:
    state.clock.set(datetime(2024, 5, 1, 9, 54, 0, tzinfo=CHINA))
    for _ in range(5):  # 9:54 ... 9:58
        assert sms(state).code == "OK"
        state.clock.advance(60)
    state.clock.set(datetime(2024, 5, 1, 9, 59, 59, tzinfo=CHINA))
    assert sms(state).body["Message"] == "触发小时级流控Permits:5"
    # one second later: a new calendar hour (10:00 in UTC+8), not 60 minutes after the first
    state.clock.advance(1)
    for _ in range(5):
        assert sms(state).code == "OK"
        state.clock.advance(60)
    # ten within 24 hours: the day limit, whatever the hour
    state.clock.set(datetime(2024, 5, 1, 23, 0, 0, tzinfo=CHINA))
    refused_day = sms(state)
    assert refused_day.body["Message"] == "触发天级流控Permits:10"
    # the day is rolling: 24 h after the first send one permit is back, not at midnight
    state.clock.set(datetime(2024, 5, 2, 0, 0, 1, tzinfo=CHINA))
    assert sms(state).body["Message"] == "触发天级流控Permits:10"
    state.clock.set(datetime(2024, 5, 2, 9, 54, 0, tzinfo=CHINA) + timedelta(seconds=1))
    assert sms(state).code == "OK"


def test_flow_control_does_not_apply_to_international(state: SandboxState) -> None:
    for _ in range(12):
        assert sms(state, PhoneNumbers="85268326366", TemplateCode=SIGN_IN_INTL).code == "OK"


def test_flow_control_unit() -> None:
    flow = FlowControl(Limits(per_minute=2, per_hour=3, per_day=4))
    key = ("ak", "sign", "13812345678")
    t0 = datetime(2024, 5, 1, 14, 0, 0, tzinfo=CHINA).timestamp()
    assert window_start(t0 + 61, 60) == t0 + 60
    assert window_start(t0 + 3599, 3600) == t0
    flow.record(key, t0)
    flow.record(key, t0 + 1)
    assert flow.refusal(key, t0 + 2) == "触发分钟级流控Permits:2"
    assert flow.refusal(key, t0 - 10) is None  # the clock moved back: sends "later" do not count
    flow.record(key, t0 + 60)
    assert flow.refusal(key, t0 + 120) == "触发小时级流控Permits:3"
    flow.record(key, t0 + 3600)
    assert flow.refusal(key, t0 + 7200) == "触发天级流控Permits:4"
    flow.clear()
    assert flow.refusal(key, t0 + 7200) is None


def test_balance_counts_messages(state: SandboxState) -> None:
    state.default_account.balance = 3
    assert sms(state, PhoneNumbers="13812345678,13812345679").code == "OK"
    assert state.default_account.balance == 1
    refused = sms(state, PhoneNumbers="13812345670,13812345671")
    assert (refused.code, refused.body["Message"]) == ("isv.AMOUNT_NOT_ENOUGH", "账户余额不足")
    assert sms(state, PhoneNumbers="13812345670").code == "OK"
    assert sms(state, PhoneNumbers="13812345671").code == "isv.AMOUNT_NOT_ENOUGH"


def test_daily_quota_resets_at_midnight_utc8(state: SandboxState) -> None:
    state.default_account.daily_quota = 2
    state.clock.set(datetime(2024, 5, 1, 23, 59, 0, tzinfo=CHINA))
    assert sms(state, PhoneNumbers="13812345678,13812345679").code == "OK"
    refused = sms(state, PhoneNumbers="13812345670")
    assert (refused.code, refused.body["Message"]) == ("isv.DAY_LIMIT_CONTROL", "触发日发送限额")
    state.clock.set(datetime(2024, 5, 2, 0, 0, 0, tzinfo=CHINA))
    assert sms(state, PhoneNumbers="13812345670").code == "OK"


def test_nonces(state: SandboxState) -> None:
    now = state.clock.time()
    assert state.use_nonce("ak", "n1", now)
    assert not state.use_nonce("ak", "n1", now + 10)
    assert state.use_nonce("other", "n1", now)
    assert state.use_nonce("ak", "n1", now + 16 * 60)  # forgotten after 15 minutes


def test_reset_restores_the_seed(state: SandboxState) -> None:
    state.add(Template("SMS_NEW", "验证码${code}"))
    state.default_account.balance = 0
    state.inject(Fault("error"))
    state.record_request({"action": "SendSms"})
    state.reset()
    assert "SMS_NEW" not in state.templates
    assert state.default_account.balance is None
    assert state.take_fault("SendSms") is None
    assert state.request_log() == []
    assert not state.clock.frozen
    assert sms(state).code == "OK"
    assert state.clear_messages() == 1
    assert state.outbox() == []


def test_template_for_falls_back() -> None:
    state = SandboxState()
    assert state.template_for("SignIn", international=False) == SIGN_IN
    assert state.template_for("Unknown", international=True) == "SMS_900000105"  # Generic
    state.usage_types.clear()
    assert state.template_for("SignIn", international=False) == SIGN_IN  # first approved
    state.templates.clear()
    assert state.template_for("SignIn", international=False) == ""


def test_clock() -> None:
    clock = Clock()
    assert abs(clock.now().timestamp() - datetime.now(timezone.utc).timestamp()) < 5
    clock.advance(3600)
    assert 3590 < clock.time() - datetime.now(timezone.utc).timestamp() < 3610
    assert not clock.frozen
    clock.set(1_700_000_000)
    assert clock.frozen
    assert clock.now() == datetime.fromtimestamp(1_700_000_000, timezone.utc)
    clock.advance(-10)
    assert clock.time() == 1_699_999_990
    with pytest.raises(ValueError, match="aware"):
        clock.set(datetime(2024, 1, 1))
    clock.reset()
    assert not clock.frozen


def test_fault_queue() -> None:
    queue = FaultQueue()
    assert queue.take("SendSms") is None
    queue.add(Fault("error", 2, action="QuerySendDetails"))
    queue.add(Fault("empty"))
    taken = queue.take("SendSms")
    assert taken is not None
    assert taken.kind == "empty"
    assert queue.take("SendSms") is None
    first = queue.take("QuerySendDetails")
    assert first is not None
    assert first.kind == "error"
    assert queue.pending() == [{"kind": "error", "count": 1, "action": "QuerySendDetails"}]
    queue.clear()
    assert queue.pending() == []
    for bad in (
        {"kind": "explode"},
        {"kind": "error", "count": 0},
        {"kind": "error", "status": 99},
    ):
        with pytest.raises(ValueError, match=r"kind|count|status"):
            Fault(**bad)
    assert Fault("error", status=400).error_code == "InvalidParameter"
    assert Fault("error", status=418).error_code == "InternalError"
    assert Fault("throttle").error_code == "Throttling.User"
    assert Fault("error", code="X").error_code == "X"


def test_seed_files(tmp_path: Path) -> None:
    extra: dict[str, Any] = {
        "accounts": [{"accessKeyId": "LTAI-two", "accessKeySecret": "s2", "balance": 5}],
        "signatures": ["Second", {"name": DEFAULT_SIGN_NAME, "approved": False}],
        "templates": [
            {"code": "SMS_EXTRA", "content": "验证码${code}", "usageType": "SignIn"},
            {"code": SIGN_IN, "content": "登录码${code}"},
        ],
    }
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(extra), encoding="utf-8")
    seed = load_seed(path)
    state = SandboxState(seed)
    assert state.default_access_key_id == DEFAULT_ACCESS_KEY_ID
    assert state.accounts["LTAI-two"].balance == 5
    assert not state.signatures[DEFAULT_SIGN_NAME].approved
    assert state.sign_name == "Second"
    assert state.templates[SIGN_IN].content == "登录码${code}"
    assert len(state.templates) == 19

    replaced = load_seed({"replace": True, **extra})
    assert [a.access_key_id for a in replaced.accounts] == ["LTAI-two"]
    assert [t.code for t in replaced.templates] == ["SMS_EXTRA", SIGN_IN]
    assert SandboxState(replaced).template_for("SignIn", international=False) == "SMS_EXTRA"

    bad_seeds: list[Any] = [[1], {"accounts": {}}, {"replace": True}]
    for bad in bad_seeds:
        with pytest.raises(ValueError, match="seed"):
            load_seed(bad)


def test_possible_numbers_agree_with_libphonenumber() -> None:
    """The fast length check plus its parsing fallback say what libphonenumber says."""
    import random

    import phonenumbers

    from aliyun_sms_sandbox.phones import _possible

    rng = random.Random(7)
    samples = [
        str(rng.randint(1, 999)) + str(rng.randint(0, 10 ** rng.randint(3, 14)))
        for _ in range(3000)
    ] + ["400677598766", "8526", "2", "80012345678"]
    for digits in samples:
        try:
            expected = phonenumbers.is_possible_number(phonenumbers.parse("+" + digits))
        except phonenumbers.NumberParseException:
            expected = False
        assert _possible(digits)[0] == expected, digits


def test_one_number_twice_in_one_request_counts_twice(state: SandboxState) -> None:
    answer = sms(state, PhoneNumbers="13812345678,+8613812345678")
    assert answer.code == "isv.BUSINESS_LIMIT_CONTROL"
    assert "分钟级" in answer.body["Message"]
    assert list(state.messages) == []  # refused whole, as Aliyun refuses the request
    assert sms(state, PhoneNumbers="13812345678,13812345679").code == "OK"


def test_absurdly_nested_template_param_is_invalid_json(state: SandboxState) -> None:
    assert sms(state, TemplateParam="[" * 50_000).code == "isv.INVALID_JSON_PARAM"


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), 1e20, -1.0])
def test_the_clock_stays_between_1970_and_9999(bad: float) -> None:
    clock = Clock()
    with pytest.raises(ValueError, match="between 1970 and 9999"):
        clock.set(bad)
    with pytest.raises(ValueError, match="between 1970 and 9999"):
        clock.advance(bad if bad > 0 else -1e12)
    assert not clock.frozen
    assert abs(clock.time() - datetime.now(timezone.utc).timestamp()) < 60


@pytest.mark.parametrize(
    "fields",
    [
        {"count": 1.5},
        {"count": True},
        {"delay_ms": "50"},
        {"retry_after_ms": -1},
        {"status": 101},
        {"status": 204.0},
        {"code": 7},
    ],
)
def test_faults_are_checked_when_queued(fields: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"must be|count must|status must"):
        Fault("error", **fields)


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ({"accounts": [{"accessKeySecret": "s"}]}, r"seed accounts\[0\]: 'accessKeyId' must be"),
        ({"accounts": [{"accessKeyId": "K", "accessKeySecret": 7}]}, "'accessKeySecret'"),
        ({"accounts": ["K"]}, r"seed accounts\[0\] must be a JSON object"),
        ({"accounts": [{"accessKeyId": "K", "accessKeySecret": "S", "balance": -1}]}, "balance"),
        ({"accounts": [{"accessKeyId": "K", "accessKeySecret": "S", "dailyQuota": 1.5}]}, "daily"),
        ({"accounts": [{"accessKeyId": "K", "accessKeySecret": "S", "enabled": "no"}]}, "enabled"),
        ({"signatures": ["A", ""]}, r"seed signatures\[1\] must be a JSON object"),
        ({"signatures": [{"name": "A", "approved": 1}]}, "approved"),
        ({"templates": [{"code": "SMS_1"}]}, r"seed templates\[0\]: 'content' must be"),
        ({"templates": [{"code": "SMS_1", "content": "x", "kind": "promo"}]}, "'kind' must be"),
        ({"templates": [{"code": "SMS_1", "content": "x", "usageType": 3}]}, "'usageType'"),
        ({"templates": [3]}, r"seed templates\[0\] must be a JSON object"),
    ],
)
def test_bad_seed_entries_are_named(bad: dict[str, Any], says: str) -> None:
    with pytest.raises(ValueError, match=says):
        load_seed(bad)


def test_seed_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text("{accounts: []}", encoding="utf-8")
    with pytest.raises(ValueError, match=r"seed .*seed\.json is not UTF-8 JSON: .*line 1 column 2"):
        load_seed(path)


def test_the_request_log_keeps_the_latest_requests(state: SandboxState) -> None:
    from aliyun_sms_sandbox.state import MAX_LOGGED_REQUESTS

    for index in range(MAX_LOGGED_REQUESTS + 5):
        state.record_request({"index": index})
    log = state.request_log()
    assert len(log) == MAX_LOGGED_REQUESTS
    assert (log[0]["index"], log[-1]["index"]) == (5, MAX_LOGGED_REQUESTS + 4)
    assert state.requests_served == MAX_LOGGED_REQUESTS + 5
