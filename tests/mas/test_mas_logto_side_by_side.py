"""Side by side with Logto's own MAS connector (``@logto/connector-aliyun-sms-mas`` from npm):
the same inputs, sent to the same sandbox, must reach Aliyun with the same parameters and come
back with the same result or error code; where this connector differs, it differs on purpose
(the docs' "differs on purpose" table lists each case marked here)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from mas_helpers import LOGTO_MAS, run_node

from logto_connector_aliyun_sms import ConnectorError, mas
from logto_usage_types import LOGTO_USAGE_TYPES

COMPARED = ("CountryCode", "PhoneNumber", "SignName", "TemplateCode", "TemplateParam")
TYPES = [*LOGTO_USAGE_TYPES, "SomethingNew"]


def _same_cases() -> list[dict[str, Any]]:
    """Inputs on which both connectors must behave alike (each to a number of its own)."""
    cases: list[dict[str, Any]] = []

    def add(name: str, to: str, usage: str = "SignIn", payload: Any = None) -> None:
        data = {"to": to, "type": usage, "payload": payload or {"code": "123456"}}
        cases.append({"name": name, "data": data})

    for index, usage in enumerate(TYPES):
        add(f"type {usage}", f"86139000001{index:02d}", usage, {"code": "123456", "locale": "en"})
    add("+86 form", "+8613900000200")
    add("0086 form", "008613900000201")
    add("spaced form", "+86 139 0000 0202")
    add("dashed form", "+86-139-0000-0203")
    add("min in the payload", "8613900000204", payload={"min": "5", "code": "123456"})
    add("more variables", "8613900000205", payload={"code": "123456", "product": "Logto"})
    add("integer-like keys", "8613900000206", payload={"code": "123456", "2": "b", "1": "a"})
    add("unicode", "8613900000207", payload={"code": "123456", "app": "应用 ✓"})
    add("Hong Kong", "85261234567")
    add("no country code", "13900000208")
    add("North America", "16502530000")
    return cases


def _outcome(entry: dict[str, Any]) -> Any:
    if entry["ok"]:
        result = entry["result"]
        return ("ok", list(result), sorted(result.get("Model", {})))
    return ("error", entry["error"]["code"])


def _ours(cases: list[dict[str, Any]], config: dict[str, Any]) -> list[Any]:
    out = []
    for case in cases:
        try:
            result = mas.send_message(copy.deepcopy(case["data"]), case.get("config") or config)
        except ConnectorError as error:
            out.append(("error", error.code.value))
        else:
            out.append(("ok", list(result), sorted(result.get("Model", {}))))
    return out


def _sent(sb: Any) -> dict[str, dict[str, str]]:
    """The SendSmsVerifyCode parameters received, by PhoneNumber."""
    sent = {}
    for request in sb.requests:
        if request["action"] == "SendSmsVerifyCode":
            params = request["params"]
            sent[params["PhoneNumber"]] = {k: params.get(k) for k in COMPARED}
    return sent


def _logto(node: str, sb: Any, cases: list[dict[str, Any]], tmp_path: Path) -> list[Any]:
    config = {k: v for k, v in sb.mas_config().items() if k != "endpoint"}
    file = tmp_path / "cases.json"
    file.write_text(
        json.dumps([{"config": config, **case} for case in cases], ensure_ascii=False), "utf-8"
    )
    return [_outcome(entry) for entry in run_node(node, str(LOGTO_MAS), sb.endpoint, str(file))]


def test_the_same_parameters_results_and_errors(
    aliyun_sms_sandbox: Any, node: str, tmp_path: Path
) -> None:
    sb = aliyun_sms_sandbox
    cases = _same_cases()
    theirs = _logto(node, sb, cases, tmp_path)
    sent_by_logto = _sent(sb)
    schemes = {r["scheme"] for r in sb.requests}
    sb.reset()
    ours = _ours(cases, sb.mas_config())
    sent_by_us = _sent(sb)
    assert schemes == {"V1"}  # Logto signs RPC v1; the official SDK signs ACS3
    assert {r["scheme"] for r in sb.requests} == {"ACS3"}
    for case, logto_outcome, our_outcome in zip(cases, theirs, ours, strict=True):
        assert our_outcome == logto_outcome, case["name"]
    assert sent_by_us == sent_by_logto
    assert len(sent_by_us) == sum(1 for outcome in ours if outcome[0] == "ok")


@pytest.mark.parametrize(
    "code", ["BUSINESS_LIMIT_CONTROL", "FREQUENCY_FAIL", "MOBILE_NUMBER_ILLEGAL", "OTHER"]
)
def test_the_same_error_codes_for_aliyuns_answers(
    aliyun_sms_sandbox: Any, node: str, tmp_path: Path, code: str
) -> None:
    sb = aliyun_sms_sandbox
    case = {"name": code, "data": {"to": "+8613812345678", "type": "SignIn", "payload": {}}}
    sb.inject_fault("error", status=200, code=code, message="m", action="SendSmsVerifyCode")
    [theirs] = _logto(node, sb, [case], tmp_path)
    sb.inject_fault("error", status=200, code=code, message="m", action="SendSmsVerifyCode")
    [ours] = _ours([case], sb.mas_config())
    assert ours == theirs
    assert ours[0] == "error"


def test_the_same_answer_to_a_rotated_signature(
    aliyun_sms_sandbox: Any, node: str, tmp_path: Path
) -> None:
    sb = aliyun_sms_sandbox
    case = {"name": "old", "data": {"to": "+8613812345678", "type": "SignIn", "payload": {}}}
    config = sb.mas_config()
    sb.set_gift_signatures(["新的赠送签名"])
    [theirs] = _logto(node, sb, [{**case, "config": {**config, "endpoint": None}}], tmp_path)
    [ours] = _ours([case], config)
    assert ours == theirs == ("error", "general")


# --- where this connector differs on purpose ---------------------------------------------------


def test_differs_a_landline_is_refused_before_sending(
    aliyun_sms_sandbox: Any, node: str, tmp_path: Path
) -> None:
    """Logto sends a +86 landline and Aliyun refuses it (MOBILE_NUMBER_ILLEGAL); the same error
    code here, without the request."""
    sb = aliyun_sms_sandbox
    case = {"name": "landline", "data": {"to": "+861012345678", "type": "SignIn", "payload": {}}}
    [theirs] = _logto(node, sb, [case], tmp_path)
    assert [r["code"] for r in sb.requests] == ["MOBILE_NUMBER_ILLEGAL"]
    sb.reset()
    [ours] = _ours([case], sb.mas_config())
    assert ours == theirs == ("error", "invalid_request_parameters")
    assert sb.requests == []


def test_differs_numbers_in_the_payload_are_sent_as_text(
    aliyun_sms_sandbox: Any, node: str, tmp_path: Path
) -> None:
    """Logto writes ``{"code":123456}``, which Aliyun takes only as text: here ``"123456"``."""
    sb = aliyun_sms_sandbox
    case = {"name": "n", "data": {"to": "+8613812345678", "type": "SignIn",
                                  "payload": {"code": 123456}}}  # fmt: skip
    [theirs] = _logto(node, sb, [case], tmp_path)
    assert _sent(sb)["13812345678"]["TemplateParam"] == '{"code":123456,"min":"10"}'
    assert theirs == ("error", "general")
    sb.reset()
    [ours] = _ours([case], sb.mas_config())
    assert ours[0] == "ok"
    assert _sent(sb)["13812345678"]["TemplateParam"] == '{"code":"123456","min":"10"}'


def test_differs_a_wrong_key_is_invalid_config(
    aliyun_sms_sandbox: Any, node: str, tmp_path: Path
) -> None:
    """Logto reports every gateway refusal as ``general``; a wrong key is ``invalid_config``
    here, as in the SendSms connector (fix the config, do not retry)."""
    sb = aliyun_sms_sandbox
    config = {**sb.mas_config(), "accessKeySecret": "wrong"}
    case = {"name": "key", "data": {"to": "+8613812345678", "type": "SignIn", "payload": {}}}
    [theirs] = _logto(node, sb, [{**case, "config": {**config, "endpoint": None}}], tmp_path)
    [ours] = _ours([{**case, "config": config}], config)
    assert theirs == ("error", "general")
    assert ours == ("error", "invalid_config")
    assert [r["code"] for r in sb.requests] == ["SignatureDoesNotMatch"] * 2


def test_differs_ui_locales_stay_out_of_the_template_param(
    aliyun_sms_sandbox: Any, node: str, tmp_path: Path
) -> None:
    """Logto passes ``uiLocales`` on as a template variable; it is no variable of any system
    template, so it is left out here, as the SendSms connector leaves it out."""
    sb = aliyun_sms_sandbox
    payload = {"code": "123456", "uiLocales": "fr-CA fr"}
    case = {"name": "ui", "data": {"to": "+8613812345678", "type": "SignIn", "payload": payload}}
    _logto(node, sb, [case], tmp_path)
    logto_param = _sent(sb)["13812345678"]["TemplateParam"]
    sb.reset()
    _ours([case], sb.mas_config())
    assert logto_param == '{"code":"123456","uiLocales":"fr-CA fr","min":"10"}'
    assert _sent(sb)["13812345678"]["TemplateParam"] == '{"code":"123456","min":"10"}'
