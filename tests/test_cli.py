"""The ``aliyun-sms`` command line: in-process through ``main`` and as a real subprocess."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from logto_connector_aliyun_sms import CONFIG_SCHEMA, METADATA
from logto_connector_aliyun_sms.cli import (
    ENV_ACCESS_KEY_ID,
    ENV_ACCESS_KEY_SECRET,
    EXIT_CONNECTOR_ERROR,
    EXIT_INVALID_CONFIG,
    EXIT_OUTPUT,
    EXIT_STDOUT_CLOSED,
    EXIT_USAGE,
    build_parser,
    describe,
    main,
    resolve_lang,
)
from logto_connector_aliyun_sms.kit import ConnectorError, ConnectorErrorCode

CANARY = "CANARY-s3cr3t-0123456789abcdef"
PHONE = "+86 138 0013 8000"
TIMEOUT = 60


@pytest.fixture(autouse=True)
def _no_credentials_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own AccessKey must not change what these tests see."""
    monkeypatch.delenv(ENV_ACCESS_KEY_ID, raising=False)
    monkeypatch.delenv(ENV_ACCESS_KEY_SECRET, raising=False)
    monkeypatch.delenv("DEBUG", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``aliyun-sms ARGV`` in this process: exit code, stdout, stderr."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without Aliyun credentials or SDK debugging."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ALIBABA_CLOUD_") and key != "DEBUG"
    }
    env.update(extra)
    return env


def cli_process(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m logto_connector_aliyun_sms ARGV`` as a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "logto_connector_aliyun_sms", *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env or clean_env(),
        timeout=TIMEOUT,
        check=False,
    )


def console_script() -> str:
    """The installed ``aliyun-sms`` script next to this interpreter."""
    script = Path(sys.executable).with_name("aliyun-sms")
    if not script.exists():
        pytest.skip("the aliyun-sms console script is not installed next to this interpreter")
    return str(script)


def write(tmp_path: Path, config: Any, name: str = "config.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(config, ensure_ascii=False), "utf-8")
    return str(path)


def sandbox_config(sb: Any, tmp_path: Path, **changes: Any) -> str:
    """The sandbox's config (with ``changes``; a None value drops the key) written to a file."""
    config = dict(sb.connector_config())
    for key, value in changes.items():
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value
    return write(tmp_path, config)


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def sends(sb: Any) -> list[Any]:
    return [r for r in sb.requests if r.get("action") == "SendSms"]


GOOD_CONFIG: dict[str, Any] = {
    "accessKeyId": "LTAI5tExampleKeyId",
    "accessKeySecret": CANARY,
    "signName": "Acme",
    "templates": [
        {"usageType": usage, "templateCode": "SMS_100000001"}
        for usage in ("SignIn", "Register", "ForgotPassword", "Generic")
    ],
}

BAD_CONFIG: dict[str, Any] = {
    "accessKeyId": "",
    "accessKeySecret": CANARY,
    "signName": "Acme",
    "templates": [{"usageType": "SignIn", "templateCode": ""}],
    "endpoint": "http://example.com",
}


# --- help -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [[], ["metadata"], ["schema"], ["validate"], ["send"], ["usage"], ["demo"]]
)
def test_help_everywhere(capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0
    assert out.startswith("usage: aliyun-sms")
    if command in ([], ["send"], ["usage"]):
        assert "exit codes:" in out
        assert ENV_ACCESS_KEY_SECRET in out
        assert "The file wins" in out


def test_every_subcommand_has_a_help_line() -> None:
    text = build_parser().format_help()
    for command in ("metadata", "schema", "validate", "send", "status", "usage", "demo", "sandbox"):
        assert re.search(rf"^\s+{command}\s+\S", text, re.MULTILINE), command


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "bogus")
    assert code == EXIT_USAGE
    assert out == ""
    assert err.startswith("error: usage_error: ")
    assert len(err.strip().splitlines()) == 1

    code, out, err = run(capsys, "send", "--to", "13800138000")  # --config missing
    assert code == EXIT_USAGE
    assert "--config" in err
    assert "aliyun-sms send --help" in err


# --- metadata and schema -------------------------------------------------------------------------


def test_metadata_is_the_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "metadata")
    assert code == 0
    assert json.loads(out) == METADATA


