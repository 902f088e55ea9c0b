"""validate_config: defaults, unknown keys, text input, hostile input, error paths and secrecy."""

from __future__ import annotations

import copy
import json
import math
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode, TemplateType
from logto_connector_aliyun_sms.config import validate as config_module
from logto_connector_aliyun_sms.config.schema import depth_ok

SECRET = "canary-Secret-4f9e2b7c"
REQUIRED = ["SignIn", "Register", "ForgotPassword", "Generic"]


def make_config(**extra: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "accessKeyId": "LTAI-test",
        "accessKeySecret": SECRET,
        "signName": "Logto",
        "templates": [{"usageType": u, "templateCode": f"SMS_{i}"} for i, u in enumerate(REQUIRED)],
    }
    config.update(extra)
    return config


def nine_templates() -> dict[str, Any]:
    templates = [
        {"usageType": t.value, "templateCode": {"china": "SMS_1", "overseas": "SMS_2"}}
        for t in TemplateType
    ]
    return make_config(templates=templates)


def invalid(config: Any) -> ConnectorError:
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.validate_config(config)
    error = caught.value
    assert error.code is ConnectorErrorCode.INVALID_CONFIG
    assert error.data is not None
    assert error.data["retryable"] is False
    return error


def paths(error: ConnectorError) -> list[str]:
    assert error.data is not None
    return [problem["path"] for problem in error.data["errors"]]


# --- success --------------------------------------------------------------------------------


def test_defaults_applied() -> None:
    result = aliyun_sms.validate_config(make_config())
    assert result["strictPhoneRegionNumberCheck"] is False
    assert [t["type"] for t in result["templates"]] == [2, 2, 2, 2]
    assert result["templates"][0] == {"usageType": "SignIn", "templateCode": "SMS_0", "type": 2}


def test_given_values_kept() -> None:
    config = make_config(strictPhoneRegionNumberCheck=True, endpoint="http://127.0.0.1:8080")
    config["templates"][1]["type"] = 6
    config["templates"][2]["templateCode"] = {"china": "SMS_A", "overseas": "SMS_B"}
    result = aliyun_sms.validate_config(config)
    assert result["strictPhoneRegionNumberCheck"] is True
    assert result["endpoint"] == "http://127.0.0.1:8080"
    assert result["templates"][1]["type"] == 6
    assert result["templates"][2]["templateCode"] == {"china": "SMS_A", "overseas": "SMS_B"}


def test_every_optional_key_survives() -> None:
    optional = {
        "endpoint": "dysmsapi.ap-southeast-1.aliyuncs.com",
        "connectTimeout": 2000,
        "readTimeout": 4000,
        "allowedCountryCodes": ["86", "HK"],
        "minSendIntervalSeconds": 1.5,
    }
    result = aliyun_sms.validate_config(make_config(**optional))
    assert {key: result[key] for key in optional} == optional


def test_unknown_keys_dropped_everywhere() -> None:
    config = make_config(region="cn-hangzhou", nested={"a": [1, 2]})
    config["templates"][0]["comment"] = "sign in"
    config["templates"][1]["templateCode"] = {"china": "A", "overseas": "B", "hk": "C"}
    result = aliyun_sms.validate_config(config)
    assert "region" not in result
    assert "nested" not in result
    assert "comment" not in result["templates"][0]
    assert result["templates"][1]["templateCode"] == {"china": "A", "overseas": "B"}


def test_input_not_modified_and_result_not_shared() -> None:
    config = make_config(allowedCountryCodes=["86"])
    config["templates"][0]["templateCode"] = {"china": "A", "overseas": "B"}
    before = copy.deepcopy(config)
    result = aliyun_sms.validate_config(config)
    assert config == before
    result["templates"][0]["templateCode"]["china"] = "changed"
    result["allowedCountryCodes"].append("1")
    assert config == before


