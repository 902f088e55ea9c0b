"""``aliyun-sms status``: the delivery reports of one number, masked, against the sandbox."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms.cli import (
    EXIT_CONNECTOR_ERROR,
    EXIT_INVALID_CONFIG,
    EXIT_USAGE,
    build_parser,
    main,
)

PHONE = "13812345678"
CANARY = "CANARY-s3cr3t-0123456789abcdef"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def config_file(sb: Any, tmp_path: Path, **changes: Any) -> str:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({**sb.connector_config(), **changes}), "utf-8")
    return str(path)


def test_status_prints_each_report_masked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    sent = aliyun_sms.send_message(
        {"to": PHONE, "type": "SignIn", "payload": {"code": "975310"}, "outId": "o-1"}, config
    )
    sb.set_delivery("failed", "MOBILE_NOT_ON_SERVICE")
    sb.clock.advance(120)
    aliyun_sms.send_message({"to": PHONE, "type": "SignIn", "payload": {"code": "864200"}}, config)
    path = config_file(sb, tmp_path)
    code, out, err = run(capsys, "status", "--config", path, "--to", PHONE)
    assert code == 0, err
    assert out.startswith("2 messages to 138****5678 on ")
    failed_line, delivered_line = (
        line for line in out.splitlines() if line.startswith("  ") and line[2] != " "
    )
    assert failed_line.split()[:2] == ["failed", "MOBILE_NOT_ON_SERVICE"]
    assert delivered_line.split()[:2] == ["delivered", "DELIVERED"]
    assert "out of service" in out
    assert "tell the user" in out
    assert "OutId o-1" in out
    for secret in (PHONE, "975310", "864200", sb.access_key_secret):
        assert secret not in out + err
    code, out, _ = run(
        capsys, "--json", "status", "--config", path, "--to", PHONE, "--biz-id", sent["BizId"]
    )
    assert code == 0
    answer = json.loads(out)
    assert answer["ok"] is True
    assert answer["phone"] == "138****5678"
    [report] = answer["reports"]
    assert report["status"] == "delivered"
    assert report["bizId"] == sent["BizId"]
    assert report["sentAt"].endswith("+08:00")
    assert PHONE not in out


def test_status_explains_aliyuns_own_spelling_of_the_terminal_code(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    """Aliyun's receipt table spells it MOBLLE_TERMINAL_ERROR: explained like the other spelling."""
    from logto_connector_aliyun_sms.delivery.codes import explain

    assert explain("MOBLLE_TERMINAL_ERROR") == explain("MOBILE_TERMINAL_ERROR") is not None
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    sb.set_delivery("failed", "MOBLLE_TERMINAL_ERROR")
    aliyun_sms.send_message({"to": PHONE, "type": "SignIn", "payload": {"code": "975310"}}, config)
    sb.clock.advance(120)
    code, out, err = run(capsys, "status", "--config", config_file(sb, tmp_path), "--to", PHONE)
    assert code == 0, err
    assert "MOBLLE_TERMINAL_ERROR" in out
    assert "SMS storage or SIM full" in out


def test_status_with_no_messages_and_a_past_day(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    path = config_file(aliyun_sms_sandbox, tmp_path)
    yesterday = (datetime.now(timezone(timedelta(hours=8))) - timedelta(days=1)).date()
    code, out, _ = run(
        capsys, "status", "--config", path, "--to", PHONE, "--date", yesterday.isoformat()
    )
    assert code == 0
    assert out.startswith(f"0 messages to 138****5678 on {yesterday}")
    assert "none:" in out


@pytest.mark.parametrize(
    "extra",
    [
        ["--date", "yesterday"],
        ["--date", "2000-01-01"],
        ["--biz-id", "a b"],
        ["--to", "not a phone"],
        ["--lang", "xx-YY"],
    ],
)
def test_status_usage_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any, extra: list[str]
) -> None:
    sb = aliyun_sms_sandbox
    path = config_file(sb, tmp_path)
    code, _, err = run(capsys, "status", "--config", path, "--to", PHONE, *extra)
    assert code == EXIT_USAGE
    assert err.startswith("error: usage_error: ")
    assert not [r for r in sb.requests if r["action"] == "QuerySendDetails"]


def test_status_failures(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aliyun_sms_sandbox: Any
) -> None:
    sb = aliyun_sms_sandbox
    path = config_file(sb, tmp_path, accessKeySecret=CANARY)
    code, out, err = run(capsys, "status", "--config", path, "--to", PHONE)
    assert code == EXIT_CONNECTOR_ERROR
    assert err.startswith("error: ")
    assert CANARY not in out + err
    code, out, err = run(
        capsys, "status", "--config", config_file(sb, tmp_path, templates=[]), "--to", PHONE
    )
    assert code == EXIT_INVALID_CONFIG
    code, out, err = run(capsys, "status", "--config", path)
    assert code == EXIT_USAGE


@pytest.mark.parametrize(
    ("tag", "meaning", "advice"),
    [
        ("ja", "番号が使われていません", "。利用者への案内：番号を確認するか"),
        ("ja-JP", "番号が使われていません", "利用者への案内："),
        ("zh-Hans", "号码已停机", "。告知用户：请核对号码"),
        ("zh-CN", "号码已停机", "告知用户："),
        ("en", "out of service", "; tell the user: check the number"),
    ],
)
def test_status_speaks_the_cli_languages(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    aliyun_sms_sandbox: Any,
    tag: str,
    meaning: str,
    advice: str,
) -> None:
    sb = aliyun_sms_sandbox
    sb.set_delivery("failed", "MOBILE_NOT_ON_SERVICE")
    aliyun_sms.send_message(
        {"to": PHONE, "type": "SignIn", "payload": {"code": "975310"}}, sb.connector_config()
    )
    path = config_file(sb, tmp_path)
    code, out, err = run(capsys, "status", "--config", path, "--to", PHONE, "--lang", tag)
    assert code == 0, err
    assert meaning in out
    assert advice in out
    code, out, err = run(capsys, "--json", "status", "--config", path, "--to", PHONE, "--lang", tag)
    assert code == 0, err
    [report] = json.loads(out)["reports"]
    assert meaning in report["meaning"]
    assert report["errorCode"] == "MOBILE_NOT_ON_SERVICE"


def test_every_receipt_code_has_its_translations() -> None:
    from logto_connector_aliyun_sms.delivery.codes import RECEIPT_CODES, TRANSLATIONS, explain
    from logto_connector_aliyun_sms.texts import HINT_LANGUAGES

    assert set(TRANSLATIONS) == set(HINT_LANGUAGES) - {"en"}
    for language, table in TRANSLATIONS.items():
        assert set(table) == set(RECEIPT_CODES), language
        for code, meaning in table.items():
            assert meaning.meaning
            assert meaning.tell_the_user
            assert meaning != RECEIPT_CODES[code], (language, code)
            assert explain(code, language) == meaning
    assert explain("DELIVERED", "ko") == RECEIPT_CODES["DELIVERED"]
    assert explain("NOT_A_CODE", "ja") is None


def test_status_has_help() -> None:
    text = build_parser().format_help()
    assert "status" in text
    sub = build_parser().parse_args(["status", "--to", PHONE, "--config", "c.json"])
    assert sub.to == PHONE