@pytest.mark.parametrize(("tag", "lang"), [("zh-CN", "zh-CN"), ("ja", "ja"), ("TR", "tr-TR")])
def test_metadata_in_one_language(capsys: pytest.CaptureFixture[str], tag: str, lang: str) -> None:
    code, out, _ = run(capsys, "metadata", "--lang", tag)
    assert code == 0
    metadata = json.loads(out)
    assert metadata["name"] == METADATA["name"][lang]
    assert metadata["description"] == METADATA["description"][lang]
    assert metadata["formItems"] == METADATA["formItems"]


def test_metadata_unknown_language_lists_the_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "metadata", "--lang", "xx")
    assert code == EXIT_USAGE
    assert out == ""
    for tag in METADATA["name"]:
        assert tag in err

    code, out, err = run(capsys, "metadata", "--lang", "xx", "--json")
    assert code == EXIT_USAGE
    answer = json.loads(out)
    assert answer["ok"] is False
    assert answer["code"] == "usage_error"
    assert "zh-CN" in answer["message"]
    assert err == ""


def test_metadata_language_falls_back_to_english(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = dict(METADATA["name"], eo="Aliyun SMS-servo")
    monkeypatch.setitem(METADATA, "name", name)
    code, out, _ = run(capsys, "metadata", "--lang", "eo")
    assert code == 0
    metadata = json.loads(out)
    assert metadata["name"] == "Aliyun SMS-servo"
    assert metadata["description"] == METADATA["description"]["en"]


def test_schema_is_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    assert json.loads(out) == CONFIG_SCHEMA


def test_schema_and_metadata_in_a_subprocess() -> None:
    schema = cli_process("schema")
    assert schema.returncode == 0, schema.stderr
    assert json.loads(schema.stdout) == CONFIG_SCHEMA
    metadata = subprocess.run(
        [console_script(), "metadata", "--lang", "zh-CN"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=clean_env(),
        timeout=TIMEOUT,
        check=False,
    )
    assert metadata.returncode == 0, metadata.stderr
    assert json.loads(metadata.stdout)["name"] == "阿里云短信服务"


# --- validate -------------------------------------------------------------------------------------


def test_validate_a_good_config(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "validate", write(tmp_path, GOOD_CONFIG))
    assert code == 0
    assert out.startswith("OK: ")
    assert len(out.strip().splitlines()) == 1
    assert err == ""
    assert CANARY not in out


def test_validate_lists_every_problem_with_its_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "validate", write(tmp_path, BAD_CONFIG))
    assert code == EXIT_INVALID_CONFIG
    assert out == ""
    lines = err.strip().splitlines()
    assert lines[0].startswith("error: invalid_config: ")
    problems = "\n".join(lines[1:])
    for path in ("accessKeyId", "endpoint", "templates[0].templateCode", "templates"):
        assert f"  {path}: " in problems
    assert "Register" in problems  # a required usage type is missing
    assert CANARY not in err


def test_validate_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "--json", "validate", write(tmp_path, BAD_CONFIG))
    assert code == EXIT_INVALID_CONFIG
    assert err == ""
    answer = json.loads(out)
    assert answer["ok"] is False
    assert answer["code"] == "invalid_config"
    assert answer["exitCode"] == EXIT_INVALID_CONFIG
    paths = {problem["path"] for problem in answer["data"]["errors"]}
    assert {"accessKeyId", "endpoint", "templates[0].templateCode"} <= paths

    code, out, _ = run(capsys, "validate", write(tmp_path, GOOD_CONFIG), "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer["ok"] is True
    assert answer["templates"] == 4
    assert answer["credentials"] == {"accessKeyId": "file", "accessKeySecret": "file"}


def test_validate_a_wrongly_typed_secret_never_echoes_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = dict(GOOD_CONFIG, accessKeySecret=987654321012345)
    code, out, err = run(capsys, "validate", write(tmp_path, config))
    assert code == EXIT_INVALID_CONFIG
    assert "accessKeySecret" in err
    assert "987654321012345" not in out + err


def test_validate_reads_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(json.dumps(GOOD_CONFIG).encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = run(capsys, "validate", "-")
    assert code == 0
    assert out.startswith("OK: stdin ")


def test_validate_unreadable_and_unparsable_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "missing.json"))
    assert code == EXIT_USAGE
    assert "cannot read config file" in err

    broken = tmp_path / "broken.json"
    broken.write_text('{"accessKeyId": ', "utf-8")
    code, _, err = run(capsys, "validate", str(broken))
    assert code == EXIT_INVALID_CONFIG
    assert err.startswith(
        "error: invalid_config: config is not valid JSON: Expecting value at line 1 column 17 — "
        f"fix the JSON where the message says (`python3 -m json.tool {broken}` shows it)"
    )

    code, _, err = run(capsys, "validate", write(tmp_path, ["not", "an", "object"]))
    assert code == EXIT_INVALID_CONFIG
    assert "must be a JSON object" in err