def test_integral_floats_become_ints() -> None:
    """2.0 is an integer to JSON Schema (and to JavaScript); the result holds the int."""
    config = make_config(connectTimeout=3000.0)
    config["templates"][0]["type"] = 6.0
    result = aliyun_sms.validate_config(config)
    assert result["connectTimeout"] == 3000
    assert type(result["connectTimeout"]) is int
    assert type(result["templates"][0]["type"]) is int


def test_json_text_and_bytes() -> None:
    text = json.dumps(make_config(region="x"))
    expected = aliyun_sms.validate_config(make_config())
    assert aliyun_sms.validate_config(text) == expected
    assert aliyun_sms.validate_config(text.encode("utf-8")) == expected
    assert aliyun_sms.validate_config(bytearray(text.encode("utf-8"))) == expected


def test_the_result_validates_again_unchanged() -> None:
    result = aliyun_sms.validate_config(nine_templates())
    assert aliyun_sms.validate_config(result) == result
    assert Draft202012Validator(aliyun_sms.CONFIG_SCHEMA).is_valid(result)


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{", ": Expecting property name enclosed in double quotes at line 1 column 2"),
        ("", ": Expecting value at line 1 column 1"),
        ('{"accessKeyId": NaN}', ": NaN is not a JSON value"),
        (
            '{\n  "accessKeySecret": "s3cr3t-value",\n  "x": [1, 2',
            ": Expecting ',' delimiter at line 3 column 13",
        ),
        ("9" * 5000, " (ValueError)"),
    ],
)
def test_invalid_json_text(text: str, reason: str) -> None:
    error = invalid(text)
    assert error.data is not None
    assert error.data["message"] == f"config is not valid JSON{reason}"
    assert "s3cr3t" not in str(error)


def test_bytes_that_are_not_utf8() -> None:
    assert invalid(b"\xff\xfe{}").data == {
        "message": "config is not UTF-8 JSON text",
        "errors": [{"path": "(root)", "message": "config is not UTF-8 JSON text"}],
        "retryable": False,
    }


@pytest.mark.parametrize(
    ("value", "named"),
    [(None, "null"), ([], "an array"), (42, "a number"), (True, "a boolean"), ('"x"', "a string")],
)
def test_non_objects(value: Any, named: str) -> None:
    error = invalid(value)
    assert error.data is not None
    assert error.data["message"] == f"config must be a JSON object, not {named}"


def test_huge_json_text() -> None:
    config = make_config(padding="x" * (1 << 20))
    text = json.dumps(config)
    assert "larger than 1 MiB" in str(invalid(text))
    assert "larger than 1 MiB" in str(invalid(text.encode()))
    # the same config as a dict is fine: the limit is on text, which must be parsed first
    assert "padding" not in aliyun_sms.validate_config(config)


