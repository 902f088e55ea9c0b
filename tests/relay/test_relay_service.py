"""A relay you can expose: bounded bodies and headers, JSON only, slow clients cut off, the
client's address from trusted proxies only, health and metrics, masked logs, graceful stop."""

from __future__ import annotations

import json
import logging
import signal
import socket
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from relay_helpers import SECRETS, RelayProcess, platform_request, post, relay_config

from logto_connector_aliyun_sms.relay.client_address import client_address
from logto_connector_aliyun_sms.relay.config import parse_relay_config

TO = "+8613800138000"


def test_a_body_too_large_is_413(relay: Any, aliyun_sms_sandbox: Any) -> None:
    body, headers = platform_request("kratos", TO, "246135")
    padded = json.loads(body)
    padded["template_data"]["padding"] = "x" * 70_000
    answer = post(f"{relay.url}/v1/kratos", padded, headers)
    assert answer.status_code == 413
    assert answer.json() == {"error": "too_large", "message": "The request body is too large."}


def test_a_chunked_body_too_large_is_413(relay: Any) -> None:
    _, headers = platform_request("kratos", TO, "246135")

    def chunks() -> Any:
        for _ in range(80):
            yield b"x" * 1024

    answer = requests.post(
        f"{relay.url}/v1/kratos",
        data=chunks(),
        headers={"Content-Type": "application/json", **headers},
        timeout=30,
    )
    assert answer.status_code == 413


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_only_json_is_accepted(relay: Any, content_type: str) -> None:
    body, headers = platform_request("logto", TO, "246135")
    answer = post(f"{relay.url}/v1/logto", body, headers, content_type=content_type)
    assert answer.status_code == 415
    assert answer.json()["code"] == "unsupported_media_type"


def test_json_with_a_charset_is_json(relay: Any) -> None:
    body, headers = platform_request("logto", TO, "246135")
    ctype = "application/json; charset=utf-8"
    assert post(f"{relay.url}/v1/logto", body, headers, content_type=ctype).status_code == 200


