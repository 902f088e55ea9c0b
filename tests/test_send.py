"""send_message through the official SDK, over HTTP, against the sandbox: Logto's own cases."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from typing import Any

import pytest

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode, TemplateType
from logto_connector_aliyun_sms.send import plan

ALL_TYPES = [t.value for t in TemplateType]


def _codes(config: dict[str, Any], usage_type: str) -> dict[str, str]:
    for template in config["templates"]:
        if template["usageType"] == usage_type:
            code: dict[str, str] = template["templateCode"]
            return code
    raise AssertionError(usage_type)


def _only_request(sb: Any) -> dict[str, Any]:
    sends = [r for r in sb.requests if r["action"] == "SendSms"]
    assert len(sends) == 1, sends
    params: dict[str, Any] = sends[0]["params"]
    return params


@pytest.mark.parametrize("usage_type", ALL_TYPES)
def test_each_usage_type_uses_its_template(aliyun_sms_sandbox: Any, usage_type: str) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    result = aliyun_sms.send_message(
        {"to": "13812345678", "type": usage_type, "payload": {"code": "123456", "locale": "en"}},
        config,
    )
    assert result["Code"] == "OK"
    assert set(result) == {"Code", "Message", "RequestId", "BizId"}
    params = _only_request(sb)
    assert params["TemplateCode"] == _codes(config, usage_type)["china"]
    assert params["SignName"] == config["signName"]
    assert params["PhoneNumbers"] == "13812345678"
    assert params["TemplateParam"] == '{"code":"123456"}'
    [message] = sb.messages
    assert message["BizId"] == result["BizId"]
    assert "123456" in message["Content"]


@pytest.mark.parametrize(
    ("to", "strict", "sent", "region"),
    [
        ("13812345678", False, "13812345678", "china"),
        ("8613812345678", False, "8613812345678", "china"),
        ("+8613812345678", False, "+8613812345678", "china"),
        ("008613812345678", False, "008613812345678", "china"),
        ("18624017194", False, "18624017194", "china"),
        ("8613812345678", True, "8613812345678", "china"),
        ("18624017194", True, "18624017194", "overseas"),
        ("85268326366", False, "85268326366", "overseas"),
        ("+852 6832 6366", True, "85268326366", "overseas"),
        ("+1 (202) 555-0123", False, "12025550123", "overseas"),
    ],
)
def test_china_or_overseas_by_number(
    aliyun_sms_sandbox: Any, to: str, strict: bool, sent: str, region: str
) -> None:
    sb = aliyun_sms_sandbox
    config = dict(sb.connector_config(), strictPhoneRegionNumberCheck=strict)
    aliyun_sms.send_message({"to": to, "type": "SignIn", "payload": {"code": "123456"}}, config)
    params = _only_request(sb)
    assert params["PhoneNumbers"] == sent
    assert params["TemplateCode"] == _codes(config, "SignIn")[region]
    assert len(sb.messages) == 1


def test_locale_and_ui_locales_are_removed(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    payload = {"code": "654321", "locale": "zh-CN", "uiLocales": "fr-CA fr", "extra": "x"}
    aliyun_sms.send_message(
        {"to": "13812345678", "type": "Register", "payload": payload}, sb.connector_config()
    )
    assert _only_request(sb)["TemplateParam"] == '{"code":"654321","extra":"x"}'


def _minimal_config(sb: Any) -> dict[str, Any]:
    config = sb.connector_config()
    keep = {"Register", "SignIn", "ForgotPassword", "Generic"}
    config["templates"] = [t for t in config["templates"] if t["usageType"] in keep]
    return config


@pytest.mark.parametrize("message_type", ["MfaVerification", "BindMfa", "SomethingNew"])
def test_generic_fallback(aliyun_sms_sandbox: Any, message_type: str) -> None:
    sb = aliyun_sms_sandbox
    config = _minimal_config(sb)
    aliyun_sms.send_message(
        {"to": "13812345678", "type": message_type, "payload": {"code": "123456"}}, config
    )
    assert _only_request(sb)["TemplateCode"] == _codes(config, "Generic")["china"]


def test_plain_string_template_code(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    china = _codes(config, "SignIn")["china"]
    for template in config["templates"]:
        template["templateCode"] = _codes(sb.connector_config(), template["usageType"])["china"]
    aliyun_sms.send_message(
        {"to": "13812345678", "type": "SignIn", "payload": {"code": "1234"}}, config
    )
    assert _only_request(sb)["TemplateCode"] == china


def test_first_template_of_a_usage_type_wins(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    duplicate = copy.deepcopy(config["templates"][0])
    duplicate["templateCode"] = "SMS_DOES_NOT_EXIST"
    config["templates"].append(duplicate)
    aliyun_sms.send_message(
        {
            "to": "13812345678",
            "type": config["templates"][0]["usageType"],
            "payload": {"code": "1234"},
        },
        config,
    )
    assert _only_request(sb)["TemplateCode"] != "SMS_DOES_NOT_EXIST"


def test_config_as_json_text(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    result = aliyun_sms.send_message(
        {"to": "13812345678", "type": "SignIn", "payload": {"code": "1234"}},
        json.dumps(sb.connector_config()),
    )
    assert result["Code"] == "OK"


def test_ip_and_unknown_keys_in_data_are_ignored(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    data = {
        "to": "13812345678",
        "type": "SignIn",
        "payload": {"code": "1234"},
        "ip": "1.2.3.4",
        "future": 1,
    }
    assert aliyun_sms.send_message(data, sb.connector_config())["Code"] == "OK"
    assert "1.2.3.4" not in json.dumps(_only_request(sb))


BAD_INPUTS: list[tuple[Any, str]] = [
    (None, "data must be an object"),
    ("13812345678", "data must be an object"),
    ({"type": "SignIn", "payload": {}}, "`to` must be a phone number string"),
    ({"to": 13812345678, "type": "SignIn", "payload": {}}, "`to` must be a phone number string"),
    ({"to": "13812345678", "type": "", "payload": {}}, "data.type"),
    ({"to": "13812345678", "payload": {}}, "data.type"),
    ({"to": "13812345678", "type": 3, "payload": {}}, "data.type"),
    ({"to": "13812345678", "type": "SignIn"}, "data.payload"),
    ({"to": "13812345678", "type": "SignIn", "payload": "code"}, "payload: must be an object"),
    ({"to": "13812345678", "type": "SignIn", "payload": {"code": {"a": 1}}}, "payload"),
    ({"to": "13812345678,13912345678", "type": "SignIn", "payload": {}}, "several recipients"),
    ({"to": "13812345678;13912345678", "type": "SignIn", "payload": {}}, "several recipients"),
    ({"to": "138123456789", "type": "SignIn", "payload": {}}, "not a single phone number"),
    ({"to": "call me", "type": "SignIn", "payload": {}}, "not a single phone number"),
    ({"to": "+44 20", "type": "SignIn", "payload": {}}, "too short"),
]


@pytest.mark.parametrize(("data", "text"), BAD_INPUTS)
def test_bad_input_is_refused_before_any_request(
    aliyun_sms_sandbox: Any, data: Any, text: str
) -> None:
    sb = aliyun_sms_sandbox
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.send_message(data, sb.connector_config())
    assert caught.value.code is ConnectorErrorCode.INVALID_REQUEST_PARAMETERS
    assert text in str(caught.value)
    assert sb.requests == []
    assert sb.messages == []


def test_invalid_config_is_refused_before_any_request(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    del config["templates"][0:5]
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.send_message({"to": "13812345678", "type": "SignIn", "payload": {}}, config)
    assert caught.value.code is ConnectorErrorCode.INVALID_CONFIG
    assert sb.requests == []


def test_allowed_country_codes(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = dict(sb.connector_config(), allowedCountryCodes=["86", "HK"])
    ok = {"type": "SignIn", "payload": {"code": "1234"}}
    aliyun_sms.send_message({"to": "13812345678", **ok}, config)
    aliyun_sms.send_message({"to": "85268326366", **ok}, config)
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.send_message({"to": "+1 202 555 0123", **ok}, config)
    assert caught.value.code is ConnectorErrorCode.INVALID_REQUEST_PARAMETERS
    assert "allowedCountryCodes" in str(caught.value)
    assert len(sb.requests) == 2


def test_min_send_interval(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = dict(sb.connector_config(), minSendIntervalSeconds=3600)
    data = {"to": "85268326300", "type": "SignIn", "payload": {"code": "1234"}}
    aliyun_sms.send_message(data, config)
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.send_message(data, config)
    assert caught.value.code is ConnectorErrorCode.RATE_LIMIT_EXCEEDED
    assert caught.value.data["retryAfterMs"] > 0  # type: ignore[index]
    assert len(sb.requests) == 1
    other = dict(data, to="85268326301")
    assert aliyun_sms.send_message(other, config)["Code"] == "OK"


def test_min_send_interval_knows_a_number_however_it_is_written(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = dict(sb.connector_config(), minSendIntervalSeconds=3600)
    # the guard is per process: a number no other test sends to
    data = {"to": "+8613900139123", "type": "SignIn", "payload": {"code": "1234"}}
    aliyun_sms.send_message(data, config)
    for written in ("8613900139123", "13900139123", "008613900139123", "+86 139 0013 9123"):
        with pytest.raises(ConnectorError) as caught:
            aliyun_sms.send_message(dict(data, to=written), config)
        assert caught.value.code is ConnectorErrorCode.RATE_LIMIT_EXCEEDED
    assert len(sb.requests) == 1


def test_refusals_before_sending_are_logged_as_warnings(
    aliyun_sms_sandbox: Any, caplog: pytest.LogCaptureFixture
) -> None:
    sb = aliyun_sms_sandbox
    caplog.set_level(logging.INFO, logger="logto_connector_aliyun_sms")
    config = dict(sb.connector_config(), allowedCountryCodes=["86"], minSendIntervalSeconds=60)
    refused = [
        ({"to": "+1 202 555 0123"}, config, "invalid_request_parameters", "allowedCountryCodes"),
        ({"to": "1,2"}, config, "invalid_request_parameters", "several recipients"),
        ({"to": "13812345678"}, {"templates": []}, "invalid_config", "accessKeyId"),
    ]
    for data, cfg, code, reason in refused:
        caplog.clear()
        with pytest.raises(ConnectorError):
            aliyun_sms.send_message({"type": "SignIn", "payload": {"code": "1"}, **data}, cfg)
        [warning] = [r for r in caplog.records if r.name == "logto_connector_aliyun_sms"]
        assert warning.levelno == logging.WARNING
        assert f"refused before sending: {code}" in warning.getMessage()
        assert reason in warning.getMessage()
    ok = {"to": "13812345678", "type": "SignIn", "payload": {"code": "1234"}}
    aliyun_sms.send_message(ok, config)
    caplog.clear()
    with pytest.raises(ConnectorError):
        aliyun_sms.send_message(ok, config)
    [warning] = [r for r in caplog.records if r.name == "logto_connector_aliyun_sms"]
    assert "SMS to 138****5678 refused before sending: rate_limit_exceeded" in warning.getMessage()
    assert len(sb.requests) == 1


def test_a_template_param_too_long_is_refused(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    data = {"to": "13812345678", "type": "SignIn", "payload": {"code": "1" * 5000}}
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.send_message(data, sb.connector_config())
    assert caught.value.code is ConnectorErrorCode.INVALID_REQUEST_PARAMETERS
    assert sb.requests == []


def test_internal_reprs_hold_no_secret(aliyun_sms_sandbox: Any) -> None:
    config = aliyun_sms_sandbox.connector_config()
    outgoing = plan({"to": "13812345678", "type": "SignIn", "payload": {}}, config)
    for text in (repr(outgoing), repr(outgoing.prepared), repr(outgoing.prepared.client())):
        assert config["accessKeySecret"] not in text
        assert "13812345678" not in text
    assert "138****5678" in repr(outgoing)


def test_logging_masks_numbers_and_reports_ids(
    aliyun_sms_sandbox: Any, caplog: pytest.LogCaptureFixture
) -> None:
    sb = aliyun_sms_sandbox
    caplog.set_level(logging.INFO, logger="logto_connector_aliyun_sms")
    config = sb.connector_config()
    result = aliyun_sms.send_message(
        {"to": "+8613812345678", "type": "SignIn", "payload": {"code": "1234"}}, config
    )
    [record] = [r for r in caplog.records if r.name == "logto_connector_aliyun_sms"]
    assert record.levelno == logging.INFO
    text = record.getMessage()
    assert "138****5678" in text
    assert "13812345678" not in text
    assert result["RequestId"] in text
    assert result["BizId"] in text
    assert _codes(config, "SignIn")["china"] in text
    assert " ms" in text
    caplog.clear()
    config["signName"] = "No Such Signature"
    with pytest.raises(ConnectorError):
        aliyun_sms.send_message(
            {"to": "+8613812345678", "type": "SignIn", "payload": {"code": "1234"}}, config
        )
    [warning] = [r for r in caplog.records if r.name == "logto_connector_aliyun_sms"]
    assert warning.levelno == logging.WARNING
    assert "13812345678" not in warning.getMessage()
    assert "invalid_config" in warning.getMessage()
    expected = "(not sent): invalid_config: isv.SMS_SIGNATURE_ILLEGAL (RequestId "
    assert expected in warning.getMessage()


def test_a_dropped_connection_logs_its_cause_and_that_it_may_have_been_sent(
    aliyun_sms_sandbox: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Not ``general None (RequestId None)``: what failed, and whether the message may be out."""
    aliyun_sms_sandbox.inject_fault("drop", count=5, action="SendSms")
    caplog.set_level(logging.WARNING, logger="logto_connector_aliyun_sms")
    with pytest.raises(ConnectorError) as raised:
        aliyun_sms.send_message(
            {"to": "+8613812345678", "type": "SignIn", "payload": {"code": "1234"}},
            aliyun_sms_sandbox.connector_config(),
        )
    assert raised.value.data is not None
    assert raised.value.data["maybeSent"] is True
    [warning] = [r for r in caplog.records if r.name == "logto_connector_aliyun_sms"]
    text = warning.getMessage()
    assert "(may have been sent): general: " in text
    assert raised.value.data["errorDescription"] in text  # the cause, e.g. the server hung up
    assert "None" not in text
    assert "RequestId" not in text  # none came back: not printed as "RequestId None"


def test_proxy_variables_do_not_break_loopback(
    aliyun_sms_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    sb = aliyun_sms_sandbox
    data = {"to": "13812345678", "type": "SignIn", "payload": {"code": "1234"}}
    assert aliyun_sms.send_message(data, sb.connector_config())["Code"] == "OK"
    data["to"] = "13812345679"
    result = asyncio.run(aliyun_sms.send_message_async(data, sb.connector_config()))
    assert result["Code"] == "OK"
    assert len(sb.messages) == 2
