"""check_config: validate_config's verdict and problems placed at their fields, plus warnings."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import METADATA, ConnectorError, TemplateType, check_config
from logto_connector_aliyun_sms.texts import TEMPLATES_EXAMPLE

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parent / "config_cases.json").read_text("utf-8")
)
SECRET = "canary-Secret-4f9e2b7c"
FORM_KEYS = {item["key"] for item in METADATA["formItems"]}


def make_config(**extra: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "accessKeyId": "LTAI5tExample",
        "accessKeySecret": SECRET,
        "signName": "Logto",
        "templates": copy.deepcopy(TEMPLATES_EXAMPLE),
    }
    config.update(extra)
    return config


def resolve(document: Any, pointer: str) -> Any:
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


def messages(report: dict[str, Any], kind: str = "warnings") -> list[str]:
    return [problem["message"] for problem in report[kind]]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_same_verdict_and_problems_as_validate_config(case: dict[str, Any]) -> None:
    config = case["config"]
    report = check_config(config)
    assert json.loads(json.dumps(report, allow_nan=False)) == report
    assert set(report) == {"valid", "errors", "warnings"}
    assert report["valid"] is case["valid"]
    if case["valid"]:
        assert report["errors"] == []
        return
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.validate_config(config)
    data = caught.value.data
    assert data is not None
    logto_worded = ("(root)", "Template with UsageType")  # said of the whole, without a path
    expected = [
        p["message"]
        if p["path"] == "(root)" or p["message"].startswith(logto_worded[1])
        else f"{p['path']} {p['message']}"
        for p in data["errors"]
    ]
    assert messages(report, "errors") == expected
    for problem in report["errors"]:
        assert set(problem) == {"pointer", "key", "message"}
        assert problem["key"] in FORM_KEYS | {""}
        if problem["pointer"]:
            assert problem["pointer"].split("/")[1] == problem["key"]
            parent, _, _ = problem["pointer"].rpartition("/")
            resolve(config, parent)  # the value or, for "is required", its parent exists


def test_pointers_of_nested_problems() -> None:
    config = make_config(readTimeout=0)
    config["templates"][3]["templateCode"] = {"china": "SMS_1"}
    config["templates"][1]["templateCode"] = ""
    report = check_config(config)
    assert report["valid"] is False
    assert [(e["pointer"], e["key"]) for e in report["errors"]] == [
        ("/readTimeout", "readTimeout"),
        ("/templates/1/templateCode", "templates"),
        ("/templates/3/templateCode/overseas", "templates"),
    ]
    assert report["errors"][1]["message"] == "templates[1].templateCode must not be empty"


def test_missing_usage_types_are_one_problem_on_templates() -> None:
    report = check_config(make_config(templates=TEMPLATES_EXAMPLE[2:]))
    assert report["errors"] == [
        {
            "pointer": "/templates",
            "key": "templates",
            "message": "Template with UsageType (Register, SignIn) should be provided!",
        }
    ]


def test_schema_alone_names_each_missing_usage_type_once() -> None:
    validator = Draft202012Validator(aliyun_sms.CONFIG_SCHEMA)
    config = make_config(templates=[{"usageType": "SignIn", "templateCode": "SMS_123456789"}])
    found = [e.message for e in validator.iter_errors(config)]
    assert len(found) == len(set(found)) == 3
    for usage_type in ("Register", "ForgotPassword", "Generic"):
        assert sum(usage_type in message for message in found) == 1


def test_text_and_non_objects_give_one_error_for_the_whole_config() -> None:
    assert check_config(json.dumps(make_config())) == check_config(make_config())
    assert check_config(json.dumps(make_config()).encode())["valid"] is True
    for bad in ("{not json", b"\xff", [], None, 3):
        report = check_config(bad)
        assert report["valid"] is False
        assert [(e["pointer"], e["key"]) for e in report["errors"]] == [("", "")]
        assert report["warnings"] == []


def test_the_worked_example_passes_silently() -> None:
    assert check_config(make_config()) == {"valid": True, "errors": [], "warnings": []}


def test_the_default_form_does_not_pass_silently() -> None:
    config = {i["key"]: i["defaultValue"] for i in METADATA["formItems"] if "defaultValue" in i}
    config.update(accessKeyId="LTAI5tExample", accessKeySecret=SECRET, signName="Logto")
    report = check_config(config)
    assert report["valid"] is True  # Logto accepts it: so do we
    assert [w["pointer"] for w in report["warnings"]] == [
        f"/templates/{i}/templateCode" for i in range(len(TemplateType))
    ]
    assert all("placeholder" in m for m in messages(report))
    assert all("SMS_TEMPLATE_ILLEGAL" in m for m in messages(report))


@pytest.mark.parametrize("code", ["templateCode", "<template-code>", "SMS_XXXXXX", "TODO"])
def test_placeholder_codes(code: str) -> None:
    config = make_config()
    config["templates"][0]["templateCode"] = code
    assert [w["pointer"] for w in check_config(config)["warnings"]] == ["/templates/0/templateCode"]


@pytest.mark.parametrize("code", ["12345", "sms_123456789", "SMS-123456789", "SMS_12"])
def test_codes_that_do_not_look_like_aliyuns(code: str) -> None:
    config = make_config()
    config["templates"][3]["templateCode"]["overseas"] = code
    report = check_config(config)
    assert [w["pointer"] for w in report["warnings"]] == ["/templates/3/templateCode/overseas"]
    assert "does not look like an Aliyun template code" in report["warnings"][0]["message"]


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("signin", "SignIn"),
        ("SIGN_IN", "SignIn"),
        ("bind_mfa", "BindMfa"),
        ("Mfa-Verification", "MfaVerification"),
    ],
)
def test_usage_types_that_differ_only_by_case_or_underscores(written: str, meant: str) -> None:
    config = make_config()
    config["templates"].append({"usageType": written, "templateCode": "SMS_123456799"})
    (warning,) = check_config(config)["warnings"]
    assert warning["pointer"] == "/templates/4/usageType"
    assert f"is not {meant}" in warning["message"]


def test_unknown_and_repeated_usage_types() -> None:
    config = make_config()
    config["templates"] += [
        {"usageType": "PasswordReset", "templateCode": "SMS_123456799"},
        {"usageType": "SignIn", "templateCode": "SMS_123456798"},
    ]
    warnings = check_config(config)["warnings"]
    assert [w["pointer"] for w in warnings] == ["/templates/4/usageType", "/templates/5/usageType"]
    assert "not a message type Logto sends" in warnings[0]["message"]
    assert "only the first is used" in warnings[1]["message"]


@pytest.mark.parametrize(
    ("codes", "warned"),
    [
        (None, False),
        ([], False),
        (["86"], False),
        (["+86", "CN", "cn"], False),
        (["86", "HK"], True),
        (["852"], True),
    ],
)
def test_overseas_numbers_allowed_with_mainland_only_templates(
    codes: list[str] | None, warned: bool
) -> None:
    report = check_config(make_config(allowedCountryCodes=codes))
    assert report["valid"] is True
    # the three plain codes (SignIn, Register, ForgotPassword) cannot reach numbers abroad;
    # Generic has {china, overseas}
    expected = [f"/templates/{i}/templateCode" for i in range(3)] if warned else []
    assert [w["pointer"] for w in report["warnings"]] == expected


def test_a_secret_that_looks_like_an_access_key_id() -> None:
    for secret in ("LTAI5tSecretLooksLikeAnId", "LTAI5tExample"):
        report = check_config(make_config(accessKeySecret=secret))
        assert [(w["pointer"], w["key"]) for w in report["warnings"]] == [
            ("/accessKeySecret", "accessKeySecret")
        ]
        assert secret not in json.dumps(report)


def test_a_signature_with_brackets() -> None:
    report = check_config(make_config(signName="【Logto】"))
    assert [w["pointer"] for w in report["warnings"]] == ["/signName"]


@pytest.mark.parametrize(
    "key",
    ["endpoint", "connectTimeout", "readTimeout", "allowedCountryCodes", "minSendIntervalSeconds"],
)
def test_none_means_absent_for_the_connectors_own_keys(key: str) -> None:
    config = make_config(**{key: None})
    assert check_config(config) == {"valid": True, "errors": [], "warnings": []}
    assert aliyun_sms.validate_config(config) == aliyun_sms.validate_config(make_config())


@pytest.mark.parametrize(
    "key",
    ["accessKeyId", "accessKeySecret", "signName", "templates", "strictPhoneRegionNumberCheck"],
)
def test_none_for_logtos_keys_stays_refused(key: str) -> None:
    report = check_config(make_config(**{key: None}))
    assert report["valid"] is False
    assert (report["errors"][0]["pointer"], report["errors"][0]["key"]) == (f"/{key}", key)


def test_unknown_keys_holding_none_are_tolerated() -> None:
    assert check_config(make_config(note=None))["valid"] is True


def test_never_quotes_the_secret() -> None:
    config = make_config(accessKeySecret=SECRET, accessKeyId=SECRET, signName=7, readTimeout=-1)
    config["templates"][0]["templateCode"] = SECRET
    text = json.dumps(check_config(config))
    assert SECRET not in text
    assert "accessKeySecret" in text  # the secret's warning is there, without the value


def test_wrong_types_are_left_to_the_errors() -> None:
    config = make_config(accessKeySecret=["x"], signName={"a": 1}, allowedCountryCodes="HK")
    config["templates"] = [None, 5, {"usageType": 1, "templateCode": 2}, *config["templates"]]
    report = check_config(config)
    assert report["valid"] is False
    assert report["warnings"] == []


@pytest.mark.parametrize("language", ["ja-JP", "zh-Hans", "zh-TW", "ko", "tr"])
def test_warnings_in_the_forms_language(language: str) -> None:
    config = make_config(accessKeySecret="LTAI5tNotASecret", signName="【Logto】")
    config["templates"][0]["templateCode"] = "<template-code>"
    config["templates"][1]["templateCode"] = "12345"
    config["templates"] += [
        {"usageType": "signin", "templateCode": "SMS_123456799"},
        {"usageType": "bind_mfa", "templateCode": "SMS_123456798"},
        {"usageType": "Nope", "templateCode": "SMS_123456797"},
        {"usageType": "Generic", "templateCode": "SMS_123456796"},
    ]
    config["allowedCountryCodes"] = ["86", "HK"]
    english = check_config(config)
    local = check_config(config, language)
    assert local["errors"] == english["errors"]  # validate_config's words
    assert [(w["pointer"], w["key"]) for w in local["warnings"]] == [
        (w["pointer"], w["key"]) for w in english["warnings"]
    ]
    kinds = 9  # every kind of warning is in this config
    assert len({w["message"].split(" ")[0] for w in english["warnings"]}) >= 2
    assert len(english["warnings"]) >= kinds
    for mine, theirs in zip(local["warnings"], english["warnings"], strict=True):
        assert mine["message"] != theirs["message"]
        assert "{" not in mine["message"].replace("{china, overseas}", "")
    assert "LTAI5tNotASecret" not in json.dumps(local)


def test_every_warning_has_every_language() -> None:
    from logto_connector_aliyun_sms.texts.form_texts import form_texts

    texts = form_texts()
    for kind, phrase in texts["warnings"].items():
        assert list(phrase) == texts["languages"], kind
        fields = set(re.findall(r"\{(\w+)\}", phrase["en"]))
        for language, text in phrase.items():
            assert set(re.findall(r"\{(\w+)\}", text)) == fields, (kind, language)
