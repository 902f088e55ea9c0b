"""Helpers shared by the sandbox tests: constants and the raw official SDK aimed at the sandbox."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from alibabacloud_dysmsapi20170525 import models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi.models import Config

from aliyun_sms_sandbox import Sandbox, signing

SIGN = "Logto Sandbox"
SIGN_IN = "SMS_900000001"  # default mainland SignIn template
SIGN_IN_INTL = "SMS_900000101"  # default international SignIn template

#: SendSms through the SDK: keyword fields of SendSmsRequest (+ ``runtime``) -> response body.
Send = Callable[..., models.SendSmsResponseBody]


def sign_in_request(**changes: str) -> models.SendSmsRequest:
    """The usual SendSms: code 1234 to 13812345678 with the default signature and SignIn template;
    ``changes`` are SendSmsRequest fields (``sign_name=...``, ``template_param=...``)."""
    fields = {
        "phone_numbers": "13812345678",
        "sign_name": SIGN,
        "template_code": SIGN_IN,
        "template_param": '{"code":"1234"}',
    }
    return models.SendSmsRequest(**{**fields, **changes})


def make_client(
    sb: Sandbox, key: str | None = None, secret: str | None = None, **extra: Any
) -> Client:
    """An unchanged official SDK client aimed at the sandbox."""
    config = Config(
        access_key_id=key or sb.access_key_id,
        access_key_secret=secret or sb.access_key_secret,
        endpoint=f"{sb.host}:{sb.port}",
        protocol="http",
        read_timeout=5000,
        **extra,
    )
    return Client(config)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """An aware UTC datetime."""
    return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)


def raw_request(
    sb: Sandbox,
    method: str = "POST",
    path: str = "/",
    *,
    query: str = "",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], Any]:
    """A hand-built HTTP request (urllib, no proxy): status, headers and the body as JSON/text."""
    url = f"{sb.endpoint}{path}" + (f"?{query}" if query else "")
    headers = dict(headers or {})
    if body and path.startswith("/_sandbox/"):
        headers.setdefault("Content-Type", "application/json")  # admin routes take JSON only
    request = urllib.request.Request(url, data=body or None, method=method, headers=headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            status, raw, got = response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        status, raw, got = error.code, error.read(), dict(error.headers)
    text = raw.decode("utf-8")
    try:
        return status, got, json.loads(text)
    except ValueError:
        return status, got, text


def logto_signed_form(sb: Sandbox, secret: str | None = None, **api: str) -> dict[str, str]:
    """The parameters Logto's TypeScript connector posts, signed the way it signs them.

    Written here independently of the sandbox's signing module: HMAC-SHA1 over
    ``POST&%2F&<encoded sorted params>`` with the key ``secret&``.
    """
    params = {
        "AccessKeyId": sb.access_key_id,
        "Format": "json",
        "RegionId": "cn-hangzhou",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": uuid.uuid4().hex,
        "SignatureVersion": "1.0",
        "Timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds")[:-6] + "Z",
        "Version": "2017-05-25",
        "Action": "SendSms",
        **api,
    }
    params = {k: v for k, v in params.items() if v != ""}

    def escape(text: str) -> str:
        return urllib.parse.quote(text, safe="").replace("%7E", "~")

    canonical = "&".join(f"{escape(k)}={escape(v)}" for k, v in sorted(params.items()))
    string_to_sign = f"POST&{escape('/')}&{escape(canonical)}"
    key = f"{secret or sb.access_key_secret}&".encode()
    digest = hmac.new(key, string_to_sign.encode(), hashlib.sha1).digest()
    return {**params, "Signature": base64.b64encode(digest).decode()}


def form(params: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    """A form body and its content type."""
    body = urllib.parse.urlencode(params).encode()
    return body, {"Content-Type": "application/x-www-form-urlencoded"}


def acs3_headers(
    sb: Sandbox,
    query: list[tuple[str, str]],
    body: bytes = b"",
    *,
    action: str = "SendSms",
    secret: str | None = None,
    drop: tuple[str, ...] = (),
    nonce: str | None = None,
) -> dict[str, str]:
    """Headers of a hand-signed ACS3 request (``drop``: headers left out of the signature)."""
    headers = {
        "host": f"{sb.host}:{sb.port}",
        "x-acs-action": action,
        "x-acs-version": "2017-05-25",
        "x-acs-date": sb.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "x-acs-signature-nonce": nonce or uuid.uuid4().hex,
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
    }
    signed = {k: v for k, v in headers.items() if k not in drop}
    headers["Authorization"] = signing.sign_acs3(
        "POST", "/", query, signed, body, sb.access_key_id, secret or sb.access_key_secret
    )
    return headers


CHINA = timezone(timedelta(hours=8))


def china_day(sb: Sandbox, days_ago: int = 0) -> str:
    """The sandbox clock's date in UTC+8 (Aliyun's ``SendDate``), as ``yyyyMMdd``."""
    return (sb.clock.now().astimezone(CHINA) - timedelta(days=days_ago)).strftime("%Y%m%d")
