"""Admin routes under /_sandbox/ and the outbox page, including in headless Chromium."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from alibabacloud_dysmsapi20170525 import models
from alibabacloud_dysmsapi20170525.client import Client
from sandbox_helpers import SIGN, SIGN_IN, SIGN_IN_INTL, raw_request

from aliyun_sms_sandbox import Sandbox

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _send(
    client: Client, number: str, template: str = SIGN_IN, param: str = '{"code":"1234"}'
) -> None:
    request = models.SendSmsRequest(
        phone_numbers=number, sign_name=SIGN, template_code=template, template_param=param
    )
    assert client.send_sms(request).body.code == "OK"


def test_messages_route(sb: Sandbox, client: Client) -> None:
    _send(client, "13812345678")
    _send(client, "85268326366", SIGN_IN_INTL)
    status, headers, messages = raw_request(sb, "GET", "/_sandbox/messages")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    assert messages == sb.messages
    assert [m["PhoneNumber"] for m in messages] == ["85268326366", "13812345678"]
    assert set(messages[0]) == {
        "BizId", "PhoneNumber", "SignName", "TemplateCode", "TemplateParam", "Content",
        "SendStatus", "ErrCode", "SendDate", "ReceiveDate", "OutId", "RequestId", "Product",
    }  # fmt: skip
    assert {m["Product"] for m in messages} == {"Dysmsapi"}
    _, _, filtered = raw_request(sb, "GET", "/_sandbox/messages", query="phone=%2B8613812345678")
    assert [m["PhoneNumber"] for m in filtered] == ["13812345678"]
    assert raw_request(sb, "DELETE", "/_sandbox/messages")[2] == {"deleted": 2}
    assert sb.messages == []
    assert len(sb.requests) == 2  # admin calls are not API requests


def test_stats_requests_reset_latency_and_clock_routes(sb: Sandbox, client: Client) -> None:
    _send(client, "13812345678")
    _, _, stats = raw_request(sb, "GET", "/_sandbox/stats")
    assert stats["requests_served"] == 1
    assert stats["connections_opened"] >= 0
    assert stats["open_connections"] >= 1
    _, _, requests = raw_request(sb, "GET", "/_sandbox/requests")
    assert requests == sb.requests
    status, _, latency = raw_request(
        sb, path="/_sandbox/latency", body=json.dumps({"rtt_ms": 5, "handshake_ms": 7}).encode()
    )
    assert (status, latency) == (200, {"rtt_ms": 5.0, "handshake_ms": 7.0})
    assert raw_request(sb, path="/_sandbox/latency", body=b'{"rtt_ms": "x"}')[0] == 400
    _, _, clock = raw_request(
        sb, path="/_sandbox/clock", body=b'{"set": "2024-05-01T06:00:00+00:00", "advance": 30}'
    )
    assert clock == {"now": "2024-05-01T06:00:30+00:00", "frozen": True, "skew": 0.0}
    assert sb.clock.now().isoformat() == "2024-05-01T06:00:30+00:00"
    _, _, clock = raw_request(sb, path="/_sandbox/clock", body=b'{"set": 0}')
    assert clock["now"] == "1970-01-01T00:00:00+00:00"
    assert raw_request(sb, path="/_sandbox/clock", body=b'{"set": "soon"}')[0] == 400
    _, _, clock = raw_request(sb, path="/_sandbox/clock", body=b'{"skew": -960}')
    assert clock["skew"] == sb.clock.skew == -960.0
    assert raw_request(sb, path="/_sandbox/clock", body=b'{"skew": 1e12}')[0] == 400
    _, _, clock = raw_request(sb, path="/_sandbox/clock", body=b'{"reset": true}')
    assert (clock["frozen"], clock["skew"]) == (False, 0.0)
    assert raw_request(sb, "GET", "/_sandbox/clock")[0] == 200
    assert raw_request(sb, path="/_sandbox/reset")[2] == {"ok": True}
    assert sb.messages == []
    assert sb.requests == []
    assert sb.state.rtt_ms == 0


def test_bad_admin_requests(sb: Sandbox) -> None:
    status, _, answer = raw_request(sb, "GET", "/_sandbox/nothing")
    assert status == 404
    assert "no admin route" in answer["error"]
    assert raw_request(sb, path="/_sandbox/faults", body=b"[1]")[0] == 400
    assert raw_request(sb, path="/_sandbox/faults", body=b"{not json")[0] == 400


def test_page_and_other_paths(sb: Sandbox) -> None:
    status, headers, html = raw_request(sb, "GET", "/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert "/_sandbox/messages" in html
    assert "textContent" in html
    assert "innerHTML" not in html  # message text is never parsed as HTML
    assert raw_request(sb, "GET", "/favicon.ico")[0] == 404
    assert sb.requests == []


@pytest.mark.browser
def test_outbox_page_in_chromium(sb: Sandbox, client: Client) -> None:
    if not CHROMIUM.exists():
        if os.environ.get("ALIYUN_SMS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ALIYUN_SMS_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium to run the browser test)")
    from playwright.sync_api import expect, sync_playwright

    sb.add_template("SMS_HTML", "${name}，您好：${note}", kind="notification")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 700})
            page.goto(sb.endpoint + "/")
            expect(page.locator(".empty")).to_contain_text("No messages yet")
            _send(client, "13812345678", param='{"code":"482913"}')
            bubble = page.locator('[data-phone="13812345678"] .bubble')
            expect(bubble).to_contain_text("482913", timeout=5000)
            _send(client, "85268326366", SIGN_IN_INTL, '{"code":"771100"}')
            hostile = json.dumps({"name": "<b id=x>Eve</b>", "note": "<img src=x>"})
            _send(client, "13912345678", "SMS_HTML", hostile)
            expect(page.locator('[data-phone="13912345678"] .bubble')).to_contain_text(
                "<b id=x>Eve</b>"
            )
            assert page.locator("#x").count() == 0  # shown as text, never as markup
            assert page.locator(".phone").count() == 3
            expect(page.locator("#meta")).to_contain_text("3 message(s) to 3 phone(s)")
            page.screenshot(path="/tmp/sandbox-page.png", full_page=True)
            page.locator("#clear").click()
            expect(page.locator(".empty")).to_be_visible(timeout=5000)
            assert sb.messages == []
        finally:
            browser.close()


def test_delivery_route_and_a_phone_filter_with_a_bare_plus(sb: Sandbox, client: Client) -> None:
    status, _, answer = raw_request(
        sb, path="/_sandbox/delivery", body=b'{"outcome": "failed", "errCode": "MOBILE_IN_BLACK"}'
    )
    assert (status, answer) == (200, {"SendStatus": 2, "ErrCode": "MOBILE_IN_BLACK"})
    assert raw_request(sb, path="/_sandbox/delivery", body=b'{"outcome": "lost"}')[0] == 400
    _send(client, "+8613812345678")
    # "+" in a query string is a space unless percent-encoded: both find the number
    for query in ("phone=+8613812345678", "phone=%2B8613812345678", "phone=13812345678"):
        _, _, outbox = raw_request(sb, "GET", "/_sandbox/messages", query=query)
        assert [(m["SendStatus"], m["ErrCode"]) for m in outbox] == [(2, "MOBILE_IN_BLACK")], query
    assert raw_request(sb, path="/_sandbox/delivery")[2] == {
        "SendStatus": 3,
        "ErrCode": "DELIVERED",
    }
