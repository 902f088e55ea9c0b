"""create_connector: Logto's connector object, stored config (sync or async), discovery."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

import pytest

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode

DATA = {"to": "13812345678", "type": "SignIn", "payload": {"code": "123456"}}


def test_shape() -> None:
    connector = aliyun_sms.create_connector(lambda _id: {})
    assert connector.type == "Sms"
    assert connector.metadata == aliyun_sms.METADATA
    assert connector.config_schema == aliyun_sms.CONFIG_SCHEMA
    connector.metadata["formItems"][0]["label"] = "AccessKey ID（访问密钥）"  # a host localises
    connector.config_schema["title"] = "edited"
    assert aliyun_sms.METADATA["formItems"][0]["label"] == "Access Key ID"
    assert aliyun_sms.CONFIG_SCHEMA["title"] != "edited"
    other = aliyun_sms.create_connector(lambda _id: {})
    assert other.metadata == aliyun_sms.METADATA
    assert "aliyun-short-message-service" in repr(connector)


def test_entry_point_discovery() -> None:
    [ep] = [
        e
        for e in entry_points(group="logto.connectors")
        if e.name == "aliyun-short-message-service"
    ]
    assert ep.load() is aliyun_sms.create_connector


def test_config_guard(aliyun_sms_sandbox: Any) -> None:
    connector = aliyun_sms.create_connector(lambda _id: {})
    assert connector.config_guard(aliyun_sms_sandbox.connector_config())["signName"]
    with pytest.raises(ConnectorError) as caught:
        connector.config_guard({})
    assert caught.value.code is ConnectorErrorCode.INVALID_CONFIG


def test_stored_config_is_asked_by_id(aliyun_sms_sandbox: Any) -> None:
    asked: list[str] = []

    def get_config(connector_id: str) -> dict[str, Any]:
        asked.append(connector_id)
        config: dict[str, Any] = aliyun_sms_sandbox.connector_config()
        return config

    connector = aliyun_sms.create_connector(get_config)
    assert connector.send_message(DATA)["Code"] == "OK"
    assert asked == ["aliyun-short-message-service"]


def test_explicit_config_wins_over_stored(aliyun_sms_sandbox: Any) -> None:
    def get_config(_id: str) -> dict[str, Any]:
        raise AssertionError("not asked when a config is given")

    connector = aliyun_sms.create_connector(get_config)
    assert connector.send_message(DATA, aliyun_sms_sandbox.connector_config())["Code"] == "OK"


def test_async_get_config_from_sync_code(aliyun_sms_sandbox: Any) -> None:
    async def get_config(_id: str) -> dict[str, Any]:
        config: dict[str, Any] = aliyun_sms_sandbox.connector_config()
        return config

    connector = aliyun_sms.create_connector(get_config)
    assert connector.send_message(DATA)["Code"] == "OK"


async def test_async_send_with_async_or_sync_get_config(aliyun_sms_sandbox: Any) -> None:
    async def get_async(_id: str) -> dict[str, Any]:
        config: dict[str, Any] = aliyun_sms_sandbox.connector_config()
        return config

    def get_sync(_id: str) -> dict[str, Any]:
        config: dict[str, Any] = aliyun_sms_sandbox.connector_config()
        return config

    for number, get_config in (("13812345671", get_async), ("13812345672", get_sync)):
        connector = aliyun_sms.create_connector(get_config)
        assert (await connector.send_message_async(dict(DATA, to=number)))["Code"] == "OK"
    assert len(aliyun_sms_sandbox.messages) == 2


async def test_async_get_config_in_sync_call_inside_a_loop(aliyun_sms_sandbox: Any) -> None:
    async def get_config(_id: str) -> dict[str, Any]:
        return {}

    connector = aliyun_sms.create_connector(get_config)
    with pytest.raises(ConnectorError) as caught:
        connector.send_message(DATA)
    assert "send_message_async" in str(caught.value)
    assert aliyun_sms_sandbox.requests == []
