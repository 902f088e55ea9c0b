"""The MAS connector's config: the schema file, and the same verdicts in Python (jsonschema and
``validate_config``), in Ajv, and (on every config Logto accepts) in Logto's own guard.

``tests/mas/config_cases.json`` holds each case's verdict here (``valid``) and Logto's
(``logto``). They differ only where this connector refuses on purpose: an empty key, signature
or template code (never works), or a bad value of one of this connector's own optional keys.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from mas_helpers import JS_DIR, LOGTO_MAS, ROOT, run_node

from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode, mas

SCHEMA_FILE = ROOT / "schema" / "aliyun-sms-mas-connector.schema.json"
CASES_FILE = Path(__file__).with_name("config_cases.json")
SCHEMA: dict[str, Any] = json.loads(SCHEMA_FILE.read_text("utf-8"))
CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text("utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)
TEXT = re.compile(SCHEMA["$defs"]["text"]["pattern"])
OWN_KEYS = {
    "endpoint",
    "connectTimeout",
    "readTimeout",
    "minSendIntervalSeconds",
    "maxMessagesPerNumberPerDay",
    "maxMessagesPerIpPerHour",
    "maxMessagesPerCountryPerHour",
    "limitsFailMode",
}


def _params() -> list[Any]:
    return [pytest.param(case, id=case["name"]) for case in CASES]


def test_the_schema_is_valid_and_shipped() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert mas.CONFIG_SCHEMA == SCHEMA
    assert (
        set(SCHEMA["properties"])
        == {"accessKeyId", "accessKeySecret", "signName"} | {"templates"} | OWN_KEYS
    )


def test_the_optional_keys_are_the_sendsms_connectors() -> None:
    first = json.loads((ROOT / "schema" / "aliyun-sms-connector.schema.json").read_text("utf-8"))
    for key in OWN_KEYS - {"endpoint", "maxMessagesPerCountryPerHour"}:
        assert SCHEMA["properties"][key] == first["properties"][key], key
    assert SCHEMA["properties"]["endpoint"]["pattern"] == first["properties"]["endpoint"]["pattern"]


def test_cases_differ_from_logto_only_on_purpose() -> None:
    for case in CASES:
        if case["valid"] == case["logto"]:
            continue
        assert case["logto"], "never accept what Logto refuses"
        assert not case["valid"]
        config = case["config"]
        empty = [k for k in ("accessKeyId", "accessKeySecret", "signName") if config.get(k) == ""]
        empty_code = any(t.get("templateCode") == "" for t in config["templates"])
        own = OWN_KEYS & set(config)
        assert empty or empty_code or own or _bad_text(config), case["name"]


def _bad_text(config: Any) -> bool:
    """A text value with a control character or a lone surrogate (refused as the SendSms
    connector refuses it: it would reach a header, the signature or Aliyun's parameters)."""
    if not isinstance(config, dict):
        return False
    texts = [config.get(k) for k in ("accessKeyId", "accessKeySecret", "signName")]
    templates = config.get("templates")
    for template in templates if isinstance(templates, list) else []:
        if isinstance(template, dict):
            texts += [template.get("usageType"), template.get("templateCode")]
    return any(isinstance(t, str) and not TEXT.fullmatch(t) for t in texts)


def test_every_text_value_refuses_what_the_sendsms_schema_refuses() -> None:
    """The same $defs/text as the SendSms schema, on every free-text value of the config."""
    first = json.loads((ROOT / "schema" / "aliyun-sms-connector.schema.json").read_text("utf-8"))
    assert SCHEMA["$defs"]["text"] == first["$defs"]["text"]
    template = SCHEMA["$defs"]["template"]["properties"]
    for node in (
        *(SCHEMA["properties"][k] for k in ("accessKeyId", "accessKeySecret", "signName")),
        template["usageType"],
        template["templateCode"],
    ):
        assert node["$ref"] == "#/$defs/text", node["title"]
    named = {case["name"] for case in CASES if _bad_text(case["config"]) if not case["valid"]}
    assert len(named) >= 8, named


def test_a_control_character_is_named_without_its_value() -> None:
    config = json.loads(json.dumps(CASES[0]["config"]))
    config["signName"] = "速通互联验证码\n"
    config["accessKeySecret"] = "secret\ud800"
    with pytest.raises(ConnectorError) as caught:
        mas.validate_config(config)
    assert caught.value.data is not None
    errors = caught.value.data["errors"]
    assert [e["path"] for e in errors] == ["accessKeySecret", "signName"]
    assert all("control characters" in e["message"] for e in errors)
    assert "secret" not in json.dumps(caught.value.data).replace("accessKeySecret", "")


@pytest.mark.parametrize("case", _params())
def test_python_verdict(case: dict[str, Any]) -> None:
    config = case["config"]
    assert VALIDATOR.is_valid(config) is case["valid"]
    assert mas.check_config(config)["valid"] is case["valid"]
    if case["valid"]:
        result = mas.validate_config(config)
        assert set(result) <= set(SCHEMA["properties"])
        assert VALIDATOR.is_valid(result)
        assert None not in result.values()
    else:
        with pytest.raises(ConnectorError) as caught:
            mas.validate_config(config)
        assert caught.value.code is ConnectorErrorCode.INVALID_CONFIG
        assert caught.value.data is not None
        assert caught.value.data["errors"]


@pytest.fixture(scope="module")
def ajv(node: str) -> dict[str, bool]:
    verdicts = run_node(node, str(JS_DIR / "validate.mjs"), str(SCHEMA_FILE), str(CASES_FILE))
    return {v["name"]: v["valid"] for v in verdicts}


@pytest.fixture(scope="module")
def logto(node: str) -> dict[str, bool]:
    verdicts = run_node(node, str(LOGTO_MAS), "--guard", str(CASES_FILE))
    return {v["name"]: v["valid"] for v in verdicts}


@pytest.mark.parametrize("case", _params())
def test_ajv_verdict(case: dict[str, Any], ajv: dict[str, bool]) -> None:
    assert ajv[case["name"]] is case["valid"]


@pytest.mark.parametrize("case", _params())
def test_logto_guard_verdict(case: dict[str, Any], logto: dict[str, bool]) -> None:
    assert logto[case["name"]] is case["logto"]


def test_missing_usage_types_are_named_as_logto_names_them() -> None:
    config = next(c for c in CASES if c["name"] == "no BindMfa template")["config"]
    with pytest.raises(ConnectorError) as caught:
        mas.validate_config(config)
    assert "UsageType (BindMfa) should be provided in templates." in str(caught.value.data)


def test_errors_never_quote_a_value() -> None:
    secret = "s3cret-value-never-shown"
    config = {"accessKeyId": 1, "accessKeySecret": secret, "signName": "", "templates": "x"}
    with pytest.raises(ConnectorError) as caught:
        mas.validate_config(config)
    assert secret not in repr(caught.value) + json.dumps(caught.value.data)
    report = mas.check_config(config)
    assert secret not in json.dumps(report)
    assert {e["key"] for e in report["errors"]} == {"accessKeyId", "signName", "templates"}


def test_config_as_json_text_and_bad_text() -> None:
    config = next(c for c in CASES if c["name"] == "Logto's form defaults")["config"]
    assert mas.validate_config(json.dumps(config))["signName"] == config["signName"]
    report = mas.check_config("{not json")
    assert report["valid"] is False
    assert report["errors"][0]["pointer"] == ""


def test_warnings_point_at_what_aliyun_will_refuse() -> None:
    config = next(c for c in CASES if c["name"] == "Logto's form defaults")["config"]
    assert mas.check_config(config)["warnings"] == []
    odd = {**config, "signName": "<signature-name>"}
    odd["templates"] = [{**config["templates"][0], "templateCode": "SMS_1"}, *config["templates"]]
    report = mas.check_config(odd)
    assert report["valid"] is True
    assert [w["pointer"] for w in report["warnings"]] == ["/signName", "/templates/0/templateCode"]
    assert "templates[0].templateCode is not a system template" in report["warnings"][1]["message"]
    japanese = mas.check_config(odd, "ja-JP")["warnings"]
    assert "システム署名" in japanese[0]["message"]
    assert japanese[1]["message"].startswith("templates[0].templateCode はシステムテンプレート")
    chinese = mas.check_config(odd, "zh-Hans")["warnings"]
    assert "赠送签名" in chinese[0]["message"]


def test_unknown_keys_are_dropped() -> None:
    config = next(c for c in CASES if c["name"] == "unknown keys are tolerated")["config"]
    result = mas.validate_config(config)
    assert "note" not in result
    assert "nested" not in result
