"""The runners: Sandbox (thread), AsyncSandbox (current loop), latency, counters, import cost."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import textwrap
import time
import urllib.parse
from pathlib import Path

import pytest
from sandbox_helpers import SIGN, SIGN_IN, acs3_headers, make_client, sign_in_request

from aliyun_sms_sandbox import AsyncSandbox, Sandbox, SandboxExposedWarning
from logto_connector_aliyun_sms import send_message

API = {"PhoneNumbers": "85268326366", "SignName": SIGN, "TemplateCode": "SMS_900000101"}
API_PARAMS = {**API, "TemplateParam": '{"code":"1234"}'}


def _signed_request(sb: Sandbox | AsyncSandbox) -> tuple[str, dict[str, str]]:
    query = list(API_PARAMS.items())
    return "/?" + urllib.parse.urlencode(query), acs3_headers(sb, query)  # type: ignore[arg-type]


def _timed(connection: http.client.HTTPConnection, sb: Sandbox) -> float:
    path, headers = _signed_request(sb)
    started = time.monotonic()
    connection.request("POST", path, headers=headers)
    response = connection.getresponse()
    assert json.loads(response.read())["Code"] == "OK"
    return time.monotonic() - started


def test_latency_model_and_connection_counters(sb: Sandbox) -> None:
    sb.set_latency(rtt_ms=60, handshake_ms=150)
    before = sb.stats()
    first = http.client.HTTPConnection(sb.host, sb.port, timeout=5)
    slow, fast = _timed(first, sb), _timed(first, sb)
    assert slow >= 0.21  # rtt + handshake on a new connection's first request
    assert 0.06 <= fast < 0.2  # the same connection: rtt only
    second = http.client.HTTPConnection(sb.host, sb.port, timeout=5)
    assert _timed(second, sb) >= 0.21
    stats = sb.stats()
    assert stats["connections_opened"] - before["connections_opened"] == 2
    assert stats["requests_served"] == 3
    assert stats["open_connections"] >= 2
    ids = [r["connection"] for r in sb.requests]
    assert ids[0] == ids[1] != ids[2]
    first.close()
    second.close()
    sb.set_latency()
    assert _timed(http.client.HTTPConnection(sb.host, sb.port, timeout=5), sb) < 0.2


def test_connector_config_points_at_the_sandbox(sb: Sandbox) -> None:
    config = sb.connector_config()
    assert config["endpoint"] == sb.endpoint == f"http://127.0.0.1:{sb.port}"
    assert (config["accessKeyId"], config["accessKeySecret"]) == (
        "LTAI5tSandboxAccessKeyId",
        "SandboxSecretNotARealKey0123456789",
    )
    assert config["signName"] == "Logto Sandbox"
    assert [t["usageType"] for t in config["templates"]] == [
        "SignIn", "Register", "ForgotPassword", "OrganizationInvitation", "Generic",
        "UserPermissionValidation", "BindNewIdentifier", "MfaVerification", "BindMfa",
    ]  # fmt: skip
    assert config["templates"][0]["templateCode"] == {"china": SIGN_IN, "overseas": "SMS_900000101"}
    config["templates"].clear()
    assert len(sb.connector_config()["templates"]) == 9  # a fresh dict every call


def test_reset_keeps_the_server_running(sb: Sandbox) -> None:
    port = sb.port
    sb.add_template("SMS_X", "验证码${code}")
    sb.inject_fault("error")
    sb.set_latency(rtt_ms=500)
    sb.clock.set(0)
    sb.reset()
    assert sb.port == port
    assert "SMS_X" not in sb.state.templates
    assert not sb.clock.frozen
    client = make_client(sb)
    started = time.monotonic()
    request = sign_in_request()
    assert client.send_sms(request).body.code == "OK"
    assert time.monotonic() - started < 0.5
    assert sb.clear_messages() == 1


async def test_async_sandbox_in_the_current_loop() -> None:
    async with AsyncSandbox(seed={"signatures": ["Async Co"]}) as sb:
        assert sb.port != 0
        assert sb.state.sign_name == "Logto Sandbox"
        client = make_client(sb)  # type: ignore[arg-type]
        request = sign_in_request(sign_name="Async Co", template_param='{"code":"9876"}')
        body = (await client.send_sms_async(request)).body
        assert body.code == "OK"
        assert sb.messages[0]["Content"].startswith("【Async Co】")
        assert sb.stats()["requests_served"] == 1
        await sb.stop()
        await sb.stop()  # stopping twice is harmless


def test_thread_sandbox_lifecycle(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"accounts": [{"accessKeyId": "K2", "accessKeySecret": "S2"}]}))
    sandbox = Sandbox(seed=str(seed))
    sandbox.stop()  # not started: nothing to do
    with sandbox as sb:
        assert sb.state.account("K2") is not None
        with pytest.raises(RuntimeError, match="already running"):
            sb.start()
        taken = Sandbox(port=sb.port)
        with pytest.raises(OSError, match=r"(?i)address already in use"):
            taken.start()
    assert sandbox._thread is None


def test_importing_the_package_is_cheap() -> None:
    code = textwrap.dedent(
        """
        import sys
        import logto_connector_aliyun_sms
        assert "aliyun_sms_sandbox" not in sys.modules
        import aliyun_sms_sandbox
        import aliyun_sms_sandbox.pytest_plugin
        import aliyun_sms_sandbox.cli
        assert "aiohttp" not in sys.modules, "aiohttp imported"
        assert not [m for m in sys.modules if m.startswith("alibabacloud")]
        try:
            aliyun_sms_sandbox.Nope
        except AttributeError:
            pass
        else:
            raise AssertionError
        from aliyun_sms_sandbox import Sandbox, SandboxState, AsyncSandbox
        assert "aiohttp" in sys.modules
        assert not [m for m in sys.modules if m.startswith("alibabacloud")], "the SDK was imported"
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_the_pytest_plugin_gives_fresh_state_per_test(tmp_path: Path) -> None:
    (tmp_path / "test_uses_fixture.py").write_text(
        textwrap.dedent(
            """
            def test_first(aliyun_sms_sandbox):
                aliyun_sms_sandbox.set_balance(0)
                aliyun_sms_sandbox.inject_fault("drop")
                aliyun_sms_sandbox.state.record_request({"action": "x"})
                pytest_port.append(aliyun_sms_sandbox.port)

            def test_second(aliyun_sms_sandbox):
                assert aliyun_sms_sandbox.state.default_account.balance is None
                assert aliyun_sms_sandbox.requests == []
                assert aliyun_sms_sandbox.state.take_fault("SendSms") is None
                assert pytest_port == [aliyun_sms_sandbox.port]  # one server per session

            pytest_port = []
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert "2 passed" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("host", "endpoint_host"),
    [("0.0.0.0", "127.0.0.1"), ("::", "[::1]")],  # noqa: S104
)
def test_a_wildcard_host_gives_a_loopback_endpoint(host: str, endpoint_host: str) -> None:
    import socket

    if host == "::" and not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        sb = Sandbox(host=host)
        with pytest.warns(SandboxExposedWarning, match="beyond this machine"):
            sb.start()
    except OSError as exc:  # e.g. IPv6 disabled in a container
        pytest.skip(f"cannot bind {host}: {exc}")
    try:
        assert sb.endpoint == f"http://{endpoint_host}:{sb.port}"
        assert sb.exposed
        assert f"{host}]:{sb.port}" in sb.bound_urls[0] or f"{host}:{sb.port}" in sb.bound_urls[0]
        config = sb.connector_config()
        data = {"to": "13812345678", "type": "SignIn", "payload": {"code": "1234"}}
        assert send_message(data, config)["Code"] == "OK"
    finally:
        sb.stop()
