"""The MAS connector's sends through the official dypnsapi SDK, over real HTTP, against the
sandbox: Logto's parameters, answers and error codes; refusals before sending; secrets kept."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from importlib.metadata import entry_points
from typing import Any

import pytest

from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode, mas
from logto_connector_aliyun_sms._sdk import cached_clients
from logto_connector_aliyun_sms.mas.send import plan
from logto_usage_types import LOGTO_USAGE_TYPES

ALL_TYPES = LOGTO_USAGE_TYPES
SIGN_IN = {"to": "+8613812345678", "type": "SignIn", "payload": {"code": "123456"}}


def _requests(sb: Any) -> list[dict[str, Any]]:
    return [r["params"] for r in sb.requests if r["action"] == "SendSmsVerifyCode"]


@pytest.mark.parametrize("usage_type", [*ALL_TYPES, "SomethingNew"])
def test_each_usage_type_uses_its_system_template(aliyun_sms_sandbox: Any, usage_type: str) -> None:
    sb = aliyun_sms_sandbox
    config = sb.mas_config()
    data = {
        "to": "8613812345678",
        "type": usage_type,
        "payload": {"code": "123456", "locale": "en"},
    }
    result = mas.send_message(data, config)
    assert list(result) == ["Code", "Message", "RequestId", "Model"]
    assert result["Code"] == "OK"
    assert list(result["Model"]) == ["RequestId", "BizId"]
    wanted = {t["usageType"]: t["templateCode"] for t in config["templates"]}
    [params] = _requests(sb)
    assert params["TemplateCode"] == wanted.get(usage_type, wanted["Generic"])
    assert params["CountryCode"] == "86"
    assert params["PhoneNumber"] == "13812345678"
    assert params["SignName"] == config["signName"]
    assert params["TemplateParam"] == '{"code":"123456","min":"10"}'
    [message] = sb.messages
    assert message["Product"] == "Dypnsapi"
    assert message["BizId"] == result["Model"]["BizId"]


async def test_async_send(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    results = await asyncio.gather(
        *(
            mas.send_message_async(
                {"to": f"+86 139 0000 000{i}", "type": "SignIn", "payload": {"code": "1234"}},
                sb.mas_config(),
            )
            for i in range(5)
        )
    )
    assert [r["Code"] for r in results] == ["OK"] * 5
    assert sorted(p["PhoneNumber"] for p in _requests(sb)) == [f"1390000000{i}" for i in range(5)]


@pytest.mark.parametrize(
    ("payload", "sent"),
    [
        ({"code": "123456", "locale": "zh-CN"}, '{"code":"123456","min":"10"}'),
        ({"code": "123456", "min": "5", "extra": "x"}, '{"code":"123456","min":"10","extra":"x"}'),
        ({"min": "5", "code": 123456}, '{"min":"10","code":"123456"}'),
        ({"code": "654321", "2": "b", "1": "a"}, '{"1":"a","2":"b","code":"654321","min":"10"}'),
        ({"code": "1234", "uiLocales": "fr-CA fr"}, '{"code":"1234","min":"10"}'),
    ],
)
def test_template_param(payload: dict[str, Any], sent: str) -> None:
    config = {
        "accessKeyId": "id",
        "accessKeySecret": "secret",
        "signName": "速通互联验证码",
        "templates": [{"usageType": u, "templateCode": "100001"} for u in ALL_TYPES],
    }
    outgoing = plan({"to": "+8613812345678", "type": "SignIn", "payload": payload}, config)
    assert outgoing.template_param == sent
    assert outgoing.national_number == "13812345678"


@pytest.mark.parametrize(
    "to",
    [
        "+85261234567",  # Hong Kong
        "+1 650 253 0000",
        "13812345678",  # no country code: Logto reads it as +1 381 ...
        "+86 10 1234 5678",  # a Beijing landline
        "+86 138 1234 567",  # too short
        "8613812345678,8613912345678",
        "",
        None,
    ],
)
def test_numbers_other_than_mainland_mobiles_are_refused_before_sending(
    aliyun_sms_sandbox: Any, to: Any
) -> None:
    sb = aliyun_sms_sandbox
    with pytest.raises(ConnectorError) as caught:
        mas.send_message({"to": to, "type": "SignIn", "payload": {"code": "1234"}}, sb.mas_config())
    assert caught.value.code is ConnectorErrorCode.INVALID_REQUEST_PARAMETERS
    assert caught.value.data is not None
    assert "China mainland" in caught.value.data["errorDescription"]
    assert sb.requests == []


@pytest.mark.parametrize("to", ["+86 138-1234-5678", "0086 13812345678", "(+86) 138 1234 5678"])
def test_written_forms_of_a_mainland_number(aliyun_sms_sandbox: Any, to: str) -> None:
    sb = aliyun_sms_sandbox
    mas.send_message({"to": to, "type": "SignIn", "payload": {"code": "1234"}}, sb.mas_config())
    assert [p["PhoneNumber"] for p in _requests(sb)] == ["13812345678"]


def test_a_wrong_secret_is_refused_and_never_shown(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    secret = "Wr0ngSecretThatMustNotLeak"
    with pytest.raises(ConnectorError) as caught:
        mas.send_message(SIGN_IN, {**sb.mas_config(), "accessKeySecret": secret})
    error = caught.value
    assert error.code is ConnectorErrorCode.INVALID_CONFIG
    assert error.data is not None
    assert error.data["Code"] == "SignatureDoesNotMatch"
    assert secret not in repr(error) + json.dumps(error.data, default=str)
    assert sb.messages == []


@pytest.mark.parametrize(
    ("code", "expected", "retryable"),
    [
        ("BUSINESS_LIMIT_CONTROL", ConnectorErrorCode.RATE_LIMIT_EXCEEDED, True),
        ("FREQUENCY_FAIL", ConnectorErrorCode.RATE_LIMIT_EXCEEDED, True),
        ("MOBILE_NUMBER_ILLEGAL", ConnectorErrorCode.INVALID_REQUEST_PARAMETERS, False),
        ("INVALID_PARAMETERS", ConnectorErrorCode.GENERAL, False),
        ("BIZ_NOT_OPEN_STATUS", ConnectorErrorCode.GENERAL, False),
        ("SMS_SYSTEM_ERROR", ConnectorErrorCode.GENERAL, True),
        ("isv.SMS_TEMPLATE_ILLEGAL", ConnectorErrorCode.GENERAL, False),  # SendSms's, not here
        ("SOMETHING_NEW", ConnectorErrorCode.GENERAL, False),
    ],
)
def test_error_mapping(
    aliyun_sms_sandbox: Any, code: str, expected: ConnectorErrorCode, retryable: bool
) -> None:
    sb = aliyun_sms_sandbox
    sb.inject_fault("error", status=200, code=code, message="拒绝", action="SendSmsVerifyCode")
    with pytest.raises(ConnectorError) as caught:
        mas.send_message(SIGN_IN, sb.mas_config())
    error = caught.value
    assert error.code is expected
    assert error.data is not None
    assert error.data["errorDescription"] == "拒绝"
    assert error.data["Code"] == code
    assert isinstance(error.data["RequestId"], str)
    assert error.data["retryable"] is retryable


def test_the_sandbox_flow_control_reaches_logto_as_rate_limit(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.mas_config()
    mas.send_message(SIGN_IN, config)
    with pytest.raises(ConnectorError) as caught:
        mas.send_message(SIGN_IN, config)
    assert caught.value.code is ConnectorErrorCode.RATE_LIMIT_EXCEEDED
    assert caught.value.data is not None
    assert caught.value.data["Code"] == "FREQUENCY_FAIL"


def test_a_rotated_gift_signature(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.mas_config()
    sb.set_gift_signatures(["新的赠送签名"])
    with pytest.raises(ConnectorError) as caught:
        mas.send_message(SIGN_IN, config)
    assert caught.value.code is ConnectorErrorCode.GENERAL
    assert caught.value.data is not None
    assert caught.value.data["Code"] == "INVALID_PARAMETERS"
    assert mas.send_message(SIGN_IN, sb.mas_config())["Code"] == "OK"


def test_limits_refuse_before_sending(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = {**sb.mas_config(), "minSendIntervalSeconds": 120}
    mas.send_message(SIGN_IN, config)
    with pytest.raises(ConnectorError) as caught:
        mas.send_message({**SIGN_IN, "to": "0086 138 1234 5678"}, config)
    assert caught.value.code is ConnectorErrorCode.RATE_LIMIT_EXCEEDED
    assert len(_requests(sb)) == 1


def test_bad_data_is_refused_before_sending(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.mas_config()
    for data in (None, {"to": "+8613812345678", "payload": {}}, {**SIGN_IN, "payload": "x"}):
        with pytest.raises(ConnectorError) as caught:
            mas.send_message(data, config)  # type: ignore[arg-type]
        assert caught.value.code is ConnectorErrorCode.INVALID_REQUEST_PARAMETERS
    with pytest.raises(ConnectorError) as bad_config:
        mas.send_message(SIGN_IN, {**config, "templates": []})
    assert bad_config.value.code is ConnectorErrorCode.INVALID_CONFIG
    assert sb.requests == []


def test_one_sdk_client_per_product(aliyun_sms_sandbox: Any) -> None:
    from logto_connector_aliyun_sms import send_message

    sb = aliyun_sms_sandbox
    before = cached_clients()
    mas.send_message(SIGN_IN, sb.mas_config())
    mas.send_message({**SIGN_IN, "to": "+8613912345678"}, sb.mas_config())
    send_message({"to": "13812345678", "type": "SignIn", "payload": {"code": "1234"}},
                 sb.connector_config())  # fmt: skip
    assert cached_clients() - before <= 2
    assert {r["action"] for r in sb.requests} == {"SendSms", "SendSmsVerifyCode"}


def test_create_connector_and_entry_point(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    asked: list[str] = []

    def get_config(connector_id: str) -> dict[str, Any]:
        asked.append(connector_id)
        return sb.mas_config()

    [entry] = [e for e in entry_points(group="logto.connectors") if e.name == mas.CONNECTOR_ID]
    connector = entry.load()(get_config)
    assert connector.type == "Sms"
    assert connector.metadata == mas.METADATA
    assert connector.config_schema == mas.CONFIG_SCHEMA
    assert connector.send_message(SIGN_IN)["Code"] == "OK"
    assert asked == ["aliyun-short-message-auth-service"]

    async def get_config_async(connector_id: str) -> dict[str, Any]:
        return get_config(connector_id)

    later = mas.create_connector(get_config_async)
    result = asyncio.run(later.send_message_async({**SIGN_IN, "to": "+8613912345678"}))
    assert result["Code"] == "OK"
    assert later.config_guard(sb.mas_config())["signName"] == sb.mas_config()["signName"]
    assert "auth-service" in repr(later)


def test_metadata() -> None:
    from logto_connector_aliyun_sms import METADATA

    meta = mas.METADATA
    assert meta["id"] == "aliyun-short-message-auth-service"
    assert meta["target"] == "aliyun-sms-mas"
    assert set(meta["name"]) == set(METADATA["name"])
    assert set(meta["description"]) == set(METADATA["name"])
    templates = next(i for i in meta["formItems"] if i["key"] == "templates")
    assert [t["usageType"] for t in templates["defaultValue"]] == LOGTO_USAGE_TYPES
    assert mas.validate_config(
        {"accessKeyId": "a", "accessKeySecret": "b", "signName": "c",
         "templates": templates["defaultValue"]}
    )  # fmt: skip
    secret = next(i for i in meta["formItems"] if i["key"] == "accessKeySecret")
    assert secret["isConfidential"] is True
    japanese = mas.metadata_for("ja-JP")
    sign = next(i for i in japanese["formItems"] if i["key"] == "signName")
    assert sign["label"] == "署名名"
    assert "システム署名" in sign["description"]
    assert mas.metadata_for("xx")["formItems"] == meta["formItems"]


def test_importing_mas_loads_no_sdk() -> None:
    script = (
        "import json, sys\n"
        "from logto_connector_aliyun_sms import mas\n"
        "mas.check_config({'accessKeyId': 1})\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    modules = json.loads(done.stdout)
    assert "jsonschema" in modules
    assert [m for m in modules if m.startswith(("alibabacloud", "Tea", "darabonba"))] == []


def test_repr_hides_the_secret() -> None:
    from logto_connector_aliyun_sms.mas.prepared import prepare_config

    config = {
        "accessKeyId": "id",
        "accessKeySecret": "very-secret",
        "signName": "速通互联验证码",
        "templates": [{"usageType": u, "templateCode": "100001"} for u in ALL_TYPES],
    }
    prepared = prepare_config(config)
    outgoing = plan(SIGN_IN, config)
    assert "very-secret" not in repr(prepared) + repr(outgoing) + repr(prepared.client_key)


@pytest.mark.parametrize(
    "answer",
    [
        {"Code": "OK", "RequestId": "R"},  # no Message
        {"Code": "OK", "Message": "OK", "RequestId": "R", "Model": {"BizId": 12}},
    ],
)
def test_an_answer_logto_would_refuse_is_invalid_response(answer: dict[str, Any]) -> None:
    from alibabacloud_dypnsapi20170525.models import SendSmsVerifyCodeResponseBody

    from logto_connector_aliyun_sms.mas.send import result_of

    body = SendSmsVerifyCodeResponseBody().from_map(answer)
    with pytest.raises(ConnectorError) as caught:
        result_of(body)
    assert caught.value.code is ConnectorErrorCode.INVALID_RESPONSE
    assert caught.value.data is not None
    assert caught.value.data["maybeSent"] is True


def test_a_truncated_answer_is_invalid_response(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    sb.inject_fault("truncated", action="SendSmsVerifyCode")
    with pytest.raises(ConnectorError) as caught:
        mas.send_message(SIGN_IN, sb.mas_config())
    assert caught.value.code is ConnectorErrorCode.INVALID_RESPONSE
