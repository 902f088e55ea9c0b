"""The signature functions: the RPC v1 test vector, ACS3 against the SDK's own signer."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import pytest
from alibabacloud_tea_openapi.utils import Utils
from darabonba.request import DaraRequest

from aliyun_sms_sandbox import signing

VECTOR = {
    "AccessKeyId": "testid",
    "AccountName": "<a%b'>",
    "Action": "SingleSendMail",
    "AddressType": "1",
    "Format": "XML",
    "HtmlBody": "4",
    "RegionId": "cn-hangzhou",
    "ReplyToAddress": "true",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureVersion": "1.0",
    "Subject": "3",
    "TagName": "2",
    "ToAddress": "1@test.com",
    "Version": "2015-11-23",
    "SignatureNonce": "c1b2c332-4cfb-4a0f-b8cc-ebe622aa0a5c",
    "Timestamp": "2016-10-20T06:27:56Z",
}


def test_rpc_v1_test_vector() -> None:
    assert signing.rpc_v1_signature("testsecret", "POST", VECTOR) == "llJfXJjBW3OacrVgxxsITgYaYm0="


def test_rpc_v1_ignores_a_signature_param_and_depends_on_method() -> None:
    with_signature = {**VECTOR, "Signature": "whatever"}
    assert signing.rpc_v1_signature("testsecret", "POST", with_signature) == (
        "llJfXJjBW3OacrVgxxsITgYaYm0="
    )
    assert signing.rpc_v1_signature("testsecret", "GET", VECTOR) != "llJfXJjBW3OacrVgxxsITgYaYm0="
    assert signing.rpc_v1_string_to_sign("GET", {"a": "b c"}) == "GET&%2F&a%3Db%2520c"


def test_percent_encoding_is_rfc3986() -> None:
    assert signing.percent("a b*c~d/é") == "a%20b%2Ac~d%2F%C3%A9"


@pytest.mark.parametrize(
    "value", ["", "SendSms", "2017-05-25", "a_b.c~d-e", "+8613800000000", "Ａ", "a\nb", "١٢"]
)
def test_the_unreserved_fast_path_encodes_as_quote_does(value: str) -> None:
    assert signing.percent(value) == quote(value, safe="~")
    assert signing.canonical_query([("b", "2"), ("a", "x y"), ("c", "")]) == "a=x%20y&b=2&c="


def test_acs3_matches_the_sdk_signer() -> None:
    """Our canonical request, built from what the wire carries, signs like the SDK."""
    body = b""
    headers = {
        "host": "127.0.0.1:8787",
        "x-acs-action": "SendSms",
        "x-acs-version": "2017-05-25",
        "x-acs-date": "2024-05-01T08:00:00Z",
        "x-acs-signature-nonce": "abc123",
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
        "accept": "application/json",
    }
    query = {
        "PhoneNumbers": "+8613812345678",
        "SignName": "阿里云 测试",
        "TemplateParam": '{"a": "*~"}',
    }
    request = DaraRequest()
    request.method, request.pathname = "POST", "/"
    request.headers, request.query = dict(headers), dict(query)
    expected = Utils.get_authorization(
        request, "ACS3-HMAC-SHA256", headers["x-acs-content-sha256"], "AK", "SECRET"
    )
    ours = signing.sign_acs3("POST", "/", list(query.items()), headers, body, "AK", "SECRET")
    assert ours == expected
    parsed = signing.parse_acs3_authorization(ours)
    assert parsed is not None
    assert parsed.access_key_id == "AK"
    assert parsed.signed_headers == tuple(sorted(headers))


def test_authorization_header_parsing() -> None:
    assert signing.parse_acs3_authorization("Bearer x") is None
    assert signing.parse_acs3_authorization("ACS3-HMAC-SHA256 Credential=AK") is None
    parsed = signing.parse_acs3_authorization(
        "ACS3-HMAC-SHA256 Credential=AK, SignedHeaders=Host;X-Acs-Date, Signature=ABCDEF"
    )
    assert parsed == signing.Acs3Authorization("AK", ("host", "x-acs-date"), "abcdef")


def test_header_bytes_that_are_not_utf8_are_hashed_not_crashed() -> None:
    from aliyun_sms_sandbox.signing import acs3_string_to_sign

    surrogate = b"agent \xff".decode("utf-8", "surrogateescape")  # how aiohttp hands them over
    assert acs3_string_to_sign(f"GET\n/\n\nuser-agent:{surrogate}\n").startswith("ACS3-HMAC-SHA256")
