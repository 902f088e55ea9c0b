"""Every config value is checked before it reaches a request header or the signer.

Control characters (C0 with CR, LF and TAB; DEL; C1) and lone surrogates in any free-text key are
refused by the schema itself (so admin tools in other languages agree, see config_cases.json), as
``invalid_config`` naming the key and never quoting the value. Then a property: whatever
JSON-representable data and config a host passes, nothing but a ``ConnectorError`` leaves
``send_message``, and the secret appears in no error and no log record.
"""

from __future__ import annotations

import copy
import json
import logging
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode, TemplateType

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "2000")) // 4
SLOW_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]

HOSTILE = [
    "\r\nX-Injected: yes",
    "\n",
    "\r",
    "\t",
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9f",
    "\ud800",
    "\udfff",
]
"""What must never reach a header or the signer: C0 (CR, LF, TAB...), DEL, C1, lone surrogates."""


def base_config() -> dict[str, Any]:
    templates = [{"usageType": t.value, "templateCode": "SMS_123456789"} for t in TemplateType]
    templates[0]["templateCode"] = {"china": "SMS_123456789", "overseas": "SMS_223456789"}
    return {
        "accessKeyId": "LTAI5tExampleKeyId",
        "accessKeySecret": "aSecretThatMustNotLeak",
        "signName": "Logto",
        "templates": templates,
    }


# (where the value sits, the key the error must name)
PLACES: list[tuple[list[Any], str]] = [
    (["accessKeyId"], "accessKeyId"),
    (["accessKeySecret"], "accessKeySecret"),
    (["signName"], "signName"),
    (["templates", 1, "templateCode"], "templates[1].templateCode"),
    (["templates", 0, "templateCode", "china"], "templates[0].templateCode.china"),
    (["templates", 0, "templateCode", "overseas"], "templates[0].templateCode.overseas"),
    (["templates", 3, "usageType"], "templates[3].usageType"),
]


