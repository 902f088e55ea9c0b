"""Authentication as Aliyun's gateway answers it: ACS3 (the SDK) and RPC v1 (Logto-style forms)."""

from __future__ import annotations

import asyncio
import urllib.parse
from datetime import timedelta

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from darabonba.runtime import ExtendsParameters, RuntimeOptions
from sandbox_helpers import (
    SIGN,
    SIGN_IN,
    acs3_headers,
    form,
    logto_signed_form,
    make_client,
    raw_request,
    sign_in_request,
)

from aliyun_sms_sandbox import Sandbox

REQUEST = sign_in_request()
API = {
    "PhoneNumbers": "13812345678",
    "SignName": SIGN,
    "TemplateCode": SIGN_IN,
    "TemplateParam": '{"code":"1234"}',
}


def _refused(sb: Sandbox, mode: str, **config: str) -> ClientException:
    client = make_client(sb, **config)

    def call() -> object:
        if mode == "sync":
            return client.send_sms(REQUEST)
        return asyncio.run(client.send_sms_async(REQUEST))

    with pytest.raises(ClientException) as caught:
        call()
    assert sb.messages == []
    return caught.value


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_wrong_secret_is_signature_does_not_match(sb: Sandbox, mode: str) -> None:
    error = _refused(sb, mode, secret="not-the-secret")
    assert (error.code, error.status_code) == ("SignatureDoesNotMatch", 400)
    assert "server string to sign is:ACS3-HMAC-SHA256\n" in error.message
    assert error.data["HostId"] == "dysmsapi.aliyuncs.com"
    assert set(error.data) >= {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert error.request_id == error.data["RequestId"]
    assert sb.requests[0]["code"] == "SignatureDoesNotMatch"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_unknown_and_disabled_keys(sb: Sandbox, mode: str) -> None:
    error = _refused(sb, mode, key="LTAI-nobody")
    assert (error.code, error.status_code) == ("InvalidAccessKeyId.NotFound", 404)
    sb.add_account("LTAI-off", "off-secret", enabled=False)
    error = _refused(sb, mode, key="LTAI-off", secret="off-secret")
    assert (error.code, error.status_code) == ("InvalidAccessKeyId.Inactive", 400)


@pytest.mark.parametrize("minutes", [16, -16])
def test_clock_skew_beyond_15_minutes(sb: Sandbox, minutes: int) -> None:
    sb.clock.set_skew(minutes * 60)
    error = _refused(sb, "sync")
    assert (error.code, error.status_code) == ("InvalidTimeStamp.Expired", 400)
    sb.clock.set_skew((14 if minutes > 0 else -14) * 60)
    assert make_client(sb).send_sms(REQUEST).body.code == "OK"
    with pytest.raises(ValueError, match="within a year"):
        sb.clock.set_skew(float("nan"))


def test_the_business_clock_moves_without_breaking_signatures(sb: Sandbox) -> None:
    """A test may jump days ahead: the SDK still signs with real time and gets through."""
    client = make_client(sb)
    sb.set_daily_quota(1)
    assert client.send_sms(REQUEST).body.code == "OK"
    sb.clock.advance(86_400)  # tomorrow, in the service's eyes
    assert client.send_sms(REQUEST).body.code == "OK"
    sb.clock.set(0)  # 1970, frozen
    assert client.send_sms(REQUEST).body.code == "OK"
    assert sb.messages[0]["SendDate"].startswith("1970-01-01")


def test_reused_nonce(sb: Sandbox) -> None:
    client = make_client(sb)
    runtime = RuntimeOptions(
        extends_parameters=ExtendsParameters(headers={"x-acs-signature-nonce": "fixed-nonce"})
    )
    assert client.send_sms_with_options(REQUEST, runtime).body.code == "OK"
    with pytest.raises(ClientException) as caught:
        client.send_sms_with_options(REQUEST, runtime)
    assert (caught.value.code, caught.value.status_code) == ("SignatureNonceUsed", 400)
    assert len(sb.messages) == 1


def test_hand_signed_acs3(sb: Sandbox) -> None:
    query = list(API.items())
    status, headers, body = raw_request(
        sb, query=urllib.parse.urlencode(query), headers=acs3_headers(sb, query)
    )
    assert (status, body["Code"]) == (200, "OK")
    assert headers["x-acs-request-id"] == body["RequestId"]
    assert headers["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "name",
    [
        "host",
        "x-acs-action",
        "x-acs-version",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-content-sha256",
    ],
)
def test_required_signed_headers(sb: Sandbox, name: str) -> None:
    query = list(API.items())
    status, _, body = raw_request(
        sb, query=urllib.parse.urlencode(query), headers=acs3_headers(sb, query, drop=(name,))
    )
    assert (status, body["Code"]) == (400, "IncompleteSignature")
    assert name in body["Message"]


def test_absent_signed_header_and_malformed_authorization(sb: Sandbox) -> None:
    query = list(API.items())
    headers = acs3_headers(sb, query)
    del headers["x-acs-signature-nonce"]
    status, _, body = raw_request(sb, query=urllib.parse.urlencode(query), headers=headers)
    assert (status, body["Code"]) == (400, "IncompleteSignature")
    assert "absent" in body["Message"]
    headers = acs3_headers(sb, query)
    headers["Authorization"] = "ACS3-HMAC-SHA256 Credential=x"
    status, _, body = raw_request(sb, query=urllib.parse.urlencode(query), headers=headers)
    assert (status, body["Code"]) == (400, "IncompleteSignature")


def test_body_hash_and_bad_date(sb: Sandbox) -> None:
    query = list(API.items())
    headers = acs3_headers(sb, query, body=b"")
    status, _, body = raw_request(
        sb, query=urllib.parse.urlencode(query), body=b"x=1", headers=headers
    )
    assert (status, body["Code"]) == (400, "SignatureDoesNotMatch")
    assert "x-acs-content-sha256" in body["Message"]
    headers = acs3_headers(sb, query)
    headers["x-acs-date"] = "yesterday"
    status, _, body = raw_request(sb, query=urllib.parse.urlencode(query), headers=headers)
    assert (status, body["Code"]) == (400, "InvalidTimeStamp.Format")


def test_changing_a_signed_param_breaks_the_signature(sb: Sandbox) -> None:
    query = list(API.items())
    headers = acs3_headers(sb, query)
    tampered = urllib.parse.urlencode({**API, "PhoneNumbers": "13900000000"})
    status, _, body = raw_request(sb, query=tampered, headers=headers)
    assert (status, body["Code"]) == (400, "SignatureDoesNotMatch")
    assert sb.messages == []


def test_sdk_with_the_v1_signature(sb: Sandbox) -> None:
    """``Config(signature_algorithm='v2')`` makes the SDK sign RPC v1 (HMAC-SHA1) in the query."""
    client = make_client(sb, signature_algorithm="v2")
    assert client.send_sms(REQUEST).body.code == "OK"
    assert asyncio.run(client.send_sms_async(REQUEST)).body.code == "isv.BUSINESS_LIMIT_CONTROL"
    assert [r["scheme"] for r in sb.requests] == ["V1", "V1"]
    assert sb.requests[0]["params"]["SignatureMethod"] == "HMAC-SHA1"
    wrong = make_client(sb, secret="nope", signature_algorithm="v2")
    with pytest.raises(ClientException) as caught:
        wrong.send_sms(REQUEST)
    assert caught.value.code == "SignatureDoesNotMatch"
    assert "server string to sign is:POST&%2F&" in caught.value.message


def test_logto_style_form_post(sb: Sandbox) -> None:
    """Logto's TS connector: every parameter and the Signature in a form body, v1-signed."""
    body, headers = form(logto_signed_form(sb, **API))
    status, _, answer = raw_request(sb, body=body, headers=headers)
    assert (status, answer["Code"], answer["Message"]) == (200, "OK", "OK")
    assert answer["BizId"] == sb.messages[0]["BizId"]
    [request] = sb.requests
    assert request["scheme"] == "V1"
    assert request["params"]["PhoneNumbers"] == "13812345678"
    assert request["params"]["RegionId"] == "cn-hangzhou"


def test_v1_in_the_query_string_with_get(sb: Sandbox) -> None:
    params = logto_signed_form(sb, **API)
    params.pop("Signature")
    from aliyun_sms_sandbox.signing import rpc_v1_signature

    params["Signature"] = rpc_v1_signature(sb.access_key_secret, "GET", params)
    status, _, answer = raw_request(sb, "GET", query=urllib.parse.urlencode(params))
    assert (status, answer["Code"]) == (200, "OK")


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"AccessKeyId": "LTAI-nobody"}, 404, "InvalidAccessKeyId.NotFound"),
        ({"Signature": "AAAA"}, 400, "SignatureDoesNotMatch"),
        ({"Signature": ""}, 400, "MissingSignature"),
        ({"SignatureNonce": ""}, 400, "MissingSignatureNonce"),
        ({"Timestamp": ""}, 400, "MissingTimestamp"),
        ({"Timestamp": "2016-10-20 06:27:56"}, 400, "InvalidTimeStamp.Format"),
        ({"Timestamp": "2016-13-20T06:27:56Z"}, 400, "InvalidTimeStamp.Format"),
        ({"Timestamp": "2016-10-20T06:27:56Z"}, 400, "InvalidTimeStamp.Expired"),
        ({"SignatureMethod": "HMAC-SHA256"}, 400, "InvalidSignatureMethod"),
        ({"SignatureVersion": "2.0"}, 400, "InvalidSignatureVersion"),
        ({"Action": "SendEmail"}, 404, "InvalidApi.NotFound"),
        ({"Version": "2018-05-01"}, 400, "InvalidVersion"),
        ({"Version": ""}, 400, "MissingVersion"),
        ({"PhoneNumbers": ""}, 400, "MissingPhoneNumbers"),
    ],
)
def test_v1_refusals(sb: Sandbox, change: dict[str, str], status: int, code: str) -> None:
    params = logto_signed_form(
        sb, **{**API, **{k: v for k, v in change.items() if k != "Signature"}}
    )
    if "Signature" in change:
        params["Signature"] = change["Signature"]
    params = {k: v for k, v in params.items() if v != ""}
    body, headers = form(params)
    got_status, _, answer = raw_request(sb, body=body, headers=headers)
    assert (got_status, answer["Code"]) == (status, code)
    assert sb.messages == []


