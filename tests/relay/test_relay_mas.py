"""The relay sending through the Message Authentication Service connector
(``connectorId: aliyun-short-message-auth-service``): each platform's request reaches the
sandbox's outbox as a Dypnsapi ``SendSmsVerifyCode``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from relay_helpers import platform_request, post

MAS_ID = "aliyun-short-message-auth-service"

# Logto's MAS form defaults (the sandbox's ``mas_config``): the usage type's system template.
TEMPLATE = {"SignIn": "100001", "MfaVerification": "100001", "ForgotPassword": "100003"}


@pytest.fixture
def mas_relay(start_relay: Any, aliyun_sms_sandbox: Any) -> Any:
    return start_relay(connector=aliyun_sms_sandbox.mas_config(), connectorId=MAS_ID)


@pytest.mark.parametrize(
    ("platform", "to", "usage"),
    [
        ("logto", "+8613900139001", "SignIn"),
        ("authentik", "+8613900139002", "MfaVerification"),
        ("zitadel", "+8613900139003", "MfaVerification"),
        ("supabase", "+8613900139004", "SignIn"),
        ("kratos", "+8613900139005", "SignIn"),
    ],
)
def test_each_route_sends_through_mas(
    mas_relay: Any, aliyun_sms_sandbox: Any, platform: str, to: str, usage: str
) -> None:
    body, headers = platform_request(platform, to, "582913")
    answer = post(f"{mas_relay.url}/v1/{platform}", body, headers)
    assert answer.status_code == 200, answer.text
    [message] = aliyun_sms_sandbox.messages
    assert message["Product"] == "Dypnsapi"
    assert message["PhoneNumber"] == to.removeprefix("+86")
    assert message["TemplateCode"] == TEMPLATE[usage]
    assert json.loads(message["TemplateParam"]) == {"code": "582913", "min": "10"}
    assert message["SignName"] == aliyun_sms_sandbox.mas_config()["signName"]
    assert "582913" in message["Content"]
    if platform == "logto":  # the MAS answer's BizId is in its Model; the relay gives it
        assert answer.json()["BizId"] == message["BizId"]


def test_a_usage_type_picks_its_system_template(mas_relay: Any, aliyun_sms_sandbox: Any) -> None:
    body, headers = platform_request("logto", "+8613900139006", "777888", type="ForgotPassword")
    assert post(f"{mas_relay.url}/v1/logto", body, headers).status_code == 200
    [message] = aliyun_sms_sandbox.messages
    assert message["TemplateCode"] == TEMPLATE["ForgotPassword"]


def test_an_overseas_number_is_refused_in_the_platforms_shape(
    mas_relay: Any, aliyun_sms_sandbox: Any
) -> None:
    body, headers = platform_request("logto", "+85261234567", "123456")
    answer = post(f"{mas_relay.url}/v1/logto", body, headers)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_number"
    assert aliyun_sms_sandbox.messages == []


def test_the_same_code_twice_is_sent_once(mas_relay: Any, aliyun_sms_sandbox: Any) -> None:
    body, headers = platform_request("kratos", "+8613900139007", "246810")
    first = post(f"{mas_relay.url}/v1/kratos", body, headers)
    again = post(f"{mas_relay.url}/v1/kratos", body, headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["duplicate"] is True
    assert len(aliyun_sms_sandbox.messages) == 1


def test_a_sendsms_config_under_the_mas_id_is_not_ready(
    start_relay: Any, aliyun_sms_sandbox: Any
) -> None:
    """The MAS connector checks its own config: a SendSms one is named a setup problem."""
    import requests

    config = aliyun_sms_sandbox.connector_config()
    config["templates"] = [{"usageType": "SignIn", "templateCode": 5}]
    relay = start_relay(connector=config, connectorId=MAS_ID)
    ready = requests.get(f"{relay.url}/readyz", timeout=10)
    assert ready.status_code == 503
    assert "connector config is invalid" in ready.json()["problems"][0]
    body, headers = platform_request("logto", "+8613900139008", "123456")
    answer = post(f"{relay.url}/v1/logto", body, headers)
    assert answer.status_code == 500
    assert answer.json()["code"] == "not_configured"
    assert aliyun_sms_sandbox.messages == []
