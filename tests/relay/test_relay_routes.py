"""Every platform's own request, over real HTTP, through the relay to the sandbox's outbox."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from relay_helpers import (
    API_KEY,
    AUTHENTIK_TOKEN,
    BASIC_PASSWORD,
    LOGTO_TOKEN,
    basic,
    encode,
    platform_request,
    post,
    routes,
    webhook_headers,
    zitadel_signature,
)

PLATFORMS = ("logto", "authentik", "zitadel", "supabase", "kratos")
MAINLAND = "+8613800138000"

# The sandbox's default seed: the mainland template of each Logto usage type.
TEMPLATE = {
    "SignIn": "SMS_900000001",
    "Register": "SMS_900000002",
    "ForgotPassword": "SMS_900000003",
    "Generic": "SMS_900000005",
    "UserPermissionValidation": "SMS_900000006",
    "BindNewIdentifier": "SMS_900000007",
    "MfaVerification": "SMS_900000008",
}


@pytest.mark.parametrize(
    ("platform", "usage"),
    [
        ("logto", "SignIn"),
        ("authentik", "MfaVerification"),
        ("zitadel", "MfaVerification"),
        ("supabase", "SignIn"),
        ("kratos", "SignIn"),
    ],
)
def test_each_platform_gets_the_code_to_the_outbox(
    relay: Any, aliyun_sms_sandbox: Any, platform: str, usage: str
) -> None:
    body, headers = platform_request(platform, MAINLAND, "482913")
    answer = post(f"{relay.url}/v1/{platform}", body, headers)
    assert answer.status_code == 200, answer.text
    [message] = aliyun_sms_sandbox.messages
    assert message["PhoneNumber"] == MAINLAND
    assert json.loads(message["TemplateParam"]) == {"code": "482913"}
    assert message["TemplateCode"] == TEMPLATE[usage]
    assert message["Content"].endswith("请勿泄露于他人。")
    assert "482913" in message["Content"]


def test_answers_are_in_each_platforms_shape(relay: Any) -> None:
    shapes = {}
    for number, platform in enumerate(PLATFORMS):
        body, headers = platform_request(platform, f"+861380013800{number}", "111222")
        answer = post(f"{relay.url}/v1/{platform}", body, headers)
        assert answer.status_code == 200
        shapes[platform] = answer.json()
    assert shapes["logto"]["Code"] == "OK"
    assert shapes["logto"]["BizId"]
    assert shapes["supabase"] == {}
    assert shapes["authentik"]["sent"] is True
    assert shapes["zitadel"]["sent"] is True
    assert shapes["kratos"]["sent"] is True


@pytest.mark.parametrize(
    ("platform", "kind", "usage"),
    [
        ("zitadel", "user.human.phone.code.added", "BindNewIdentifier"),
        ("zitadel", "user.human.password.code.added", "ForgotPassword"),
        ("zitadel", "some.future.event", "Generic"),
        ("supabase", "phone_change", "BindNewIdentifier"),
        ("supabase", "signup", "Register"),
        ("supabase", "reauthentication", "UserPermissionValidation"),
        ("kratos", "registration_code_valid", "Register"),
        ("kratos", "verification_code_valid", "BindNewIdentifier"),
        ("logto", "ForgotPassword", "ForgotPassword"),
    ],
)
def test_message_types_map_to_usage_types(
    relay: Any, aliyun_sms_sandbox: Any, platform: str, kind: str, usage: str
) -> None:
    body, headers = platform_request(platform, MAINLAND, "550055", type=kind)
    assert post(f"{relay.url}/v1/{platform}", body, headers).status_code == 200
    assert aliyun_sms_sandbox.messages[0]["TemplateCode"] == TEMPLATE[usage]


def test_a_route_overrides_the_usage_type_table(start_relay: Any, aliyun_sms_sandbox: Any) -> None:
    relay = start_relay(
        routes=routes(
            authentik={"bearer": AUTHENTIK_TOKEN, "usageTypes": {"*": "SignIn"}},
            zitadel={"usageTypes": {"user.human.otp.sms.code.added": "Generic"}},
            logto={"authorization": LOGTO_TOKEN, "usageTypes": {"SignIn": "Register"}},
        )
    )
    for number, platform in enumerate(("authentik", "zitadel", "logto")):
        body, headers = platform_request(platform, f"+861380013801{number}", "909090")
        assert post(f"{relay.url}/v1/{platform}", body, headers).status_code == 200
    sent = {m["PhoneNumber"]: m["TemplateCode"] for m in aliyun_sms_sandbox.messages}
    assert sent["+8613800138010"] == TEMPLATE["SignIn"]
    assert sent["+8613800138011"] == TEMPLATE["Generic"]
    assert sent["+8613800138012"] == TEMPLATE["Register"]


def test_overseas_numbers_use_the_overseas_template(relay: Any, aliyun_sms_sandbox: Any) -> None:
    body, headers = platform_request("supabase", "+85261234567", "123123")
    assert post(f"{relay.url}/v1/supabase", body, headers).status_code == 200
    assert aliyun_sms_sandbox.messages[0]["TemplateCode"] == "SMS_900000101"


# --- credentials ------------------------------------------------------------------------------

GOOD = {
    "logto": {"Authorization": LOGTO_TOKEN},
    "authentik": {"Authorization": f"Bearer {AUTHENTIK_TOKEN}"},
    "kratos": {"Authorization": basic()},
}
BAD = {
    "logto": [{"Authorization": LOGTO_TOKEN + "x"}, {"Authorization": "Bearer other"}],
    "authentik": [{"Authorization": "Bearer wrong"}, {"Authorization": basic()}],
    "kratos": [
        {"Authorization": basic(password="wrong")},
        {"Authorization": basic(user="other", password=BASIC_PASSWORD)},
        {"Authorization": "Basic !!!not-base64"},
        {"Authorization": "Basic " + "a2VpbmVkb3BwZWxwdW5rdA=="},  # no colon
    ],
}


@pytest.mark.parametrize("platform", ["logto", "authentik", "kratos"])
def test_token_routes_refuse_missing_and_wrong_credentials(
    relay: Any, aliyun_sms_sandbox: Any, platform: str
) -> None:
    body, _ = platform_request(platform, MAINLAND, "246810")
    missing = post(f"{relay.url}/v1/{platform}", body)
    assert missing.status_code == 401
    for headers in BAD[platform]:
        assert post(f"{relay.url}/v1/{platform}", body, headers).status_code == 401
    assert aliyun_sms_sandbox.messages == []
    assert post(f"{relay.url}/v1/{platform}", body, GOOD[platform]).status_code == 200
    assert len(aliyun_sms_sandbox.messages) == 1


@pytest.mark.parametrize("platform", ["zitadel", "supabase"])
def test_signed_routes_refuse_unsigned_requests(
    relay: Any, aliyun_sms_sandbox: Any, platform: str
) -> None:
    body, _ = platform_request(platform, MAINLAND, "246810")
    answer = post(f"{relay.url}/v1/{platform}", body)
    assert answer.status_code == 401
    assert aliyun_sms_sandbox.messages == []


def test_authentik_basic_auth(start_relay: Any, aliyun_sms_sandbox: Any) -> None:
    relay = start_relay(
        routes=routes(authentik={"basic": {"username": "ak", "password": "ak-password-123"}})
    )
    body, _ = platform_request("authentik", MAINLAND, "777888")
    assert post(f"{relay.url}/v1/authentik", body, {"Authorization": basic()}).status_code == 401
    good = {"Authorization": basic("ak", "ak-password-123")}
    assert post(f"{relay.url}/v1/authentik", body, good).status_code == 200
    assert len(aliyun_sms_sandbox.messages) == 1


def test_kratos_api_key_header(start_relay: Any, aliyun_sms_sandbox: Any) -> None:
    relay = start_relay(routes=routes(kratos={"apiKey": {"name": API_KEY[0], "value": API_KEY[1]}}))
    body, _ = platform_request("kratos", MAINLAND, "112233")
    assert post(f"{relay.url}/v1/kratos", body, {API_KEY[0]: "nope"}).status_code == 401
    assert post(f"{relay.url}/v1/kratos", body, {"Authorization": basic()}).status_code == 401
    assert post(f"{relay.url}/v1/kratos", body, {API_KEY[0]: API_KEY[1]}).status_code == 200


def test_authentik_refusals_are_short_plain_text(relay: Any, aliyun_sms_sandbox: Any) -> None:
    headers = {"Authorization": f"Bearer {AUTHENTIK_TOKEN}"}
    answer = post(f"{relay.url}/v1/authentik", {"To": "12", "Body": "123456"}, headers)
    assert answer.status_code == 400
    assert answer.headers["Content-Type"].startswith("text/plain")
    assert answer.text == "This phone number cannot receive a code."


def test_refusals_answer_in_each_platforms_shape(relay: Any, aliyun_sms_sandbox: Any) -> None:
    """A number that cannot receive codes, refused before any request to Aliyun."""
    shapes = {}
    for platform in PLATFORMS:
        body, headers = platform_request(platform, "+86123", "135790")
        answer = post(f"{relay.url}/v1/{platform}", body, headers)
        assert answer.status_code == 400, platform
        shapes[platform] = answer.json() if platform != "authentik" else answer.text
    message = "This phone number cannot receive a code."
    assert shapes["logto"] == {"code": "invalid_number", "message": message}
    assert shapes["authentik"] == message
    assert shapes["zitadel"] == {"error": "invalid_number", "message": message}
    assert shapes["kratos"] == {"error": "invalid_number", "message": message}
    assert shapes["supabase"] == {"error": {"http_code": 400, "message": message}}
    assert aliyun_sms_sandbox.requests == []


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_body_that_is_not_the_platforms_request_is_400(relay: Any, platform: str) -> None:
    body = encode({"something": "else"})
    _, headers = platform_request(platform, MAINLAND, "1")
    headers = dict(headers)
    if platform == "zitadel":
        headers["ZITADEL-Signature"] = zitadel_signature(body)
    if platform == "supabase":
        headers.update(webhook_headers(body))
    answer = post(f"{relay.url}/v1/{platform}", body, headers)
    assert answer.status_code == 400


@pytest.mark.parametrize("platform", ["logto", "kratos"])
def test_a_body_that_is_not_json_is_400(relay: Any, platform: str) -> None:
    _, headers = platform_request(platform, MAINLAND, "1")
    assert post(f"{relay.url}/v1/{platform}", b"{not json", headers).status_code == 400
    assert post(f"{relay.url}/v1/{platform}", b"[" * 5000, headers).status_code == 400


def test_rate_limits_answer_429_with_retry_after(start_relay: Any, aliyun_sms_sandbox: Any) -> None:
    connector = dict(aliyun_sms_sandbox.connector_config(), minSendIntervalSeconds=60)
    relay = start_relay(connector=connector)
    first, headers = platform_request("supabase", MAINLAND, "100001")
    assert post(f"{relay.url}/v1/supabase", first, headers).status_code == 200
    second, headers = platform_request("supabase", MAINLAND, "100002")
    answer = post(f"{relay.url}/v1/supabase", second, headers)
    assert answer.status_code == 429
    assert int(answer.headers["Retry-After"]) >= 1
    assert answer.json()["error"]["http_code"] == 429
    assert len(aliyun_sms_sandbox.messages) == 1
    text = requests.get(f"{relay.url}/metrics", timeout=10).text
    refusals = (
        'aliyun_sms_relay_limit_refusals_total{limit="minSendIntervalSeconds",route="supabase"}'
    )
    assert f"{refusals} 1.0" in text


def test_aliyun_errors_are_plain_words_without_aliyuns_text(
    relay: Any, aliyun_sms_sandbox: Any
) -> None:
    aliyun_sms_sandbox.inject_fault(
        "error", status=400, code="isv.AMOUNT_NOT_ENOUGH", message="secret-ish upstream text"
    )
    body, headers = platform_request("logto", MAINLAND, "121212")
    answer = post(f"{relay.url}/v1/logto", body, headers)
    assert answer.status_code in (500, 502, 503)
    assert "upstream" not in answer.text
    assert "AMOUNT" not in answer.text
    assert set(answer.json()) == {"code", "message"}
