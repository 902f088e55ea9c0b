"""The relay's receipts route: the sandbox pushes the receipts of sends made through the relay
to ``/v1/receipts?token=...``; each report fires ``on_delivery`` once; metrics count them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from relay_helpers import platform_request, post

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import DeliveryReport
from logto_connector_aliyun_sms.relay import RelayConfigError, parse_relay_config
from logto_connector_aliyun_sms.relay.app import create_app
from receipts import receipt as make_receipt

TOKEN = "receipts-token-0123456789abcdef"


pytestmark = pytest.mark.usefixtures("fresh_delivery")


@pytest.fixture
def receipts_relay(start_relay: Any, aliyun_sms_sandbox: Any) -> Any:
    """A relay with the receipts route; the sandbox pushes its receipts there."""
    relay = start_relay(receipts={"token": TOKEN})
    aliyun_sms_sandbox.set_reports(f"{relay.url}/v1/receipts?token={TOKEN}")
    return relay


def _metric(relay: Any, name: str, **labels: str) -> float:
    text = requests.get(f"{relay.url}/metrics", timeout=10).text
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    match = re.search(rf"^{name}\{{{re.escape(wanted)}\}} (\S+)$", text, re.MULTILINE)
    return float(match[1]) if match else 0.0


def _send(relay: Any, platform: str, to: str, code: str) -> requests.Response:
    body, headers = platform_request(platform, to, code)
    answer = post(f"{relay.url}/v1/{platform}", body, headers)
    assert answer.status_code == 200, answer.text
    return answer


def test_receipts_of_relayed_sends_fire_once_each(
    receipts_relay: Any, aliyun_sms_sandbox: Any, events: list[DeliveryReport]
) -> None:
    sb = aliyun_sms_sandbox
    sb.set_reports(duplicate_rate=1.0)  # every receipt pushed twice
    sb.set_delivery("failed", "MOBILE_IN_BLACK", phone="+8613800138002")
    delivered = _send(receipts_relay, "logto", "+8613800138001", "135790").json()["BizId"]
    _send(receipts_relay, "kratos", "+8613800138002", "246802")
    assert sb.wait_for_reports()
    assert len(sb.pushes) >= 2
    assert all(p["ok"] for p in sb.pushes)
    pushed = sum(p["receipts"] for p in sb.pushes)
    assert pushed == 4  # two receipts, each pushed twice
    by_phone = {e["phone"]: e for e in events}
    assert len(events) == 2  # once per report, not once per push
    assert by_phone["+8613800138001"]["status"] == "delivered"
    assert by_phone["+8613800138001"]["biz_id"] == delivered
    assert by_phone["+8613800138002"]["status"] == "failed"
    assert by_phone["+8613800138002"]["error_code"] == "MOBILE_IN_BLACK"
    metric = "aliyun_sms_relay_receipts_total"
    assert _metric(receipts_relay, metric, status="delivered") == 1
    assert _metric(receipts_relay, metric, status="failed") == 1
    answered = _metric(receipts_relay, "aliyun_sms_relay_receipt_requests_total", code="200")
    assert answered == len(sb.pushes)


def test_a_failing_callback_gets_the_report_again_on_aliyuns_retry(
    receipts_relay: Any, aliyun_sms_sandbox: Any
) -> None:
    sb = aliyun_sms_sandbox
    sb.set_reports(retry_delays=(0.0,))
    calls: list[str] = []

    @aliyun_sms.on_delivery
    def flaky(report: DeliveryReport) -> None:
        calls.append(report["id"])
        if len(calls) == 1:
            raise RuntimeError("the database is down")

    _send(receipts_relay, "authentik", "+8613800138003", "112233")
    assert sb.wait_for_reports()
    assert [p["ok"] for p in sb.pushes] == [False, True]
    assert [p["status"] for p in sb.pushes] == [500, 200]
    assert len(calls) == 2
    assert calls[0] == calls[1]
    assert _metric(receipts_relay, "aliyun_sms_relay_receipts_total", status="delivered") == 1
    requests_metric = "aliyun_sms_relay_receipt_requests_total"
    assert _metric(receipts_relay, requests_metric, code="500") == 1


def test_the_token_guards_the_route(receipts_relay: Any, events: list[DeliveryReport]) -> None:
    url = f"{receipts_relay.url}/v1/receipts"
    receipt = make_receipt("13800138004", "123456789^0", report_time="2026-12-01 10:00:05")
    for query in ("", "?token=wrong-token-0123456789", f"?token={TOKEN}x"):
        refused = post(url + query, [receipt])
        assert refused.status_code == 403
        assert refused.json()["code"] != 0
        assert requests.get(url + query, timeout=10).status_code == 403
    assert events == []
    check = requests.get(f"{url}?token={TOKEN}", timeout=10)
    assert (check.status_code, check.json()) == (200, {"code": 0, "msg": "成功"})
    malformed = post(f"{url}?token={TOKEN}", [{"phone_number": "13800138004"}])
    assert malformed.status_code == 400
    assert malformed.json()["code"] != 0
    assert events == []
    accepted = post(f"{url}?token={TOKEN}", [receipt])
    assert (accepted.status_code, accepted.json()) == (200, {"code": 0, "msg": "接收成功"})
    assert [e["biz_id"] for e in events] == ["123456789^0"]
    count = "aliyun_sms_relay_receipt_requests_total"
    assert _metric(receipts_relay, count, code="403") == 6
    assert _metric(receipts_relay, count, code="400") == 1
    assert _metric(receipts_relay, count, code="200") == 2
    metrics_text = requests.get(f"{receipts_relay.url}/metrics", timeout=10).text
    assert TOKEN not in metrics_text


def test_a_push_beyond_max_body_bytes_is_read_up_to_a_megabyte(
    receipts_relay: Any, events: list[DeliveryReport]
) -> None:
    """Aliyun's batches may outgrow the platform routes' ``maxBodyBytes`` (64 KiB)."""
    receipts = [
        make_receipt(f"138{n:08d}", f"{n}^0", report_time="2026-12-01 10:00:05") for n in range(400)
    ]
    body = json.dumps(receipts).encode()
    assert len(body) > 64 * 1024
    url = f"{receipts_relay.url}/v1/receipts?token={TOKEN}"
    assert post(url, body).status_code == 200
    assert len(events) == 400
    too_large = post(url, b"[" + b" " * (1 << 20) + b"]")
    assert too_large.status_code == 413
    assert too_large.json()["code"] != 0


def test_no_receipts_key_no_route(start_relay: Any) -> None:
    relay = start_relay()
    answer = requests.get(f"{relay.url}/v1/receipts?token={TOKEN}", timeout=10)
    assert answer.status_code == 404


def test_the_token_from_the_environment_is_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAY_RECEIPTS_TOKEN", TOKEN)
    raw = {
        "connector": {"accessKeyId": "id", "accessKeySecret": "s" * 16},
        "routes": {"kratos": {}},
        "receipts": {"token": "env:RELAY_RECEIPTS_TOKEN"},
    }
    config = parse_relay_config(raw)
    assert config.receipts == {"token": TOKEN}
    assert TOKEN in config.secrets()
    assert TOKEN not in repr(config)
    app = create_app(config)
    assert "/v1/receipts" in {r.resource.canonical for r in app.router.routes() if r.resource}
    monkeypatch.setenv("RELAY_RECEIPTS_TOKEN", "too-short")
    with pytest.raises(RelayConfigError, match="16 characters at least") as caught:
        parse_relay_config(raw)
    assert "too-short" not in str(caught.value)


def test_a_slow_or_endless_push_is_cut_off(start_relay: Any, events: list[DeliveryReport]) -> None:
    import socket
    import time
    from urllib.parse import urlsplit

    relay = start_relay(receipts={"token": TOKEN}, app={"body_timeout_s": 0.5})
    parts = urlsplit(relay.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(
            f"POST /v1/receipts?token={TOKEN} HTTP/1.1\r\nHost: relay\r\n".encode()
            + b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n[{"
        )
        started = time.monotonic()
        answer = conn.recv(4096)
        assert time.monotonic() - started < 5
    assert answer.startswith(b"HTTP/1.1 408")
    assert b"too slowly" in answer

    def chunks() -> Iterator[bytes]:  # no Content-Length: the size is known only when read
        yield b"["
        for _ in range(20):
            yield b" " * 65536

    try:
        chunked = requests.post(
            f"{relay.url}/v1/receipts?token={TOKEN}",
            data=chunks(),
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        assert chunked.status_code == 413
    except requests.ConnectionError:  # the relay answered and closed while the client sent
        pass
    assert events == []
    count = "aliyun_sms_relay_receipt_requests_total"
    assert _metric(relay, count, code="408") == 1
    assert _metric(relay, count, code="413") == 1