def deep_list(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("where", ["unknown key", "templateCode", "template key", "pair key"])
def test_deeply_nested_values(where: str) -> None:
    config = make_config()
    deep = deep_list(100_000)
    if where == "unknown key":
        config["extra"] = deep
    elif where == "templateCode":
        config["templates"][0]["templateCode"] = deep
    elif where == "template key":
        config["templates"][0]["extra"] = deep
    else:
        config["templates"][0]["templateCode"] = {"china": "A", "overseas": "B", "x": deep}
    error = invalid(config)
    assert error.data is not None
    assert error.data["message"] == "config is nested deeper than 64 levels"


def test_deeply_nested_json_text() -> None:
    text = '{"extra": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert "not valid JSON (RecursionError)" in str(invalid(text))


def test_moderate_nesting_under_unknown_keys_is_tolerated() -> None:
    config = make_config(extra=deep_list(60))
    config["templates"][0]["extra"] = deep_list(58)
    assert "extra" not in aliyun_sms.validate_config(config)


def test_the_depth_limit() -> None:
    """The deepest container allowed sits at depth 63 (the config itself is depth 0)."""
    ok = make_config(extra=deep_list(62))  # outer list at depth 1, innermost at 63
    assert depth_ok(ok)
    assert "extra" not in aliyun_sms.validate_config(ok)
    too_deep = make_config(extra=deep_list(63))
    assert not depth_ok(too_deep)
    invalid(too_deep)


def test_a_cycle_is_refused_cleanly() -> None:
    config = make_config()
    config["loop"] = config
    assert "nested deeper" in str(invalid(config))


def test_non_finite_interval() -> None:
    for value in (math.nan, math.inf):
        error = invalid(make_config(minSendIntervalSeconds=value))
        assert "minSendIntervalSeconds" in paths(error)


def test_every_problem_listed_with_its_path() -> None:
    config = make_config(accessKeyId=7, endpoint="http://example.com", readTimeout=0)
    del config["signName"]
    templates = config["templates"]
    templates[1]["type"] = 3
    templates[2]["templateCode"] = ""
    templates[3]["templateCode"] = {"china": "A"}
    templates.append("SMS_9")
    templates.extend({"usageType": "BindMfa", "templateCode": 5} for _ in range(8))
    error = invalid(config)
    assert paths(error) == [
        "accessKeyId",
        "endpoint",
        "readTimeout",
        "signName",
        "templates[1].type",
        "templates[2].templateCode",
        "templates[3].templateCode.overseas",
        "templates[4]",
        *[f"templates[{i}].templateCode" for i in range(5, 13)],
    ]
    assert error.data is not None
    messages = {p["path"]: p["message"] for p in error.data["errors"]}
    assert messages["accessKeyId"] == "must be a string"
    assert messages["signName"] == "is required"
    assert messages["readTimeout"] == "must be at least 1"
    assert messages["templates[1].type"] == "must be one of 0, 1, 2, 6, 7"
    assert messages["templates[2].templateCode"] == "must not be empty"
    assert messages["templates[3].templateCode.overseas"] == "is required"
    assert messages["templates[4]"] == "must be an object"
    assert messages["templates[12].templateCode"].startswith("must be a non-empty string or")
    assert "templates[12].templateCode must be" in str(error)
    assert str(error).startswith('ConnectorError: {"message":"Invalid config (16 problems): ')


def test_missing_usage_types_named_the_logto_way() -> None:
    config = make_config()
    config["templates"] = [t for t in config["templates"] if t["usageType"] not in REQUIRED[:2]]
    error = invalid(config)
    logto = "Template with UsageType (Register, SignIn) should be provided!"
    assert error.data is not None
    assert error.data["errors"] == [{"path": "templates", "message": logto}]
    assert error.data["message"] == f"Invalid config (1 problem): {logto}"


def test_missing_usage_types_beside_other_problems() -> None:
    config = make_config(templates=[{"usageType": "Generic", "templateCode": ""}])
    error = invalid(config)
    assert error.data is not None
    assert error.data["errors"][-1]["message"] == (
        "Template with UsageType (Register, SignIn, ForgotPassword) should be provided!"
    )
    assert paths(error) == ["templates[0].templateCode", "templates"]


def test_the_error_list_is_capped() -> None:
    bad = [{"usageType": "Generic", "templateCode": ""} for _ in range(500)]
    error = invalid(make_config(templates=make_config()["templates"] + bad))
    assert error.data is not None
    assert len(error.data["errors"]) == config_module.MAX_LISTED_ERRORS
    assert error.data["message"].startswith("Invalid config (200+ problems): ")
    assert error.data["message"].endswith("; and more")


def test_a_few_problems_are_counted_exactly() -> None:
    bad = [{"usageType": "Generic", "templateCode": ""} for _ in range(60)]
    error = invalid(make_config(templates=make_config()["templates"] + bad))
    assert error.data is not None
    assert error.data["message"].startswith("Invalid config (60 problems): ")
    assert error.data["message"].endswith("; and 10 more")


@pytest.mark.parametrize("usage_type", [["SignIn"], {"a": 1}, 7, None])
def test_a_usage_type_that_is_not_a_string(usage_type: object) -> None:
    templates = [*make_config()["templates"], {"usageType": usage_type, "templateCode": "SMS_1"}]
    error = invalid(make_config(templates=templates))
    assert error.data is not None
    assert {"path": "templates[4].usageType", "message": "must be a string"} in error.data["errors"]


@pytest.mark.parametrize(
    "where",
    [
        "accessKeySecret as number",
        "accessKeySecret as list",
        "secret in endpoint",
        "secret as templateCode",
        "secret as type",
        "secret in country codes",
        "secret as accessKeyId object",
    ],
)
def test_the_error_carries_no_secret(where: str) -> None:
    """No problem message quotes a value of the config, wherever the secret ended up."""
    config = make_config(signName="")
    if where == "accessKeySecret as number":
        config["accessKeySecret"] = 987654321987
    elif where == "accessKeySecret as list":
        config["accessKeySecret"] = [SECRET]
    elif where == "secret in endpoint":
        config["endpoint"] = f"https://{SECRET}.example.com/path"
    elif where == "secret as templateCode":
        config["templates"][0]["templateCode"] = [SECRET]
    elif where == "secret as type":
        config["templates"][0]["type"] = SECRET
    elif where == "secret in country codes":
        config["allowedCountryCodes"] = [SECRET, SECRET]
    else:
        config["accessKeyId"] = {"id": SECRET}
    error = invalid(config)
    shown = str(config["accessKeySecret"]) if where.startswith("accessKeySecret") else SECRET
    for text in (str(error), repr(error), json.dumps(error.data), repr(pickle.dumps(error))):
        assert shown not in text
        assert "987654321987" not in text


def test_errors_pickle() -> None:
    error = invalid(make_config(signName=""))
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert again.code is error.code
    assert again.data == error.data
    assert str(again) == str(error)


# --- both paths agree -----------------------------------------------------------------------

VALIDATOR = Draft202012Validator(aliyun_sms.CONFIG_SCHEMA)
scalars = st.none() | st.booleans() | st.integers(-3, 9) | st.sampled_from([2.0, 2.5, -1.0])
texts = st.sampled_from(["", "SignIn", "Register", "ForgotPassword", "Generic", "86", "HK", "x"])
leaf = scalars | texts
codes = texts | st.fixed_dictionaries({}, optional={"china": leaf, "overseas": leaf, "x": leaf})
template = st.fixed_dictionaries(
    {},
    optional={
        "usageType": st.sampled_from(REQUIRED) | leaf,
        "templateCode": codes,
        "type": st.sampled_from([0, 1, 2, 6, 7]) | leaf,
        "extra": leaf,
    },
)
good_template = st.fixed_dictionaries(
    {
        "usageType": st.sampled_from([t.value for t in TemplateType] + [""]),
        "templateCode": st.sampled_from(["SMS_1", "x"]) | codes,
    },
    optional={"type": st.sampled_from([0, 1, 2, 6, 7, 2.0]), "extra": leaf},
)
values_by_key: dict[str, st.SearchStrategy[Any]] = {
    "accessKeyId": texts | leaf,
    "accessKeySecret": texts | leaf,
    "signName": texts | leaf,
    "templates": st.lists(template, max_size=5) | leaf,
    "strictPhoneRegionNumberCheck": leaf,
    "endpoint": st.sampled_from(["", "a.b", "http://localhost", "http://a.b", "a:99999"]) | leaf,
    "connectTimeout": st.integers(-1, 200_000) | leaf,
    "allowedCountryCodes": st.lists(texts | leaf, max_size=3) | leaf,
    "minSendIntervalSeconds": st.floats(-1, 90_000) | leaf,
    "unknown": leaf,
}
changes = st.lists(
    st.one_of(*(st.tuples(st.just(key), values) for key, values in values_by_key.items()))
    | st.tuples(st.just("delete"), st.sampled_from(sorted(values_by_key))),
    max_size=2,
)


@st.composite
def near_configs(draw: st.DrawFn) -> dict[str, Any]:
    """A valid config with a few more templates and up to two keys changed or deleted."""
    config = make_config()
    config["templates"] += draw(st.lists(good_template, max_size=4))
    config["templates"] += draw(st.lists(template, max_size=1))
    for key, value in draw(changes):
        if key == "delete":
            config.pop(value, None)
        else:
            config[key] = value
    return config


@settings(max_examples=400, deadline=None)
@given(near_configs())
def test_validate_config_agrees_with_the_schema(config: dict[str, Any]) -> None:
    expected = VALIDATOR.is_valid(config)
    try:
        result = aliyun_sms.validate_config(config)
    except ConnectorError as error:
        assert not expected, error
        assert error.data is not None
        assert error.data["errors"]
    else:
        assert expected
        assert VALIDATOR.is_valid(result)


def test_the_result_is_plain_json_types() -> None:
    """An integral float or a str subclass comes back exactly as the plain value would."""

    class Text(str):
        pass

    config = make_config(
        strictPhoneRegionNumberCheck=True,
        endpoint="https://dysmsapi.aliyuncs.com",
        connectTimeout=2000,
        readTimeout=4000,
        allowedCountryCodes=["86", "HK"],
        minSendIntervalSeconds=2.5,
        unknown={"x": 1},
    )
    config["templates"][1]["templateCode"] = {"china": "A", "overseas": "B", "hk": "C"}
    config["templates"][2]["type"] = 6
    plain = aliyun_sms.validate_config(config)
    for change in ("type", "str subclass", "int interval"):
        slow_config = copy.deepcopy(config)
        if change == "type":
            slow_config["templates"][2]["type"] = 6.0
        elif change == "str subclass":
            slow_config["signName"] = Text("Logto")
            slow_config["templates"][1]["templateCode"]["china"] = Text("A")
        else:
            slow_config["minSendIntervalSeconds"] = True  # bool is not a number: refused
            invalid(slow_config)
            continue
        result = aliyun_sms.validate_config(slow_config)
        assert result == plain
        assert json.dumps(result) == json.dumps(plain)
        assert type(result["signName"]) is str


def test_other_python_values_are_not_configs() -> None:
    assert "not set" in str(invalid({1, 2}))
    assert "not an array" in str(invalid((1, 2)))


@pytest.mark.parametrize("value", [True, "2", 2.5, None])
def test_a_template_type_of_the_wrong_kind_is_one_problem(value: Any) -> None:
    config = {
        "accessKeyId": "a",
        "accessKeySecret": "b",
        "signName": "c",
        "templates": [
            {"usageType": usage, "templateCode": "SMS_1"}
            for usage in ("SignIn", "Register", "ForgotPassword", "Generic")
        ],
    }
    config["templates"][0]["type"] = value
    error = invalid(config)
    assert error.data is not None
    problems = [e for e in error.data["errors"] if e["path"] == "templates[0].type"]
    assert len(problems) == 1, problems
    assert problems[0]["message"].startswith("must be ")
    config["templates"][0]["type"] = 3  # the right kind, not allowed: the enum says why
    error = invalid(config)
    assert error.data is not None
    assert error.data["errors"] == [
        {"path": "templates[0].type", "message": "must be one of 0, 1, 2, 6, 7"}
    ]


def test_the_validator_reads_the_schema_without_references() -> None:
    """References are resolved once, at load: each is its target (beside other keywords, under
    allOf); one that leads back into itself, or outside $defs, stays a reference."""
    from logto_connector_aliyun_sms.config.validate import _dereferenced

    defs = {"text": {"type": "string"}, "tree": {"items": {"$ref": "#/$defs/tree"}}}
    schema = {
        "properties": {
            "a": {"$ref": "#/$defs/text"},
            "b": {"$ref": "#/$defs/text", "minLength": 1},
            "c": {"$ref": "#/$defs/tree"},
            "d": {"$ref": "other.json"},
        }
    }
    assert _dereferenced(schema, defs, ()) == {
        "properties": {
            "a": {"type": "string"},
            "b": {"minLength": 1, "allOf": [{"type": "string"}]},
            "c": {"items": {"$ref": "#/$defs/tree"}},
            "d": {"$ref": "other.json"},
        }
    }
