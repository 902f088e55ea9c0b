"""``aliyun-sms serve``: the first --json line, refusals to start, the missing extra."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from relay_helpers import SECRETS, RelayProcess, platform_request, post, relay_config, routes

from logto_connector_aliyun_sms.cli import main
from logto_connector_aliyun_sms.cli import serve as serve_command


def write(tmp_path: Path, raw: Any) -> Path:
    path = tmp_path / "relay.json"
    path.write_text(json.dumps(raw))
    return path


def test_serve_json_prints_the_url_first_and_relays(
    aliyun_sms_sandbox: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, relay_config(aliyun_sms_sandbox.connector_config()))
    with RelayProcess(path) as relay:
        assert relay.url.startswith("http://127.0.0.1:")
        body, headers = platform_request("zitadel", "+8613800138000", "808080")
        assert post(f"{relay.url}/v1/zitadel", body, headers).status_code == 200
        assert requests.get(f"{relay.url}/readyz", timeout=10).status_code == 200
        code, log = relay.stop(signal.SIGINT)
    assert code == 0
    assert "POST /v1/zitadel 200 138****8000 sent" in log
    for secret in SECRETS:
        assert secret not in log
    assert aliyun_sms_sandbox.messages[0]["TemplateParam"] == '{"code":"808080"}'


def test_serve_text_lists_the_routes(aliyun_sms_sandbox: Any, tmp_path: Path) -> None:
    path = write(tmp_path, relay_config(aliyun_sms_sandbox.connector_config()))
    process = subprocess.Popen(
        [sys.executable, "-m", "logto_connector_aliyun_sms", "serve", str(path), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = [process.stdout.readline() for _ in range(7)]
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=30)
    text = "".join(lines) + out
    assert text.startswith("Relay: http://127.0.0.1:")
    assert "/v1/kratos  (basic)" in text
    assert "/v1/supabase  (standard-webhooks)" in text
    for secret in SECRETS:
        assert secret not in text


def test_an_open_route_needs_loopback_and_insecure(
    aliyun_sms_sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = relay_config(aliyun_sms_sandbox.connector_config(), routes=routes(kratos={}))
    path = write(tmp_path, raw)
    assert main(["serve", str(path), "--port", "0"]) == 2
    assert "/v1/kratos would accept requests without credentials" in capsys.readouterr().err
    assert main(["serve", str(path), "--host", "0.0.0.0", "--insecure"]) == 2  # noqa: S104
    assert "on 0.0.0.0" in capsys.readouterr().err
    with RelayProcess(path, "--insecure") as relay:
        body, _ = platform_request("kratos", "+8613800138000", "717171")
        assert post(f"{relay.url}/v1/kratos", body).status_code == 200


def test_invalid_configs_exit_3_without_secrets(
    aliyun_sms_sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, {"connector": aliyun_sms_sandbox.connector_config(), "routes": {}})
    assert main(["serve", str(path)]) == 3
    assert "invalid_relay_config: routes must name" in capsys.readouterr().err
    bad = dict(aliyun_sms_sandbox.connector_config(), templates=[])
    path = write(tmp_path, relay_config(bad))
    assert main(["--json", "serve", str(path)]) == 3
    out = capsys.readouterr().out
    assert json.loads(out)["code"] == "invalid_config"
    assert aliyun_sms_sandbox.access_key_secret not in out


def test_a_port_in_use_is_a_usage_error(
    aliyun_sms_sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, relay_config(aliyun_sms_sandbox.connector_config()))
    port = int(aliyun_sms_sandbox.endpoint.rsplit(":", 1)[1])  # the sandbox's own port
    assert main(["serve", str(path), "--port", str(port)]) == 2
    assert "the relay cannot start" in capsys.readouterr().err


def test_without_the_relay_extra_it_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = serve_command.importlib.util.find_spec
    monkeypatch.setattr(
        serve_command.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "prometheus_client" else real(name, *a),
    )
    assert main(["serve", str(tmp_path / "relay.json")]) == 2
    err = capsys.readouterr().err
    assert "pip install '.[relay]'" in err  # the README's command from a clone
    assert len(err.strip().splitlines()) == 1


def test_serve_a_mas_relay_with_receipts(aliyun_sms_sandbox: Any, tmp_path: Path) -> None:
    """``aliyun-sms serve`` with the MAS connector and the receipts route: a Logto send reaches
    the outbox through Dypnsapi, and the sandbox's receipt of it is counted by the relay."""
    token = "serve-receipts-token-0123456789"
    raw = relay_config(
        aliyun_sms_sandbox.mas_config(),
        connectorId="aliyun-short-message-auth-service",
        receipts={"token": "env:RELAY_TEST_RECEIPTS_TOKEN"},
    )
    path = write(tmp_path, raw)
    env = {"RELAY_TEST_RECEIPTS_TOKEN": token}
    with RelayProcess(path, env=env) as relay:
        aliyun_sms_sandbox.set_reports(f"{relay.url}/v1/receipts?token={token}")
        body, headers = platform_request("logto", "+8613900139010", "990011")
        answer = post(f"{relay.url}/v1/logto", body, headers)
        assert answer.status_code == 200, answer.text
        assert aliyun_sms_sandbox.wait_for_reports()
        metrics = requests.get(f"{relay.url}/metrics", timeout=10).text
        code, log = relay.stop()
    assert code == 0
    [message] = aliyun_sms_sandbox.messages
    assert message["Product"] == "Dypnsapi"
    assert answer.json()["BizId"] == message["BizId"]
    assert [p["ok"] for p in aliyun_sms_sandbox.pushes] == [True]
    assert 'aliyun_sms_relay_receipts_total{status="delivered"} 1.0' in metrics
    assert "/v1/receipts" in log
    assert token not in log + metrics


def test_a_short_receipts_token_is_a_relay_config_error(
    aliyun_sms_sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = relay_config(aliyun_sms_sandbox.connector_config(), receipts={"token": "short-1"})
    path = write(tmp_path, raw)
    assert main(["serve", str(path), "--port", "0"]) == 3
    err = capsys.readouterr().err
    assert "invalid_relay_config: receipts.token must be a secret of 16 characters" in err
    assert "short-1" not in err
    assert "Traceback" not in err