def test_v1_nonce_reuse(sb: Sandbox) -> None:
    body, headers = form(logto_signed_form(sb, **API))
    assert raw_request(sb, body=body, headers=headers)[2]["Code"] == "OK"
    status, _, answer = raw_request(sb, body=body, headers=headers)
    assert (status, answer["Code"]) == (400, "SignatureNonceUsed")


def test_v1_timestamp_follows_real_time_and_the_skew(sb: Sandbox) -> None:
    sb.clock.advance(timedelta(days=3).total_seconds())  # the business clock: no effect here
    body, headers = form(logto_signed_form(sb, **API))
    status, _, answer = raw_request(sb, body=body, headers=headers)
    assert (status, answer["Code"]) == (200, "OK")
    sb.clock.set_skew(timedelta(hours=1).total_seconds())
    body, headers = form(logto_signed_form(sb, **API))
    status, _, answer = raw_request(sb, body=body, headers=headers)
    assert (status, answer["Code"]) == (400, "InvalidTimeStamp.Expired")


def test_anonymous_and_actionless_requests(sb: Sandbox) -> None:
    body, headers = form({**API, "Action": "SendSms", "Version": "2017-05-25"})
    status, _, answer = raw_request(sb, body=body, headers=headers)
    assert (status, answer["Code"]) == (400, "MissingAccessKeyId")
    body, headers = form({**API, "AccessKeyId": sb.access_key_id})
    status, _, answer = raw_request(sb, body=body, headers=headers)
    assert (status, answer["Code"]) == (400, "MissingAction")
    assert [r["action"] for r in sb.requests] == ["SendSms", None]


def test_unknown_action_from_the_sdk_side(sb: Sandbox) -> None:
    query = list(API.items())
    headers = acs3_headers(sb, query, action="SendMagic")
    status, _, answer = raw_request(sb, query=urllib.parse.urlencode(query), headers=headers)
    assert (status, answer["Code"]) == (404, "InvalidApi.NotFound")
    assert "SendMagic" in answer["Message"]


def test_api_on_another_path(sb: Sandbox) -> None:
    query = list(API.items())
    status, _, answer = raw_request(
        sb, path="/v2/", query=urllib.parse.urlencode(query), headers=acs3_headers(sb, query)
    )
    assert (status, answer["Code"]) == (404, "InvalidApi.NotFound")
