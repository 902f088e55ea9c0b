"""``aliyun-sms --connector mas``: metadata, schema, validate, send and demo for the MAS
connector (the sandbox over real HTTP; the default stays the SendSms connector)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from logto_connector_aliyun_sms import CONFIG_SCHEMA, METADATA, mas
from logto_connector_aliyun_sms.cli import EXIT_CONNECTOR_ERROR, EXIT_INVALID_CONFIG, EXIT_OK, main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _write(tmp_path: Path, config: Any) -> str:
    path = tmp_path / "mas.json"
    path.write_text(json.dumps(config, ensure_ascii=False), "utf-8")
    return str(path)


@pytest.mark.parametrize("name", ["mas", "aliyun-short-message-auth-service"])
def test_metadata_and_schema(capsys: pytest.CaptureFixture[str], name: str) -> None:
    assert json.loads(_run(capsys, "metadata", "--connector", name)[1]) == mas.METADATA
    _, out, _ = _run(capsys, "schema", "--connector", name)
    assert json.loads(out) == mas.CONFIG_SCHEMA
    _, out, _ = _run(capsys, "metadata", "--connector", name, "--lang", "ja", "--form")
    shown = json.loads(out)
    assert shown["name"] == mas.METADATA["name"]["ja"]
    assert shown["formItems"][2]["label"] == "署名名"


def test_the_default_is_the_sendsms_connector(capsys: pytest.CaptureFixture[str]) -> None:
    assert json.loads(_run(capsys, "schema")[1]) == CONFIG_SCHEMA
    assert json.loads(_run(capsys, "metadata")[1]) == METADATA
    assert json.loads(_run(capsys, "metadata", "--connector", "sms")[1]) == METADATA


def test_validate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    good = _write(tmp_path, aliyun_sms_sandbox.mas_config())
    code, out, err = _run(capsys, "validate", "--connector", "mas", good)
    assert (code, err) == (EXIT_OK, "")
    assert "9 templates" in out
    assert aliyun_sms_sandbox.access_key_secret not in out
    sendsms = _write(tmp_path, aliyun_sms_sandbox.connector_config())
    assert _run(capsys, "validate", sendsms)[0] == EXIT_OK
    code, _, err = _run(capsys, "validate", "--connector", "mas", sendsms)
    assert code == EXIT_INVALID_CONFIG  # {china, overseas} codes: no system template
    assert "templates[0].templateCode: must be a string" in err
    bad = _write(tmp_path, {**aliyun_sms_sandbox.mas_config(), "templates": []})
    code, _, err = _run(capsys, "validate", "--connector", "mas", bad)
    assert code == EXIT_INVALID_CONFIG
    assert "UsageType (Register" in err


def test_send(capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    path = _write(tmp_path, sb.mas_config())
    code, out, err = _run(
        capsys,
        "--json",
        "send",
        "--connector",
        "mas",
        "--config",
        path,
        "--to",
        "+86 138 0013 8000",
    )
    assert (code, err) == (EXIT_OK, "")
    shown = json.loads(out)
    assert shown["connector"] == "aliyun-short-message-auth-service"
    assert shown["result"]["Model"]["BizId"] == sb.messages[0]["BizId"]
    assert sb.messages[0]["Product"] == "Dypnsapi"
    code, _, err = _run(
        capsys, "send", "--connector", "mas", "--config", path, "--to", "+852 6123 4567"
    )
    assert code == EXIT_CONNECTOR_ERROR
    assert "invalid_request_parameters" in err
    assert len(sb.messages) == 1


def test_demo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--json", "demo", "--connector", "mas")
    assert (code, err) == (EXIT_OK, "")
    shown = json.loads(out)
    assert shown["connector"] == "aliyun-short-message-auth-service"
    assert shown["message"]["Product"] == "Dypnsapi"
    assert "您的验证码为123456" in shown["phoneText"]