def test_validate_uses_env_credentials_only_when_asked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = {k: v for k, v in GOOD_CONFIG.items() if not k.startswith("accessKey")}
    path = write(tmp_path, config)
    monkeypatch.setenv(ENV_ACCESS_KEY_ID, "LTAI5tFromTheEnvironment")
    monkeypatch.setenv(ENV_ACCESS_KEY_SECRET, CANARY)
    code, _, err = run(capsys, "validate", path)
    assert code == EXIT_INVALID_CONFIG
    assert "--env" in err
    code, out, _ = run(capsys, "validate", "--env", path)
    assert code == 0
    assert "from the environment" in out
    assert CANARY not in out


# --- send -----------------------------------------------------------------------------------------


def test_send_to_the_sandbox(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    sb = aliyun_sms_sandbox
    path = sandbox_config(sb, tmp_path)
    code, out, err = run(
        capsys, "send", "--config", path, "--to", PHONE, "--type", "SignIn", "--code", "424242"
    )
    assert code == 0, err
    assert err == ""
    [message] = sb.messages
    assert digits(message["PhoneNumber"]).endswith("13800138000")
    assert "424242" in message["Content"]
    assert len(sends(sb)) == 1
    assert f"BizId      {message['BizId']}" in out
    assert "Code       OK" in out
    assert "RequestId  " in out


def test_send_defaults_to_generic_and_code_000000(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    code, _, err = run(capsys, "send", "--config", write(tmp_path, config), "--to", "13800138000")
    assert code == 0, err
    [request] = sends(sb)
    generic = next(t for t in config["templates"] if t["usageType"] == "Generic")
    assert request["params"]["TemplateCode"] == generic["templateCode"]["china"]
    assert json.loads(request["params"]["TemplateParam"]) == {"code": "000000"}


def test_send_payload_adds_template_variables(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    sb = aliyun_sms_sandbox
    path = sandbox_config(sb, tmp_path)
    code, _, err = run(
        capsys, "send", "--config", path, "--to", PHONE, "--payload", '{"product": "Acme"}'
    )
    assert code == 0, err
    [request] = sends(sb)
    assert json.loads(request["params"]["TemplateParam"]) == {"code": "000000", "product": "Acme"}

    for bad in ("{", "[1, 2]"):
        code, _, err = run(capsys, "send", "--config", path, "--to", PHONE, "--payload", bad)
        assert code == EXIT_USAGE
        assert "--payload" in err
    assert len(sends(sb)) == 1


def test_send_json_before_and_after_the_subcommand(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    sb = aliyun_sms_sandbox
    path = sandbox_config(sb, tmp_path)
    for argv in (  # two numbers: the sandbox, like Aliyun, allows one message a minute per number
        ["--json", "send", "--config", path, "--to", PHONE],
        ["send", "--config", path, "--to", "+852 6123 4567", "--json"],
    ):
        code, out, err = run(capsys, *argv)
        assert code == 0, err
        assert err == ""
        answer = json.loads(out)
        assert answer["ok"] is True
        assert answer["result"]["Code"] == "OK"
        assert answer["result"]["BizId"] == sb.messages[0]["BizId"]
        assert set(answer["result"]) == {"Code", "Message", "RequestId", "BizId"}
    assert len(sb.messages) == 2


def test_send_with_credentials_from_the_environment(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    aliyun_sms_sandbox: Any,
) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    monkeypatch.setenv(ENV_ACCESS_KEY_ID, config["accessKeyId"])
    monkeypatch.setenv(ENV_ACCESS_KEY_SECRET, config["accessKeySecret"])
    path = sandbox_config(sb, tmp_path, accessKeyId=None, accessKeySecret="")
    code, out, err = run(capsys, "send", "--config", path, "--to", PHONE, "--type", "Register")
    assert code == 0, err
    assert "accessKeyId and accessKeySecret from the environment" in out
    assert len(sb.messages) == 1
    assert config["accessKeySecret"] not in out + err

    code, out, _ = run(capsys, "--json", "send", "--config", path, "--to", "13900139000")
    assert code == 0
    credentials = json.loads(out)["credentials"]
    assert credentials == {"accessKeyId": "environment", "accessKeySecret": "environment"}


def test_the_file_wins_over_the_environment(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    aliyun_sms_sandbox: Any,
) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    monkeypatch.setenv(ENV_ACCESS_KEY_ID, config["accessKeyId"])
    monkeypatch.setenv(ENV_ACCESS_KEY_SECRET, config["accessKeySecret"])
    path = sandbox_config(sb, tmp_path, accessKeySecret=CANARY)  # the file's secret is wrong
    code, out, err = run(capsys, "send", "--config", path, "--to", PHONE)
    assert code == EXIT_CONNECTOR_ERROR
    assert err.startswith("error: invalid_config: ")
    assert sb.messages == []
    assert CANARY not in out + err
    assert config["accessKeySecret"] not in out + err


def test_send_without_any_credentials_says_where_to_put_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    sb = aliyun_sms_sandbox
    path = sandbox_config(sb, tmp_path, accessKeySecret=None)
    code, _, err = run(capsys, "send", "--config", path, "--to", PHONE)
    assert code == EXIT_INVALID_CONFIG
    assert ENV_ACCESS_KEY_SECRET in err
    assert sb.requests == []


@pytest.mark.parametrize("to", ["1380013800x", "13800138000,13900139000", "+999 1234"])
def test_send_refuses_a_bad_number_before_sending(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any, to: str
) -> None:
    sb = aliyun_sms_sandbox
    code, out, err = run(capsys, "send", "--config", sandbox_config(sb, tmp_path), "--to", to)
    assert code == EXIT_CONNECTOR_ERROR
    assert out == ""
    [line] = err.strip().splitlines()
    assert line.startswith("error: invalid_request_parameters: ")
    assert " — check the phone number" in line
    assert sb.requests == []


def test_send_errors_as_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    sb = aliyun_sms_sandbox
    path = sandbox_config(sb, tmp_path)
    code, out, err = run(capsys, "send", "--json", "--config", path, "--to", "12")
    assert code == EXIT_CONNECTOR_ERROR
    assert err == ""
    answer = json.loads(out)
    assert answer["ok"] is False
    assert answer["code"] == "invalid_request_parameters"
    assert answer["exitCode"] == EXIT_CONNECTOR_ERROR
    assert answer["data"]["retryable"] is False
    assert sb.requests == []


def test_send_with_an_invalid_config_sends_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    sb = aliyun_sms_sandbox
    path = sandbox_config(sb, tmp_path, signName="", templates=[])
    code, _, err = run(capsys, "send", "--config", path, "--to", PHONE)
    assert code == EXIT_INVALID_CONFIG
    assert "  signName: must not be empty" in err
    assert sb.requests == []


def test_a_wrong_secret_fails_like_aliyun_and_is_never_printed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    sb = aliyun_sms_sandbox
    path = sandbox_config(sb, tmp_path, accessKeySecret=CANARY)
    code, out, err = run(capsys, "send", "--config", path, "--to", PHONE)
    assert code == EXIT_CONNECTOR_ERROR
    assert out == ""
    [line] = err.strip().splitlines()
    assert line.startswith("error: invalid_config: ")
    assert "SignatureDoesNotMatch" in line
    assert "RAM console" in line
    assert len(sends(sb)) == 1  # it reached the sandbox, which refused the signature
    assert sb.messages == []
    assert CANARY not in out + err

    code, out, err = run(capsys, "--json", "send", "--config", path, "--to", PHONE)
    assert code == EXIT_CONNECTOR_ERROR
    answer = json.loads(out)
    assert answer["code"] == "invalid_config"
    assert answer["data"]["Code"] == "SignatureDoesNotMatch"
    assert CANARY not in out + err


def test_a_dead_endpoint_is_a_general_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = dict(GOOD_CONFIG, endpoint="http://127.0.0.1:9", connectTimeout=2000)
    code, _, err = run(capsys, "send", "--config", write(tmp_path, config), "--to", PHONE)
    assert code == EXIT_CONNECTOR_ERROR
    [line] = err.strip().splitlines()
    assert line.startswith("error: general: ")
    assert "check the network" in line


def test_send_in_a_subprocess(tmp_path: Path, aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    path = sandbox_config(sb, tmp_path, accessKeyId=None, accessKeySecret=None)
    env = clean_env(
        **{
            ENV_ACCESS_KEY_ID: config["accessKeyId"],
            ENV_ACCESS_KEY_SECRET: config["accessKeySecret"],
        }
    )
    done = subprocess.run(
        [console_script(), "send", "--config", path, "--to", PHONE, "--type", "SignIn", "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    [message] = sb.messages
    assert answer["result"]["BizId"] == message["BizId"]
    assert digits(message["PhoneNumber"]).endswith("13800138000")
    assert config["accessKeySecret"] not in done.stdout + done.stderr

    refused = cli_process("send", "--config", path, "--to", "not a number", env=env)
    assert refused.returncode == EXIT_CONNECTOR_ERROR
    assert refused.stderr.startswith("error: invalid_request_parameters: ")
    assert refused.stdout == ""
    assert len(sends(sb)) == 1


# --- usage ----------------------------------------------------------------------------------------


def test_usage_counts_the_sends(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    sb = aliyun_sms_sandbox
    path = sandbox_config(sb, tmp_path)
    code, out, _ = run(capsys, "--json", "usage", "--config", path)
    assert code == 0
    assert json.loads(out)["count"] == 0
    for to in ("13800138000", "13900139000", "+852 6123 4567"):
        assert run(capsys, "send", "--config", path, "--to", to)[0] == 0
    code, out, err = run(capsys, "usage", "--config", path)
    assert code == 0, err
    assert out.startswith("3 messages sent from ")
    code, out, _ = run(capsys, "usage", "--config", path, "--since", "2000-01-01", "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer == {"ok": True, "count": 3, "since": "2000-01-01", "until": answer["until"]}


def test_usage_bad_date_and_failure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    sb = aliyun_sms_sandbox
    code, _, err = run(
        capsys, "usage", "--config", sandbox_config(sb, tmp_path), "--since", "yesterday"
    )
    assert code == EXIT_USAGE
    assert "YYYY-MM-DD" in err
    path = sandbox_config(sb, tmp_path, accessKeySecret=CANARY)
    code, out, err = run(capsys, "usage", "--config", path)
    assert code == EXIT_CONNECTOR_ERROR
    assert err.startswith("error: invalid_config: ")
    assert CANARY not in out + err


# --- demo -----------------------------------------------------------------------------------------


def test_demo_in_a_subprocess() -> None:
    done = subprocess.run(
        [console_script(), "demo"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=clean_env(),
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Code       OK" in out
    assert re.search(r"^  【[^】]+】.*123456", out, re.MULTILINE), out
    assert re.search(r"^Outbox page: http://127\.0\.0\.1:\d+/$", out, re.MULTILINE), out
    assert "Delivery status (QuerySendDetails): delivered, DELIVERED, reported " in out


def test_demo_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "demo", "--json", "--to", "+852 6123 4567", "--code", "777888")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["ok"] is True
    assert answer["result"]["Code"] == "OK"
    assert "777888" in answer["phoneText"]
    assert answer["phoneText"].startswith("【")
    assert digits(answer["message"]["PhoneNumber"]).endswith("85261234567")
    assert answer["outbox"].endswith("/")
    assert answer["delivery"]["status"] == "delivered"
    assert answer["delivery"]["reportedAt"].endswith("+08:00")


def test_demo_refused_number(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "demo", "--to", "123")
    assert code == EXIT_CONNECTOR_ERROR
    assert err.startswith("error: invalid_request_parameters: ")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_demo_keep_serves_the_outbox_until_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "logto_connector_aliyun_sms", "demo", "--keep"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=clean_env(),
    )
    try:
        assert process.stdout is not None
        page = None
        for line in process.stdout:
            if line.startswith("Outbox page: "):
                page = line.split(": ", 1)[1].strip()
            if "Ctrl-C" in line:
                break
        assert page is not None
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(page, timeout=10) as response:
            assert "<html" in response.read().decode("utf-8")
        with opener.open(page + "_sandbox/messages", timeout=10) as response:
            assert "123456" in response.read().decode("utf-8")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# --- secrets --------------------------------------------------------------------------------------


def test_no_command_ever_prints_the_secret(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    aliyun_sms_sandbox: Any,
) -> None:
    sb = aliyun_sms_sandbox
    good = sandbox_config(sb, tmp_path)
    real_secret = sb.connector_config()["accessKeySecret"]
    wrong = write(tmp_path, dict(sb.connector_config(), accessKeySecret=CANARY), "wrong.json")
    bad = write(tmp_path, BAD_CONFIG, "bad.json")
    typed = write(tmp_path, dict(BAD_CONFIG, accessKeySecret=[CANARY]), "typed.json")
    commands = [
        ["validate", good],
        ["validate", bad],
        ["validate", typed],
        ["validate", wrong, "--env"],
        ["send", "--config", good, "--to", PHONE],
        ["send", "--config", good, "--to", "+1 000"],
        ["send", "--config", wrong, "--to", PHONE],
        ["send", "--config", bad, "--to", PHONE],
        ["usage", "--config", good],
        ["usage", "--config", wrong],
        ["send", "--config", wrong, "--to", PHONE, "--verbose"],
    ]
    monkeypatch.setenv(ENV_ACCESS_KEY_SECRET, real_secret)
    for command in commands:
        for json_flag in ([], ["--json"]):
            code, out, err = run(capsys, *json_flag, *command)
            assert code in (0, 1, 3), (command, err)
            for secret in (CANARY, real_secret):
                assert secret not in out + err, (command, json_flag)


# --- more errors -------------------------------------------------------------------------------


def test_rate_limit_says_when_to_try_again(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    sb = aliyun_sms_sandbox
    path = sandbox_config(sb, tmp_path, minSendIntervalSeconds=600)
    assert run(capsys, "send", "--config", path, "--to", PHONE)[0] == 0
    code, _, err = run(capsys, "send", "--config", path, "--to", PHONE)
    assert code == EXIT_CONNECTOR_ERROR
    [line] = err.strip().splitlines()
    assert line.startswith("error: rate_limit_exceeded: ")
    assert re.search(r"— wait, then try again: .* \(in (599|600) s\)$", line), line
    assert len(sends(sb)) == 1


def test_an_answer_that_is_not_dysmsapi(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    sb = aliyun_sms_sandbox
    sb.inject_fault("html")
    code, _, err = run(capsys, "send", "--config", sandbox_config(sb, tmp_path), "--to", PHONE)
    assert code == EXIT_CONNECTOR_ERROR
    [line] = err.strip().splitlines()
    assert line.startswith("error: invalid_response: ")
    assert "check `endpoint`" in line
    assert "may have been sent already" in line


def test_verbose_logs_the_send_with_the_number_masked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    sb = aliyun_sms_sandbox
    path = sandbox_config(sb, tmp_path)
    code, _, err = run(capsys, "-v", "send", "--config", path, "--to", PHONE)
    assert code == 0
    assert "INFO logto_connector_aliyun_sms: SMS sent to 138****8000" in err
    assert "13800138000" not in err
    code, _, err = run(capsys, "send", "--config", path, "--to", "13900139000")
    assert code == 0
    assert err == ""  # the handler of the previous run is gone


def test_demo_on_a_busy_port(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        code, _, err = run(capsys, "demo", "--port", str(busy.getsockname()[1]))
    assert code == EXIT_USAGE
    assert err.startswith("error: usage_error: cannot start the sandbox on port ")


# --- output that cannot be written, Ctrl-C ------------------------------------------------------


def _with_stdout(stdout: Any, *argv: str) -> subprocess.CompletedProcess[str]:
    """``python -m logto_connector_aliyun_sms ARGV`` with its stdout going to ``stdout``."""
    return subprocess.run(
        [sys.executable, "-m", "logto_connector_aliyun_sms", *argv],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
        timeout=TIMEOUT,
        check=False,
    )


def _with_closed_stdout(*argv: str) -> subprocess.CompletedProcess[str]:
    """``aliyun-sms ARGV | head -0``: stdout is a pipe whose reader has already gone."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return _with_stdout(write_end, *argv)
    finally:
        os.close(write_end)


@pytest.mark.parametrize(
    ("argv", "exit_code"),
    [
        (("metadata",), EXIT_STDOUT_CLOSED),
        (("schema",), EXIT_STDOUT_CLOSED),
        (("demo",), EXIT_STDOUT_CLOSED),
        (("--json", "demo"), EXIT_STDOUT_CLOSED),
        (("--help",), 0),  # argparse itself ignores a failed write of the help
    ],
)
def test_a_closed_stdout_ends_the_command_quietly(argv: tuple[str, ...], exit_code: int) -> None:
    done = _with_closed_stdout(*argv)
    assert done.returncode == exit_code, done.stderr
    assert done.stderr == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_error_line() -> None:
    with open("/dev/full", "w") as full:
        done = _with_stdout(full, "--json", "schema")
    assert done.returncode == EXIT_OUTPUT
    assert done.stderr == (
        "error: output_error: cannot write the output: No space left on device — "
        "check where stdout goes (a full disk, a closed file)\n"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_ctrl_c_during_a_send_with_json(tmp_path: Path, aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    sb.inject_fault("delay", delay_ms=5_000)  # ends before the session does
    path = sandbox_config(sb, tmp_path)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "logto_connector_aliyun_sms",
            "send",
            "--config",
            path,
            "--to",
            PHONE,
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )
    try:
        for _ in range(600):  # the send is on its way once the sandbox holds it
            if sends(sb):
                break
            time.sleep(0.05)
        assert sends(sb)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130
    assert err == ""
    answer = json.loads(out)
    assert (answer["ok"], answer["code"], answer["exitCode"]) == (False, "interrupted", 130)
    assert answer["data"] == {"maybeSent": True}
    assert "may have been sent already" in answer["hint"]


# --- argument checks ---------------------------------------------------------------------------


def test_demo_port_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "demo", "--port", "99999")
    assert (code, out) == (EXIT_USAGE, "")
    assert "argument --port: a port is a number from 0 to 65535, not '99999'" in err
    assert "_port" not in err


def test_usage_since_a_future_day(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    path = sandbox_config(aliyun_sms_sandbox, tmp_path)
    code, out, err = run(capsys, "usage", "--config", path, "--since", "2999-01-01")
    assert (code, out) == (EXIT_USAGE, "")
    assert err.startswith("error: usage_error: --since 2999-01-01 is in the future (today is ")
    assert not aliyun_sms_sandbox.requests  # nothing asked of Aliyun


def test_sandbox_takes_the_common_options_after_the_subcommand() -> None:
    args = build_parser().parse_args(["sandbox", "--json", "-v", "--port", "0"])
    assert (args.json, args.verbose, args.port) == (True, True, 0)


@pytest.mark.parametrize(
    ("tag", "lang"),
    [
        ("zh", "zh-CN"),
        ("zh-Hans", "zh-CN"),
        ("zh-Hans-SG", "zh-CN"),
        ("zh_SG", "zh-CN"),
        ("zh-Hant", "zh-TW"),
        ("zh-HK", "zh-TW"),
        ("zh-Hant-TW", "zh-TW"),
        ("zh-tw", "zh-TW"),
    ],
)
def test_chinese_tags_by_script_or_region(tag: str, lang: str) -> None:
    assert resolve_lang(tag) == lang


def test_the_payload_hint_only_where_there_is_a_payload() -> None:
    error = ConnectorError(
        ConnectorErrorCode.INVALID_REQUEST_PARAMETERS, {"message": "not a phone number"}
    )
    assert describe(error, "send")[1].endswith("the template variables (--payload)")
    for command in ("demo", "usage", None):
        assert "--payload" not in describe(error, command)[1]


@pytest.mark.parametrize("command", [["demo"], ["sandbox", "--port", "0"], ["--json", "demo"]])
def test_a_command_that_needs_the_sandbox_names_the_extra(command: list[str]) -> None:
    """Without the sandbox distribution, one line says which extra to install."""
    script = (
        "import sys; sys.modules['aliyun_sms_sandbox'] = None\n"
        "from logto_connector_aliyun_sms.cli import main\n"
        f"raise SystemExit(main({command!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.returncode == EXIT_USAGE
    text = done.stdout if "--json" in command else done.stderr
    assert "pip install ./sandbox '.[sandbox]'" in text  # the README's command from a clone
    if "--json" not in command:
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr


def test_a_mainland_template_sent_abroad_gets_the_pair_hint(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    config = aliyun_sms_sandbox.connector_config()
    for template in config["templates"]:
        template["templateCode"] = template["templateCode"]["china"]
    path = write(tmp_path, config)
    code, out, _err = run(capsys, "--json", "send", "--config", path, "--to", "+852 6123 4567")
    answer = json.loads(out)
    assert (code, answer["code"]) == (1, "invalid_config")
    assert "isv.SMS_TEMPLATE_ILLEGAL" in answer["message"]
    assert answer["hint"].startswith("A mainland template was used for a number outside")
    assert "{china, overseas}" in answer["hint"]
