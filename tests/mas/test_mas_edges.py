"""The MAS connector's edges: hostile configs, limits on the async path, reservations given
back when Aliyun refuses, and ``get_config`` of either kind."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode, mas
from logto_connector_aliyun_sms.mas.errors import reread
from logto_usage_types import LOGTO_USAGE_TYPES

SIGN_IN = {"to": "+8613812345678", "type": "SignIn", "payload": {"code": "123456"}}


def _config() -> dict[str, Any]:
    return {
        "accessKeyId": "id",
        "accessKeySecret": "secret",
        "signName": "速通互联验证码",
        "templates": [{"usageType": u, "templateCode": "100001"} for u in LOGTO_USAGE_TYPES],
    }


def test_hostile_configs_are_refused_with_clear_errors() -> None:
    deep: Any = "x"
    for _ in range(100):
        deep = [deep]
    cases = [
        ({**_config(), "extra": deep}, "nested deeper"),
        ({**_config(), "minSendIntervalSeconds": float("nan")}, "finite"),
        ({**_config(), "templates": [{"usageType": i} for i in range(400)]}, "more"),
        ("[1, 2]", "JSON object"),
    ]
    for config, words in cases:
        with pytest.raises(ConnectorError) as caught:
            mas.validate_config(config)
        assert caught.value.code is ConnectorErrorCode.INVALID_CONFIG
        assert words in str(caught.value.data)
        assert mas.check_config(config)["valid"] is False


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"to": "+8613812345678", "payload": {}}, "data.type"),
        ({"to": "+8613812345678", "type": "SignIn"}, "data.payload"),
        ({**SIGN_IN, "payload": {"code": {"nested": 1}}}, "payload"),
    ],
)
def test_bad_data(data: dict[str, Any], words: str) -> None:
    with pytest.raises(ConnectorError) as caught:
        mas.send_message(data, _config())  # type: ignore[arg-type]
    assert caught.value.code is ConnectorErrorCode.INVALID_REQUEST_PARAMETERS
    assert words in caught.value.data["message"]  # type: ignore[index]


async def test_async_limits_and_a_refusal_gives_the_place_back(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = {**sb.mas_config(), "maxMessagesPerNumberPerDay": 1}
    sb.inject_fault("error", status=200, code="SMS_SYSTEM_ERROR", action="SendSmsVerifyCode")
    with pytest.raises(ConnectorError) as refused:
        await mas.send_message_async(SIGN_IN, config)
    assert refused.value.code is ConnectorErrorCode.GENERAL
    assert refused.value.data is not None
    assert refused.value.data["retryable"] is True
    # Aliyun answered, so nothing was sent: the day's one message is still free
    assert (await mas.send_message_async(SIGN_IN, config))["Code"] == "OK"
    with pytest.raises(ConnectorError) as limited:
        await mas.send_message_async(SIGN_IN, config)
    assert limited.value.code is ConnectorErrorCode.RATE_LIMIT_EXCEEDED
    assert len([r for r in sb.requests if r["action"] == "SendSmsVerifyCode"]) == 2


def test_a_sync_refusal_gives_the_place_back(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = {**sb.mas_config(), "maxMessagesPerNumberPerDay": 1}
    sb.inject_fault("error", status=200, code="BUSINESS_LIMIT_CONTROL", action="SendSmsVerifyCode")
    with pytest.raises(ConnectorError):
        mas.send_message(SIGN_IN, config)
    assert mas.send_message(SIGN_IN, config)["Code"] == "OK"


def test_a_dropped_connection_keeps_the_place(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = {**sb.mas_config(), "maxMessagesPerNumberPerDay": 1, "readTimeout": 2000}
    sb.inject_fault("drop", action="SendSmsVerifyCode")
    with pytest.raises(ConnectorError) as caught:
        mas.send_message(SIGN_IN, config)
    assert caught.value.data is not None
    assert caught.value.data["maybeSent"] is True
    with pytest.raises(ConnectorError) as limited:  # it may have been sent: still counted
        mas.send_message(SIGN_IN, config)
    assert limited.value.code is ConnectorErrorCode.RATE_LIMIT_EXCEEDED


async def test_an_async_get_config_from_a_running_loop() -> None:
    async def get_config(connector_id: str) -> dict[str, Any]:
        return _config()

    connector = mas.create_connector(get_config)
    with pytest.raises(ConnectorError) as caught:
        connector.send_message(SIGN_IN)
    assert caught.value.code is ConnectorErrorCode.GENERAL
    assert "send_message_async" in str(caught.value.data)


def test_a_sync_get_config_on_the_async_path(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    connector = mas.create_connector(lambda _id: sb.mas_config())
    assert asyncio.run(connector.send_message_async(SIGN_IN))["Code"] == "OK"
    async_connector = mas.create_connector(lambda _id: _async(sb.mas_config()))
    assert async_connector.send_message({**SIGN_IN, "to": "+8613912345678"})["Code"] == "OK"


async def _async(value: dict[str, Any]) -> dict[str, Any]:
    return value


def test_reread_leaves_other_errors_alone() -> None:
    gateway = ConnectorError(ConnectorErrorCode.INVALID_CONFIG, {"httpStatus": 400, "Code": "X"})
    assert reread(gateway) is gateway
    odd = ConnectorError(ConnectorErrorCode.GENERAL, {"httpStatus": 200, "response": "text"})
    assert reread(odd) is odd
    plain = ConnectorError(ConnectorErrorCode.GENERAL, "text")
    assert reread(plain) is plain