def test_a_slow_client_is_cut_off(start_relay: Any) -> None:
    relay = start_relay(app={"body_timeout_s": 0.5})
    parts = urlsplit(relay.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(
            b"POST /v1/kratos HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"recipient"'
        )
        started = time.monotonic()
        answer = conn.recv(4096)
        assert time.monotonic() - started < 5
    assert answer.startswith(b"HTTP/1.1 408")
    assert b"too slowly" in answer


@pytest.mark.parametrize("sent", [b"", b"POST /v1/kratos HTTP/1.1\r\nHost: relay\r\n"])
def test_a_client_slow_to_send_its_headers_is_cut_off(start_relay: Any, sent: bytes) -> None:
    relay = start_relay(keepalive_s=0.5)
    parts = urlsplit(relay.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(sent)
        started = time.monotonic()
        assert conn.recv(4096) == b""  # closed
        assert time.monotonic() - started < 5


def test_headers_too_large_are_refused(relay: Any) -> None:
    body, headers = platform_request("kratos", TO, "246135")
    answer = post(f"{relay.url}/v1/kratos", body, {**headers, "X-Big": "x" * 9000})
    assert answer.status_code in (400, 431)


def test_health_readiness_and_metrics(relay: Any) -> None:
    assert requests.get(f"{relay.url}/healthz", timeout=10).json() == {"status": "ok"}
    ready = requests.get(f"{relay.url}/readyz", timeout=10)
    assert ready.status_code == 200
    assert ready.json()["routes"] == ["authentik", "kratos", "logto", "supabase", "zitadel"]
    body, headers = platform_request("kratos", TO, "246135")
    post(f"{relay.url}/v1/kratos", body, headers)
    metrics = requests.get(f"{relay.url}/metrics", timeout=10)
    assert metrics.headers["Content-Type"].startswith("text/plain")
    text = metrics.text
    assert (
        'aliyun_sms_relay_sends_total{connector="aliyun-short-message-service",outcome="sent",'
        'route="kratos"} 1.0' in text
    )
    assert 'aliyun_sms_relay_send_seconds_count{connector="aliyun-short-message-service",' in text


def test_an_invalid_connector_config_is_not_ready(
    start_relay: Any, aliyun_sms_sandbox: Any
) -> None:
    connector = dict(aliyun_sms_sandbox.connector_config(), templates=[])
    relay = start_relay(connector=connector)
    ready = requests.get(f"{relay.url}/readyz", timeout=10)
    assert ready.status_code == 503
    assert "the connector config is invalid" in ready.json()["problems"][0]
    assert aliyun_sms_sandbox.access_key_secret not in ready.text
    body, headers = platform_request("supabase", TO, "246135")
    answer = post(f"{relay.url}/v1/supabase", body, headers)
    assert answer.status_code == 500
    assert aliyun_sms_sandbox.requests == []


def test_an_unreachable_redis_is_not_ready(start_relay: Any) -> None:
    import redis.asyncio

    from logto_connector_aliyun_sms.relay.idempotency import RedisClaims

    dead = redis.asyncio.Redis(host="127.0.0.1", port=9, socket_connect_timeout=0.2)
    relay = start_relay(app={"claims": RedisClaims(dead, owned=True)})
    ready = requests.get(f"{relay.url}/readyz", timeout=10)
    assert ready.status_code == 503
    assert "the shared store cannot be reached" in ready.json()["problems"][0]
    body, headers = platform_request("kratos", TO, "246135")
    answer = post(f"{relay.url}/v1/kratos", body, headers)
    assert answer.status_code == 503  # nothing sent that could not be marked sent


def test_client_address_rules() -> None:
    proxies = parse_relay_config(
        {"connector": {}, "routes": {"kratos": {}}, "trustedProxies": ["10.0.0.0/8", "::1"]}
    ).trusted_proxies
    assert client_address("10.0.0.1", "203.0.113.9, 10.0.0.2", proxies) == "203.0.113.9"
    assert client_address("::1", "203.0.113.9", proxies) == "203.0.113.9"
    assert client_address("192.0.2.1", "203.0.113.9", proxies) == "192.0.2.1"  # not a proxy
    assert client_address("10.0.0.1", None, proxies) == "10.0.0.1"
    assert client_address("10.0.0.1", "not-an-ip", proxies) == "10.0.0.1"
    assert client_address("10.0.0.1", "10.0.0.3", proxies) == "10.0.0.3"  # all trusted
    assert client_address("10.0.0.1", "203.0.113.9", ()) == "10.0.0.1"


@pytest.mark.parametrize("trusted", [True, False])
def test_the_ip_limit_counts_forwarded_addresses_from_trusted_proxies_only(
    start_relay: Any, aliyun_sms_sandbox: Any, trusted: bool
) -> None:
    connector = dict(aliyun_sms_sandbox.connector_config(), maxMessagesPerIpPerHour=1)
    extra = {"trustedProxies": ["127.0.0.1/32"]} if trusted else {}
    relay = start_relay(connector=connector, **extra)
    statuses = []
    for number, forwarded in enumerate(["203.0.113.5", "203.0.113.5", "203.0.113.6"]):
        body, headers = platform_request("kratos", f"+85261234{number:03d}", "246135")
        answer = post(f"{relay.url}/v1/kratos", body, {**headers, "X-Forwarded-For": forwarded})
        statuses.append(answer.status_code)
    assert statuses == ([200, 429, 200] if trusted else [200, 429, 429])


def test_logs_mask_numbers_and_hold_no_secret(
    relay: Any, aliyun_sms_sandbox: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for number, platform in enumerate(["logto", "authentik", "zitadel", "supabase", "kratos"]):
        body, headers = platform_request(platform, f"+861380013800{number}", "246135")
        post(f"{relay.url}/v1/{platform}", body, headers)
        post(f"{relay.url}/v1/{platform}", body, {})  # refused: no credentials
    access = [r.getMessage() for r in caplog.records if r.name.endswith("relay.access")]
    assert len(access) == 10
    assert any("POST /v1/zitadel 200 138****8002 sent" in line for line in access)
    everything = "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records)
    for secret in SECRETS:
        assert secret not in everything
    assert "13800138002" not in "\n".join(access)


def test_stopping_lets_a_send_in_flight_finish(aliyun_sms_sandbox: Any, tmp_path: Path) -> None:
    config = tmp_path / "relay.json"
    config.write_text(json.dumps(relay_config(aliyun_sms_sandbox.connector_config())))
    aliyun_sms_sandbox.set_latency(rtt_ms=1500)
    with RelayProcess(config) as relay:
        body, headers = platform_request("kratos", TO, "999111")
        answers: list[requests.Response] = []
        sender = threading.Thread(
            target=lambda: answers.append(post(f"{relay.url}/v1/kratos", body, headers))
        )
        sender.start()
        deadline = time.monotonic() + 10
        while not aliyun_sms_sandbox.requests and time.monotonic() < deadline:
            time.sleep(0.02)
        code, log = relay.stop(signal.SIGTERM)
        sender.join(30)
    assert code == 0
    assert answers[0].status_code == 200
    assert len(aliyun_sms_sandbox.messages) == 1
    assert "POST /v1/kratos 200 138****8000 sent" in log


def test_metrics_add_up_every_worker_in_multiprocess_mode(
    aliyun_sms_sandbox: Any, tmp_path: Path
) -> None:
    config = tmp_path / "relay.json"
    config.write_text(json.dumps(relay_config(aliyun_sms_sandbox.connector_config())))
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = {"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    with RelayProcess(config, env=env) as one, RelayProcess(config, env=env) as two:
        for number, relay in enumerate((one, two)):
            body, headers = platform_request("kratos", f"+8526123456{number}", "246135")
            assert post(f"{relay.url}/v1/kratos", body, headers).status_code == 200
        text = requests.get(f"{one.url}/metrics", timeout=10).text
    assert (
        'aliyun_sms_relay_sends_total{connector="aliyun-short-message-service",outcome="sent",'
        'route="kratos"} 2.0' in text
    )


def test_a_relay_thread_closes_the_connectors_http_session(aliyun_sms_sandbox: Any) -> None:
    """Stopping a RelayThread closes the pooled aiohttp session its sends opened (no
    "Unclosed client session" when its loop is gone)."""
    from logto_connector_aliyun_sms._sdk import aio_transport
    from logto_connector_aliyun_sms.relay import RelayThread
    from logto_connector_aliyun_sms.relay.idempotency import MemoryClaims

    before = aio_transport.open_sessions()
    config = parse_relay_config(relay_config(aliyun_sms_sandbox.connector_config()))
    with RelayThread(config, claims=MemoryClaims()) as relay:
        body, headers = platform_request("kratos", TO, "864213")
        assert post(f"{relay.url}/v1/kratos", body, headers).status_code == 200
        assert aio_transport.open_sessions() == before + 1
    assert aio_transport.open_sessions() == before