def put(config: dict[str, Any], where: list[Any], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(config)
    node: Any = changed
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = value
    return changed


def invalid(config: Any) -> ConnectorError:
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.validate_config(config)
    assert caught.value.code is ConnectorErrorCode.INVALID_CONFIG
    return caught.value


@pytest.mark.parametrize("bad", HOSTILE, ids=[repr(c) for c in HOSTILE])
@pytest.mark.parametrize(("where", "path"), PLACES, ids=[p for _, p in PLACES])
def test_control_characters_and_lone_surrogates_are_refused(
    where: list[Any], path: str, bad: str
) -> None:
    value = f"Value{bad}Tail"
    error = invalid(put(base_config(), where, value))
    assert error.data is not None
    assert [e["path"] for e in error.data["errors"]] == [path]
    message = error.data["errors"][0]["message"]
    assert "control characters" in message
    assert "lone surrogates" in message
    text = str(error) + repr(error.data)
    assert "Value" not in text  # the value is never quoted, escaped or not
    report = aliyun_sms.check_config(put(base_config(), where, value))
    assert report["valid"] is False
    assert [e["key"] for e in report["errors"]] == [path.split(".")[0].split("[")[0]]


@pytest.mark.parametrize("bad", ["\r\n", "\t", "\x00", "\x85", "\ud800"])
def test_the_endpoint_refuses_them_too(bad: str) -> None:
    error = invalid(dict(base_config(), endpoint=f"dysmsapi.aliyuncs.com{bad}"))
    assert error.data is not None
    assert [e["path"] for e in error.data["errors"]] == ["endpoint"]


@pytest.mark.parametrize(
    "fine", ["阿里云短信", "Logto\U0001f600", "a\u00a0b", "【Logto】", "x\u2028y", "\ufeffLogto"]
)
def test_other_text_passes(fine: str) -> None:
    """Non-ASCII, astral characters (a surrogate pair in UTF-16), U+2028: text, not control."""
    assert aliyun_sms.validate_config(dict(base_config(), signName=fine))["signName"] == fine


def test_several_keys_each_named_and_the_secret_never_quoted() -> None:
    config = dict(base_config(), accessKeyId="LTAI\r\nX: y", accessKeySecret="hunter2hunter2\ud800")
    error = invalid(config)
    assert error.data is not None
    assert [e["path"] for e in error.data["errors"]] == ["accessKeyId", "accessKeySecret"]
    assert "hunter2" not in str(error)
    assert "hunter2" not in repr(error.data)


@pytest.mark.parametrize("bad", ["\r\nX-Injected: yes", "\ud800", "\x85"])
@pytest.mark.parametrize("key", ["accessKeyId", "accessKeySecret", "signName"])
def test_nothing_leaves_for_such_a_config(aliyun_sms_sandbox: Any, key: str, bad: str) -> None:
    """Through the sandbox (the SDK over real HTTP): refused before any request, sync and async."""
    sb = aliyun_sms_sandbox
    config = dict(sb.connector_config())
    config[key] = config[key] + bad
    data = {"to": "13812345678", "type": "SignIn", "payload": {"code": "123456"}}
    before = len(sb.requests)
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.send_message(data, config)
    assert caught.value.code is ConnectorErrorCode.INVALID_CONFIG
    assert key in str(caught.value)
    assert sb.access_key_secret not in str(caught.value)
    assert len(sb.requests) == before


async def test_nothing_leaves_on_the_async_path(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = dict(sb.connector_config(), accessKeyId="LTAI\r\nX-Injected: yes")
    data = {"to": "13812345678", "type": "SignIn", "payload": {"code": "123456"}}
    before = len(sb.requests)
    with pytest.raises(ConnectorError) as caught:
        await aliyun_sms.send_message_async(data, config)
    assert caught.value.code is ConnectorErrorCode.INVALID_CONFIG
    assert len(sb.requests) == before


# --- hostile data: refused, or carried as data (escaped JSON), never as protocol -------------


def test_a_to_with_a_line_break_is_refused(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    before = len(sb.requests)
    data = {"to": "13812345678\r\nX-Injected: yes", "type": "SignIn", "payload": {"code": "1"}}
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.send_message(data, sb.connector_config())
    assert caught.value.code is ConnectorErrorCode.INVALID_REQUEST_PARAMETERS
    assert len(sb.requests) == before


def test_hostile_type_and_payload_travel_as_data(aliyun_sms_sandbox: Any) -> None:
    """``type`` only picks a template (an unknown one: Generic, as in Logto); payload values and
    keys become escaped JSON in TemplateParam, whatever bytes they hold."""
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    payload = {"code": "12\r\n34\t\x00\x7f\x85", "\ud800key": "x\udfff", "locale": "en\n"}
    data = {"to": "13812345678", "type": "SignIn\r\nX-Injected: yes", "payload": payload}
    before = len(sb.requests)
    with pytest.raises(ConnectorError) as caught:  # Aliyun answers: such a code is no code
        aliyun_sms.send_message(data, config)
    assert caught.value.data is not None
    assert caught.value.data["Code"] == "isv.PARAM_LENGTH_LIMIT"
    (request,) = sb.requests[before:]
    generic = next(t for t in config["templates"] if t["usageType"] == "Generic")
    assert request["params"]["TemplateCode"] == generic["templateCode"]["china"]
    expected = '{"code":"12\\r\\n34\\t\\u0000\x7f\x85","\\ud800key":"x\\udfff"}'
    assert request["params"]["TemplateParam"] == expected
    assert "X-Injected" not in json.dumps(request)


# --- the property: only ConnectorError, and the secret nowhere ------------------------------------

MARK = "qZ7sEcReTmArK"
"""Starts every generated secret: any echo of the secret, escaped or not, contains it."""

any_char = st.characters(exclude_categories=())  # lone surrogates included
hostile_text = st.text(any_char, max_size=12) | st.sampled_from(HOSTILE)
json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | hostile_text
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(any_char, max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def configs(draw: st.DrawFn, sandbox: Any, hostile: bool) -> tuple[dict[str, Any], str]:
    """A sandbox config (sometimes with a wrong secret, so Aliyun refuses the signature) with
    optional keys set; when ``hostile``, one or two of its values replaced by anything."""
    config = copy.deepcopy(sandbox.connector_config())
    secret = config["accessKeySecret"]
    if draw(st.booleans()):
        secret = MARK + draw(st.text(max_size=8))
        config["accessKeySecret"] = secret
    optional = {
        "strictPhoneRegionNumberCheck": st.booleans(),
        "readTimeout": st.integers(1, 3000),
        "connectTimeout": st.integers(1, 3000),
        "allowedCountryCodes": st.lists(st.sampled_from(["86", "+852", "CN", "US"]), unique=True),
        "minSendIntervalSeconds": st.integers(0, 5),
        "maxMessagesPerIpPerHour": st.integers(0, 50),
        "maxMessagesPerCountryPerHour": st.integers(0, 50),
        "limitsFailMode": st.sampled_from(["open", "closed"]),
    }
    for key in draw(st.lists(st.sampled_from(sorted(optional)), max_size=3, unique=True)):
        config[key] = draw(optional[key])
    if not hostile:
        return config, secret
    index = draw(st.integers(0, len(config["templates"]) - 1))
    places = ["accessKeyId", "accessKeySecret", "signName", "templateCode", "usageType"]
    places += ["endpoint", "optional", "unknown"]
    for place in draw(st.lists(st.sampled_from(places), min_size=1, max_size=2, unique=True)):
        if place == "accessKeySecret":
            secret = MARK + draw(hostile_text)
            config[place] = secret
        elif place in ("accessKeyId", "signName"):
            config[place] = draw(hostile_text | json_values)
        elif place == "templateCode":
            config["templates"][index][place] = draw(
                hostile_text
                | st.fixed_dictionaries({"china": hostile_text, "overseas": hostile_text})
                | json_values
            )
        elif place == "usageType":
            config["templates"][index][place] = draw(hostile_text | json_values)
        elif place == "endpoint":  # the sandbox's, or refused: never another port or host
            config[place] = sandbox.endpoint + draw(hostile_text.filter(_not_a_port_digit))
        elif place == "optional":
            config[draw(st.sampled_from(sorted(optional)))] = draw(json_values)
        else:
            config[draw(st.text(any_char, max_size=6))] = draw(json_values)
    return config, secret


def _not_a_port_digit(text: str) -> bool:
    return not text[:1].isdigit()


PHONES = ["13812345678", "+85261234567", "+14155550123", "8613912345678"]


@st.composite
def datas(draw: st.DrawFn, hostile: bool) -> Any:
    """Logto's SendMessageData; when ``hostile``, one or two parts are anything (or all of it)."""
    data: dict[str, Any] = {
        "to": draw(st.sampled_from(PHONES)),
        "type": draw(st.sampled_from([t.value for t in TemplateType])),
        "payload": {"code": draw(st.from_regex(r"\A[0-9]{4,6}\Z"))},
        "ip": draw(st.sampled_from(["203.0.113.7", "2001:db8::1"])),
    }
    if not hostile:
        return data
    anything = {
        "to": hostile_text | json_values,
        "type": hostile_text | json_values,
        "payload": st.dictionaries(st.text(any_char, max_size=8), json_values, max_size=4)
        | json_values,
        "ip": hostile_text | json_values,
    }
    places = [*anything, "missing", "all"]
    for place in draw(st.lists(st.sampled_from(places), min_size=1, max_size=2, unique=True)):
        if place == "all":
            return draw(json_values)
        if place == "missing":
            data.pop(draw(st.sampled_from(sorted(data))), None)
        else:
            data[place] = draw(anything[place])
    return data


HOSTILITY = [(False, False), (True, False), (False, True), (True, True)]
"""Sound input (it sends, or Aliyun answers), a hostile config, hostile data, or both."""


def _leaks(secret: str, error: ConnectorError) -> bool:
    text = str(error) + repr(error) + repr(error.data) + repr(error.args)
    return secret in text or (secret.startswith(MARK) and MARK in text)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=SLOW_OK)
@given(st.data())
def test_only_connector_errors_leave_send_message(
    aliyun_sms_sandbox: Any, caplog: pytest.LogCaptureFixture, data: st.DataObject
) -> None:
    sb = aliyun_sms_sandbox
    hostile_config, hostile_data = data.draw(st.sampled_from(HOSTILITY))
    config, secret = data.draw(configs(sb, hostile_config))
    message = data.draw(datas(hostile_data))
    as_text = data.draw(st.booleans())
    given_config: Any = config
    if as_text:  # a host may pass the stored JSON text
        given_config = json.dumps(config, ensure_ascii=False)
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    before = len(sb.requests)
    try:
        result = aliyun_sms.send_message(message, given_config)
    except ConnectorError as error:  # anything else fails the test, with its traceback
        assert isinstance(error.code, ConnectorErrorCode)
        assert not _leaks(secret, error), error.code
        event(f"refused: {error.code.value}")
    else:
        assert result["Code"] == "OK"
        event("sent")
    # Counted for the statistics only: a request an earlier example gave up on (a short
    # readTimeout) may arrive now. test_hostile_input asserts one request per send.
    event(f"requests: {min(len(sb.requests) - before, 1)}")
    for record in caplog.records:
        text = record.getMessage() + repr(record.__dict__)
        assert secret not in text
        assert MARK not in text
