"""``aliyun-sms sandbox`` in a subprocess: endpoint and credentials printed, a line per request,
a clean exit on SIGINT and SIGTERM."""

from __future__ import annotations

import argparse
import io
import json
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_dysmsapi20170525 import models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi.models import Config
from sandbox_helpers import SIGN, SIGN_IN, make_client, sign_in_request

from aliyun_sms_sandbox import Sandbox, cli
from logto_connector_aliyun_sms.cli import main

EXE = Path(sys.executable).with_name("aliyun-sms")


def _start(*args: str) -> tuple[subprocess.Popen[str], list[str]]:
    proc = subprocess.Popen(
        [str(EXE), "sandbox", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    while not any(line.startswith("Ctrl-C") for line in lines):
        line = proc.stdout.readline()
        assert line, f"the sandbox stopped early: {proc.stderr.read() if proc.stderr else ''}"
        lines.append(line.rstrip("\n"))
    return proc, lines


def _default_client(port: int) -> Client:
    """The official SDK client for a sandbox the CLI started on ``port`` (its default AccessKey)."""
    return Client(
        Config(
            access_key_id="LTAI5tSandboxAccessKeyId",
            access_key_secret="SandboxSecretNotARealKey0123456789",
            endpoint=f"127.0.0.1:{port}",
            protocol="http",
        )
    )


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_cli_serves_logs_and_stops_cleanly(stop: signal.Signals) -> None:
    proc, lines = _start()
    try:
        match = re.search(r"listening on (http://127\.0\.0\.1:(\d+))", lines[0])
        assert match, lines
        port = int(match[2])
        text = "\n".join(lines)
        assert "AccessKeyId:     LTAI5tSandboxAccessKeyId" in text
        assert "not a real credential" in text
        config = json.loads(text.split("connector config: ", 1)[1].splitlines()[0])
        assert config["endpoint"] == match[1]
        client = Client(
            Config(
                access_key_id=config["accessKeyId"],
                access_key_secret=config["accessKeySecret"],
                endpoint=f"127.0.0.1:{port}",
                protocol="http",
            )
        )
        request = sign_in_request()
        assert client.send_sms(request).body.code == "OK"
        assert client.send_sms(request).body.code == "isv.BUSINESS_LIMIT_CONTROL"
        assert proc.stdout is not None
        first, second = proc.stdout.readline(), proc.stdout.readline()
        assert re.fullmatch(r"POST SendSms 138\*\*\*\*5678 200 OK \d+\.\dms\n", first), first
        assert "200 isv.BUSINESS_LIMIT_CONTROL" in second
        assert "13812345678" not in first + second
        proc.send_signal(stop)
        out, err = proc.communicate(timeout=10)
        assert proc.returncode == 0, err
        assert "sandbox stopped" in out
        assert "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_quiet_with_seed(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"signatures": ["CLI Co"]}), encoding="utf-8")
    proc, lines = _start("--quiet", "--seed", str(seed))
    try:
        port = int(re.findall(r":(\d+)$", lines[0])[0])
        client = _default_client(port)
        request = sign_in_request(sign_name="CLI Co")
        assert client.send_sms(request).body.code == "OK"
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=10)
        assert proc.returncode == 0
        assert out.strip() == "sandbox stopped"  # no request lines with --quiet
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_reports_a_bad_seed_or_port(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    args = parser.parse_args([])
    assert (args.host, args.port, args.seed, args.quiet) == ("127.0.0.1", 8787, None, False)
    missing = parser.parse_args(["--port", "0", "--seed", str(tmp_path / "none.json")])
    with pytest.raises(cli.StartError, match=r"none\.json"):
        cli.run(missing, io.StringIO())
    for bad in ("70000", "-1", "http"):
        with pytest.raises(SystemExit):
            parser.parse_args(["--port", bad])
        assert f"a port is a number from 0 to 65535, not '{bad}'" in capsys.readouterr().err


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_start_failures_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"accounts": [{"accessKeySecret": "s"}]}), encoding="utf-8")
    code, out, err = _main(capsys, "sandbox", "--port", "0", "--seed", str(seed))
    assert (code, out) == (2, "")
    assert err.startswith(
        "error: usage_error: the sandbox cannot start: seed accounts[0]: 'accessKeyId' must be "
        "a non-empty string — "
    )
    assert "Traceback" not in err

    code, out, err = _main(capsys, "sandbox", "--seed", str(tmp_path / "none.json"), "--json")
    assert (code, err) == (2, "")
    answer = json.loads(out)
    assert (answer["ok"], answer["code"], answer["exitCode"]) == (False, "usage_error", 2)
    assert "none.json" in answer["message"]

    with Sandbox() as sb:  # a port already taken
        code, out, err = _main(capsys, "sandbox", "--port", str(sb.port), "-v")
    assert (code, out) == (2, "")
    assert "the sandbox cannot start" in err
    assert "--port" in err


