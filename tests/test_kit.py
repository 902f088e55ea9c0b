"""The Logto contract: error codes, template and connector types, and ConnectorError."""

from __future__ import annotations

import json
import pickle
import re
from enum import Enum
from pathlib import Path

import pytest

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import (
    ConnectorError,
    ConnectorErrorCode,
    ConnectorType,
    TemplateType,
)
from logto_usage_types import LOGTO_USAGE_TYPES

CONTRACT = Path("/work/shared/reference/logto-connector-contract.md")

# Logto's values, as listed in the contract (@logto/connector-kit 5.x).
LOGTO_ERROR_CODES = [
    "general",
    "invalid_metadata",
    "unexpected_type",
    "invalid_config_guard",
    "invalid_request_parameters",
    "insufficient_request_parameters",
    "invalid_config",
    "invalid_certificate",
    "invalid_response",
    "template_not_found",
    "template_not_supported",
    "rate_limit_exceeded",
    "usage_limit_exceeded",
    "not_implemented",
    "social_auth_code_invalid",
    "social_invalid_access_token",
    "social_invalid_id_token",
    "authorization_failed",
]
LOGTO_TEMPLATE_TYPES = LOGTO_USAGE_TYPES


def test_error_codes_are_logtos() -> None:
    assert [code.value for code in ConnectorErrorCode] == LOGTO_ERROR_CODES


def test_template_types_are_logtos() -> None:
    assert [t.value for t in TemplateType] == LOGTO_TEMPLATE_TYPES


def test_connector_types() -> None:
    assert {t.value for t in ConnectorType} == {"Email", "Sms", "Social"}
    assert ConnectorType.SMS == "Sms"


@pytest.mark.skipif(
    not CONTRACT.is_file(), reason="the shared contract file is not on this machine"
)
def test_lists_match_the_contract_file() -> None:
    text = " ".join(CONTRACT.read_text("utf-8").split())
    codes = re.search(r"Codes \(string values\): (.*?)\. `rate_limit", text)
    assert codes is not None
    assert [c.strip() for c in codes.group(1).split(",")] == LOGTO_ERROR_CODES
    types = re.search(r"TemplateType values: (.*?)\.", text)
    assert types is not None
    assert [t.strip() for t in types.group(1).split(",")] == LOGTO_TEMPLATE_TYPES


@pytest.mark.parametrize("enum", [ConnectorErrorCode, TemplateType, ConnectorType])
def test_enums_are_str_enums_that_serialise_as_their_value(enum: type[Enum]) -> None:
    for member in enum:
        assert isinstance(member, str)
        assert json.dumps(member) == json.dumps(member.value)
        assert str(member) == member.value
        assert f"{member}" == member.value
        assert member == member.value
        assert enum(member.value) is member


def test_message_with_data_is_the_data_as_json() -> None:
    error = ConnectorError(
        ConnectorErrorCode.GENERAL, {"errorDescription": "签名不合法", "Code": "x"}
    )
    assert str(error) == 'ConnectorError: {"errorDescription":"签名不合法","Code":"x"}'  # compact
    assert error.code is ConnectorErrorCode.GENERAL
    assert error.data == {"errorDescription": "签名不合法", "Code": "x"}


def test_message_without_data_is_the_code() -> None:
    error = ConnectorError(ConnectorErrorCode.TEMPLATE_NOT_FOUND)
    assert str(error) == "ConnectorError: template_not_found"
    assert error.data is None


def test_string_data_becomes_a_message_object() -> None:
    error = ConnectorError(ConnectorErrorCode.INVALID_CONFIG, "bad config")
    assert error.data == {"message": "bad config"}
    assert str(error) == 'ConnectorError: "bad config"'  # Logto writes the message first


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("", "ConnectorError: general"),
        (0, "ConnectorError: general"),
        (False, "ConnectorError: general"),
        (float("nan"), "ConnectorError: general"),
        ({}, "ConnectorError: {}"),
        ([], "ConnectorError: []"),
        (True, "ConnectorError: true"),
        ("日本", 'ConnectorError: "日本"'),
    ],
)
def test_message_follows_javascript_truthiness(data: object, message: str) -> None:
    """``ConnectorError: ${data ? JSON.stringify(data) : code}``, as in Logto's connector kit."""
    assert str(ConnectorError(ConnectorErrorCode.GENERAL, data)) == message


def test_code_given_as_its_string() -> None:
    assert ConnectorError("rate_limit_exceeded").code is ConnectorErrorCode.RATE_LIMIT_EXCEEDED
    with pytest.raises(ValueError, match="not_a_code"):
        ConnectorError("not_a_code")


def test_other_data_becomes_a_message_object() -> None:
    assert ConnectorError(ConnectorErrorCode.GENERAL, 42).data == {"message": "42"}


def test_unserialisable_data_still_raises_cleanly() -> None:
    data: dict[str, object] = {"when": object()}
    assert str(ConnectorError(ConnectorErrorCode.GENERAL, data)).startswith(
        'ConnectorError: {"when":"<object object at'
    )
    data["self"] = data  # a cycle
    error = ConnectorError(ConnectorErrorCode.GENERAL, data)
    assert str(error) == 'ConnectorError: {"message":"general (data not serialisable)"}'
    assert error.data is data
    for odd in ({(1, 2): "tuple key"}, {"n": float("nan")}):  # not JSON either
        assert str(ConnectorError(ConnectorErrorCode.GENERAL, odd)).endswith('not serialisable)"}')


def test_retryable() -> None:
    assert ConnectorError(ConnectorErrorCode.GENERAL).retryable is False
    assert ConnectorError(ConnectorErrorCode.GENERAL, {"retryable": True}).retryable is True


def test_repr() -> None:
    error = ConnectorError(ConnectorErrorCode.GENERAL, {"a": 1})
    assert repr(error) == "ConnectorError(code='general', data={'a': 1})"


@pytest.mark.parametrize("data", [None, "text", {"message": "m", "nested": {"k": [1, 2.5, None]}}])
def test_pickle_round_trip(data: object) -> None:
    error = ConnectorError(ConnectorErrorCode.INVALID_RESPONSE, data)
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(again) is ConnectorError
    assert again.code is ConnectorErrorCode.INVALID_RESPONSE
    assert again.data == error.data
    assert str(again) == str(error)
    assert again.args == error.args


def test_is_an_exception_exported_at_top_level() -> None:
    assert issubclass(aliyun_sms.ConnectorError, Exception)
    assert aliyun_sms.ConnectorErrorCode is ConnectorErrorCode
    with pytest.raises(ConnectorError, match="ConnectorError: not_implemented"):
        raise ConnectorError(ConnectorErrorCode.NOT_IMPLEMENTED)
