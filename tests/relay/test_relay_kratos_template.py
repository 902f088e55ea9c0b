"""The shipped Jsonnet body template, evaluated as Kratos evaluates it (the ``jsonnet`` package,
``ctx`` as a top-level argument: ``request/builder.go`` ``vm.TLACode("ctx", ...)``), on the
context shapes of Kratos' HTTP courier (``courier/http_channel.go``), then posted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from relay_helpers import basic, post

from logto_connector_aliyun_sms.relay import kratos

_jsonnet = pytest.importorskip("_jsonnet")

IDENTITY = {"id": "9f4c...", "traits": {"phone": "+8613800138000", "name": "Secret Name"}}


def kratos_context(template_type: str, template_data: dict[str, Any]) -> dict[str, Any]:
    """``httpDataModel``: recipient, subject, body, template_type, template_data, message_type."""
    return {
        "recipient": "+8613800138000",
        "subject": "",
        "body": "Your code is " + next(iter(template_data.values())),
        "template_type": template_type,
        "template_data": {
            **template_data,
            "to": "+8613800138000",
            "identity": IDENTITY,
            "request_url": "https://auth.example.com/self-service/login?flow=1",
            "transient_payload": {},
        },
        "message_type": "SMS",
    }


def evaluate(ctx: dict[str, Any]) -> Any:
    out = _jsonnet.evaluate_snippet(
        "kratos_body.jsonnet", kratos.template_text(), tla_codes={"ctx": json.dumps(ctx)}
    )
    return json.loads(out)


CASES = [
    ("login_code_valid", {"login_code": "123456", "expires_in_minutes": 15}, "SMS_900000001"),
    ("registration_code_valid", {"registration_code": "234567"}, "SMS_900000002"),
    (
        "verification_code_valid",
        {"verification_code": "345678", "expires_in_minutes": 60},
        "SMS_900000007",
    ),
]


@pytest.mark.parametrize(("template_type", "data", "template"), CASES)
def test_the_template_keeps_the_code_and_drops_the_identity(
    template_type: str, data: dict[str, Any], template: str
) -> None:
    body = evaluate(kratos_context(template_type, data))
    assert body == {
        "recipient": "+8613800138000",
        "template_type": template_type,
        "template_data": data,
    }
    assert "Secret Name" not in json.dumps(body)


@pytest.mark.parametrize(("template_type", "data", "template"), CASES)
def test_the_templates_body_reaches_the_outbox(
    relay: Any, aliyun_sms_sandbox: Any, template_type: str, data: dict[str, Any], template: str
) -> None:
    body = json.dumps(evaluate(kratos_context(template_type, data))).encode()
    answer = post(f"{relay.url}/v1/kratos", body, {"Authorization": basic()})
    assert answer.status_code == 200
    [message] = aliyun_sms_sandbox.messages
    assert message["TemplateCode"] == template
    code = next(v for k, v in data.items() if k.endswith("_code"))
    assert json.loads(message["TemplateParam"]) == {"code": code}


def test_a_pass_through_template_works_too(relay: Any, aliyun_sms_sandbox: Any) -> None:
    """An operator's ``function(ctx) ctx``: the whole context, identity included."""
    ctx = kratos_context("login_code_valid", {"login_code": "456789"})
    answer = post(f"{relay.url}/v1/kratos", ctx, {"Authorization": basic()})
    assert answer.status_code == 200
    assert json.loads(aliyun_sms_sandbox.messages[0]["TemplateParam"]) == {"code": "456789"}


def test_expires_in_minutes_sets_how_long_a_code_is_sent_once(
    relay: Any, aliyun_sms_sandbox: Any
) -> None:
    body = evaluate(
        kratos_context("login_code_valid", {"login_code": "567890", "expires_in_minutes": 1})
    )
    from logto_connector_aliyun_sms.relay.kratos import parse

    assert parse(body).lifetime_s == 60
    assert parse({**body, "template_data": {"login_code": "1"}}).lifetime_s is None