def test_json_lines_and_a_reader_that_goes_away() -> None:
    """--json prints JSON Lines; once stdout's reader has gone, sends are still answered."""
    proc = subprocess.Popen(
        [str(EXE), "sandbox", "--port", "0", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        banner = json.loads(proc.stdout.readline())
        assert banner["ok"] is True
        assert banner["outbox"] == banner["endpoint"] + "/"
        config = banner["connectorConfig"]
        assert config["accessKeySecret"] == banner["accessKeySecret"]
        client = Client(
            Config(
                access_key_id=config["accessKeyId"],
                access_key_secret=config["accessKeySecret"],
                endpoint=banner["endpoint"].removeprefix("http://"),
                protocol="http",
            )
        )

        def send(number: str) -> str:
            request = models.SendSmsRequest(
                phone_numbers=number,
                sign_name=SIGN,
                template_code=SIGN_IN,
                template_param='{"code":"1234"}',
            )
            return str(client.send_sms(request).body.code)

        assert send("13812345678") == "OK"
        event = json.loads(proc.stdout.readline())
        assert event["method"] == "POST"
        assert event["action"] == "SendSms"
        assert event["phones"] == ["138****5678"]
        assert (event["status"], event["code"]) == (200, "OK")
        assert isinstance(event["ms"], float)

        proc.stdout.close()  # like `aliyun-sms sandbox | head -2`
        for number in ("13912345678", "13712345678", "13612345678"):
            assert send(number) == "OK"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
        assert "Exception ignored" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_failing_request_watcher_does_not_fail_the_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def watcher(record: dict[str, Any], elapsed_ms: float) -> None:
        raise OSError(32, "Broken pipe")

    with Sandbox(on_request=watcher) as sb:
        request = sign_in_request()
        assert make_client(sb).send_sms(request).body.code == "OK"
        assert len(sb.messages) == 1
    assert "on_request callback failed" in caplog.text


def test_log_line_formats() -> None:
    record: dict[str, Any] = {
        "method": "POST",
        "action": "SendSms",
        "params": {"PhoneNumbers": "+8613812345678,13912345678,85268326366"},
        "status": None,
        "code": None,
    }
    assert cli.log_line(record, 1.25) == "POST SendSms 138****5678 (+2) dropped - 1.2ms"
    record = {"method": "GET", "action": None, "params": {}, "status": 400, "code": "MissingAction"}
    assert cli.log_line(record, 0.5) == "GET - - 400 MissingAction 0.5ms"
    record["params"] = {"PhoneNumber": "852683"}
    assert cli.log_line(record, 0.5).split()[2] == "****"  # the connector's rule: too short to show


def test_cli_in_process_until_sigterm() -> None:
    """The same CLI run in this process (so coverage sees it): serve, log, stop on SIGTERM."""
    import io
    import os
    import threading
    import time
    import urllib.request

    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    out = io.StringIO()
    seen: list[str] = []

    def drive() -> None:
        deadline = time.monotonic() + 10
        while "Ctrl-C" not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.02)
        endpoint = re.findall(r"listening on (\S+)", out.getvalue())[0]
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(endpoint + "/", data=b"Action=SendSms", method="POST")
        try:
            opener.open(request, timeout=5)
        except urllib.error.HTTPError as error:
            seen.append(str(error.code))
        os.kill(os.getpid(), signal.SIGTERM)  # handled by the CLI's loop, not by pytest

    thread = threading.Thread(target=drive)
    thread.start()
    assert cli.run(parser.parse_args(["--port", "0"]), out) == 0
    thread.join()
    assert seen == ["400"]
    assert "POST SendSms - 400 MissingVersion" in out.getvalue()
    assert out.getvalue().rstrip().endswith("sandbox stopped")


def test_the_sandbox_own_console_script_serves_and_stops() -> None:
    """``aliyun-sms-sandbox`` (the sandbox distribution's script) needs nothing of the connector."""
    proc = subprocess.Popen(
        [str(EXE.with_name("aliyun-sms-sandbox")), "--port", "0", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    try:
        first = json.loads(proc.stdout.readline())
        assert first["ok"] is True
        assert first["endpoint"].startswith("http://127.0.0.1:")
        assert first["connectorConfig"]["endpoint"] == first["endpoint"]
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert json.loads(out.splitlines()[-1]) == {"ok": True, "stopped": True}


def test_the_sandbox_own_script_reports_a_taken_port_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Sandbox() as running:
        assert cli.main(["--port", str(running.port), "--quiet"]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("error: the sandbox cannot start:")
    assert len(err.strip().splitlines()) == 1


def test_python_m_aliyun_sms_sandbox_has_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "aliyun_sms_sandbox", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "usage: aliyun-sms-sandbox" in done.stdout.replace("__main__.py", "aliyun-sms-sandbox")
    assert "exit codes:" in done.stdout


def test_cli_pushes_receipts_to_the_report_url_and_hides_its_token() -> None:
    import time

    from receipt_sink import ReceiptSink

    with ReceiptSink() as sink:
        proc, lines = _start("--quiet", "--report-url", sink.url)
        try:
            assert "t0ken" not in "\n".join(lines)
            [target] = [line for line in lines if "receipts pushed to:" in line]
            assert target.endswith("/receipts?***")
            port = int(re.findall(r":(\d+)$", lines[0])[0])
            client = _default_client(port)
            biz_id = client.send_sms(sign_in_request()).body.biz_id
            deadline = time.monotonic() + 10
            while not sink.pushes and time.monotonic() < deadline:
                time.sleep(0.02)
            assert [r["biz_id"] for r in sink.receipts()] == [biz_id]
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=10)
            assert proc.returncode == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_a_bad_report_url_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _main(capsys, "sandbox", "--port", "0", "--report-url", "ftp://x/")
    assert (code, out) == (2, "")
    assert "report" in err
