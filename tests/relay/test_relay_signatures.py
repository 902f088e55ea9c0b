"""Zitadel's and Standard Webhooks' signatures: good, bad, stale, replayed, over real HTTP."""

from __future__ import annotations

import base64
import time
from typing import Any

import pytest
import requests
from relay_helpers import (
    WEBHOOK_KEY,
    WEBHOOK_SECRET,
    ZITADEL_KEY,
    platform_request,
    post,
    webhook_headers,
    zitadel_signature,
)

from logto_connector_aliyun_sms.relay.auth import StandardWebhooks, ZitadelSignature

TO = "+8613800138000"


# --- Standard Webhooks, as the spec's reference libraries compute it ---------------------------


def test_standard_webhooks_matches_the_reference_test_vector() -> None:
    """The vector of the reference libraries (standard-webhooks, svix): secret, id, timestamp
    and payload -> the signature they publish."""
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    hook = StandardWebhooks(secret)
    body = b'{"test": 2432232314}'
    signature = hook.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    headers = {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": f"v1,bm90LXRoaXMtb25l {signature}",  # several: any one matches
    }
    assert hook.check(headers, body, 1614265330 + 10).ok
    assert not hook.check(headers, body + b" ", 1614265330 + 10).ok
    assert hook.check(headers, body, 1614265330 + 301).reason == "stale signature"
    assert hook.check(headers, body, 1614265330 - 301).reason == "stale signature"


def test_standard_webhooks_refuses_what_is_not_a_signature() -> None:
    hook = StandardWebhooks(WEBHOOK_SECRET)
    body = b"{}"
    now = time.time()
    good = webhook_headers(body, at=now)
    assert hook.check(good, body, now).ok
    assert hook.check({}, body, now).reason == "missing credentials"
    assert hook.check({**good, "webhook-timestamp": "soon"}, body, now).reason == (
        "malformed signature"
    )
    assert not hook.check({**good, "webhook-id": "msg_other"}, body, now).ok
    v2 = good["webhook-signature"].replace("v1,", "v2,")
    assert not hook.check({**good, "webhook-signature": v2}, body, now).ok
    with pytest.raises(ValueError, match="base64"):
        StandardWebhooks("v1,whsec_***not base64***")


def test_zitadel_signature_parts() -> None:
    check = ZitadelSignature(ZITADEL_KEY)
    body, now = b'{"a":1}', time.time()
    good = zitadel_signature(body, at=now)
    assert check.check({"ZITADEL-Signature": good}, body, now).ok
    two = good.replace(",v1=", ",v1=00ff,v1=")  # several v1 (key rotation): any one matches
    assert check.check({"ZITADEL-Signature": two}, body, now).ok
    assert check.check({}, body, now).reason == "missing credentials"
    assert check.check({"ZITADEL-Signature": "v1=abc"}, body, now).reason == "malformed signature"
    assert not check.check({"ZITADEL-Signature": good}, b'{"a":2}', now).ok
    assert not check.check(
        {"ZITADEL-Signature": zitadel_signature(body, "other", now)}, body, now
    ).ok
    assert check.check({"ZITADEL-Signature": good}, body, now + 301).reason == "stale signature"


def test_no_secret_in_a_repr() -> None:
    for check in (ZitadelSignature(ZITADEL_KEY), StandardWebhooks(WEBHOOK_SECRET)):
        assert ZITADEL_KEY not in repr(check)
        assert base64.b64encode(WEBHOOK_KEY).decode() not in repr(check)


# --- over HTTP ----------------------------------------------------------------------------------


def test_zitadel_good_bad_stale_replayed(relay: Any, aliyun_sms_sandbox: Any) -> None:
    url = f"{relay.url}/v1/zitadel"
    body, headers = platform_request("zitadel", TO, "314159")
    bad = {"ZITADEL-Signature": zitadel_signature(body, key="not-the-key")}
    assert post(url, body, bad).status_code == 401
    stale = {"ZITADEL-Signature": zitadel_signature(body, at=time.time() - 600)}
    answer = post(url, body, stale)
    assert answer.status_code == 401
    assert answer.json() == {
        "error": "unauthorized",
        "message": "Not authenticated: stale signature.",
    }
    assert aliyun_sms_sandbox.messages == []
    assert post(url, body, headers).status_code == 200
    replayed = post(url, body, headers)
    assert replayed.status_code == 200  # answered as done: nothing is sent again
    assert len(aliyun_sms_sandbox.messages) == 1
    assert len(aliyun_sms_sandbox.requests) == 1


def test_supabase_good_bad_stale_replayed(relay: Any, aliyun_sms_sandbox: Any) -> None:
    url = f"{relay.url}/v1/supabase"
    body, headers = platform_request("supabase", TO, "271828", delivery="msg_replay")
    assert post(url, body, webhook_headers(body, key=b"another key")).status_code == 401
    stale = post(url, body, webhook_headers(body, at=time.time() - 400, delivery="msg_replay"))
    assert stale.status_code == 401
    assert stale.json() == {
        "error": {"http_code": 401, "message": "Not authenticated: stale signature."}
    }
    assert aliyun_sms_sandbox.messages == []
    assert post(url, body, headers).status_code == 200
    assert post(url, body, headers).json() == {}
    assert len(aliyun_sms_sandbox.requests) == 1
    metrics = requests.get(f"{relay.url}/metrics", timeout=10).text
    assert 'outcome="replay",route="supabase"} 1.0' in metrics


def test_a_delivery_that_failed_may_be_delivered_again(relay: Any, aliyun_sms_sandbox: Any) -> None:
    """Standard Webhooks' retries keep their webhook-id: after a failure, the retry is sent."""
    aliyun_sms_sandbox.inject_fault("error", status=503)
    url = f"{relay.url}/v1/supabase"
    body, headers = platform_request("supabase", TO, "161803", delivery="msg_retry")
    failed = post(url, body, headers)
    assert failed.status_code == 503
    assert aliyun_sms_sandbox.messages == []
    assert post(url, body, headers).status_code == 200
    assert len(aliyun_sms_sandbox.messages) == 1


def test_a_replay_is_refused_for_as_long_as_its_signature_is_fresh(
    start_relay: Any, aliyun_sms_sandbox: Any
) -> None:
    """Even when the route remembers codes for less time than a signature stays fresh."""
    from relay_helpers import routes

    relay = start_relay(
        routes=routes(zitadel={"signingKey": ZITADEL_KEY, "codeLifetimeSeconds": 1})
    )
    body, headers = platform_request("zitadel", "+85261234567", "141421")
    assert post(f"{relay.url}/v1/zitadel", body, headers).status_code == 200
    time.sleep(1.5)
    assert post(f"{relay.url}/v1/zitadel", body, headers).status_code == 200
    assert len(aliyun_sms_sandbox.requests) == 1
