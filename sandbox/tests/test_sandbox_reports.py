"""Delivery receipts: the sandbox pushes Aliyun's SmsReport body to a URL on loopback."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_dysmsapi20170525 import models
from alibabacloud_dysmsapi20170525.client import Client
from darabonba.runtime import RuntimeOptions
from receipt_sink import ReceiptSink
from sandbox_helpers import raw_request, sign_in_request

from aliyun_sms_sandbox import Sandbox
from aliyun_sms_sandbox.cli import build_parser
from aliyun_sms_sandbox.clock import CHINA
from aliyun_sms_sandbox.reports import ReportBook, sms_size

KEYS = {
    "phone_number",
    "send_time",
    "report_time",
    "success",
    "err_code",
    "err_msg",
    "sms_size",
    "biz_id",
    "out_id",
}
TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


@pytest.fixture
def sink(sb: Sandbox) -> Iterator[ReceiptSink]:
    with ReceiptSink() as receiver:
        sb.set_reports(receiver.url)
        yield receiver


def _send(client: Client, phone: str = "13812345678", **fields: str) -> str:
    request = sign_in_request(phone_numbers=phone, **fields)
    body = client.send_sms_with_options(request, RuntimeOptions()).body
    assert body.code == "OK", body
    biz_id: str = body.biz_id
    return biz_id


def _details(client: Client, phone: str, biz_id: str | None = None) -> list[Any]:
    day = datetime.now(CHINA).strftime("%Y%m%d")
    request = models.QuerySendDetailsRequest(
        phone_number=phone, send_date=day, page_size=50, current_page=1, biz_id=biz_id
    )
    body = client.query_send_details_with_options(request, RuntimeOptions()).body
    return [row.to_map() for row in body.sms_send_detail_dtos.sms_send_detail_dto]


def test_a_receipt_in_aliyuns_exact_shape(sb: Sandbox, client: Client, sink: ReceiptSink) -> None:
    biz_id = _send(client, out_id="order-1")
    assert sb.wait_for_reports()
    [push] = sink.pushes
    [item] = push
    assert set(item) == KEYS
    assert item["phone_number"] == "13812345678"
    assert item["success"] is True
    assert (item["err_code"], item["err_msg"]) == ("DELIVERED", "用户接收成功")
    assert item["sms_size"] == "1"
    assert (item["biz_id"], item["out_id"]) == (biz_id, "order-1")
    assert TIME.fullmatch(item["send_time"])
    assert TIME.fullmatch(item["report_time"])
    assert sink.headers[0]["Content-Type"].startswith("application/json")
    [row] = _details(client, "13812345678", biz_id)
    assert (row["SendDate"], row["ReceiveDate"]) == (item["send_time"], item["report_time"])
    assert (row["SendStatus"], row["ErrCode"], row["OutId"]) == (3, "DELIVERED", "order-1")
    assert sb.pushes[0]["ok"] is True
    assert sb.pushes[0]["bizIds"] == [biz_id]


def test_outcomes_per_number_and_the_query_agrees(
    sb: Sandbox, client: Client, sink: ReceiptSink
) -> None:
    sb.set_delivery("failed", "MOBILE_IN_BLACK", phone="+86 138 0000 0001")
    sb.set_delivery("waiting", phone="13800000002")
    failed = _send(client, "8613800000001")
    never = _send(client, "13800000002")
    fine = _send(client, "13800000003")
    assert sb.wait_for_reports()
    by_biz = {r["biz_id"]: r for r in sink.receipts()}
    assert set(by_biz) == {failed, fine}
    assert by_biz[failed]["success"] is False
    assert by_biz[failed]["err_code"] == "MOBILE_IN_BLACK"
    assert by_biz[failed]["err_msg"] == "手机号在黑名单"
    assert out_id_empty(by_biz[failed])
    assert by_biz[fine]["success"] is True
    assert [(r["SendStatus"], r["ErrCode"]) for r in _details(client, "13800000001")] == [
        (2, "MOBILE_IN_BLACK")
    ]
    assert [(r["SendStatus"], r["ReceiveDate"]) for r in _details(client, "13800000002")] == [
        (1, "")
    ]
    assert never not in by_biz
    assert sb.messages_for("13800000002")[0]["SendStatus"] == 1


def out_id_empty(item: dict[str, Any]) -> bool:
    """No OutId was sent: Aliyun's receipt carries an empty one."""
    return item["out_id"] == ""


def test_receipts_come_after_the_delay_on_the_clock(
    sb: Sandbox, client: Client, sink: ReceiptSink
) -> None:
    sb.clock.set(datetime.now(timezone.utc))
    sb.set_reports(delay_s=8)
    biz_id = _send(client)
    assert sb.wait_for_reports()
    assert sink.pushes == []
    [row] = _details(client, "13812345678", biz_id)
    assert (row["SendStatus"], row["ErrCode"], row["ReceiveDate"]) == (1, "", "")
    sb.clock.advance(8)
    assert sb.wait_for_reports()
    [[item]] = sink.pushes
    [row] = _details(client, "13812345678", biz_id)
    assert (row["SendStatus"], row["ReceiveDate"]) == (3, item["report_time"])
    sent = datetime.strptime(item["send_time"], "%Y-%m-%d %H:%M:%S")
    reported = datetime.strptime(item["report_time"], "%Y-%m-%d %H:%M:%S")
    assert (reported - sent).total_seconds() == 8


def test_batches(sb: Sandbox, client: Client, sink: ReceiptSink) -> None:
    sb.clock.set(datetime.now(timezone.utc))
    sb.set_reports(delay_s=1, batch_size=2)
    sent = [_send(client, f"1380000000{i}") for i in range(5)]
    sb.clock.advance(1)
    assert sb.wait_for_reports()
    assert [len(push) for push in sink.pushes] == [2, 2, 1]
    assert [r["biz_id"] for r in sink.receipts()] == sent


def test_occasional_duplicates(sb: Sandbox, client: Client, sink: ReceiptSink) -> None:
    sb.set_reports(duplicate_rate=1.0)
    sent = [_send(client, f"1380000000{i}") for i in range(3)]
    assert sb.wait_for_reports()
    got = [r["biz_id"] for r in sink.receipts()]
    assert sorted(got) == sorted(sent * 2)
    assert len(sink.pushes) >= 2  # a duplicate comes in a later push


def test_a_refused_push_is_retried_on_the_clock(
    sb: Sandbox, client: Client, sink: ReceiptSink
) -> None:
    sb.clock.set(datetime.now(timezone.utc))
    sb.set_reports(retry_delays=(60, 300))
    sink.answers = [(500, {"code": 1, "msg": "busy"}), (200, {"code": 9, "msg": "no"})]
    biz_id = _send(client)
    assert sb.wait_for_reports()
    assert len(sink.pushes) == 1
    sb.clock.advance(59)
    assert sb.wait_for_reports()
    assert len(sink.pushes) == 1  # not yet
    sb.clock.advance(1)
    assert sb.wait_for_reports()
    assert len(sink.pushes) == 2  # refused again, with a non-zero code
    sb.clock.advance(300)
    assert sb.wait_for_reports()
    assert [p[0]["biz_id"] for p in sink.pushes] == [biz_id] * 3
    assert [(p["attempt"], p["ok"]) for p in sb.pushes] == [(1, False), (2, False), (3, True)]
    sb.clock.advance(86400)
    assert sb.wait_for_reports()
    assert len(sink.pushes) == 3


def test_receipts_are_given_up_after_the_last_retry(sb: Sandbox, client: Client) -> None:
    sb.clock.set(datetime.now(timezone.utc))
    with ReceiptSink() as sink:
        sb.set_reports(sink.url, retry_delays=(10,))
        sink.answers = [(503, "down"), (404, None)]
        _send(client)
        assert sb.wait_for_reports()
        sb.clock.advance(10)
        assert sb.wait_for_reports()
        assert len(sink.pushes) == 2
    assert raw_request(sb, "GET", "/_sandbox/reports")[2]["abandoned"] == 1


def test_an_unreachable_url_counts_as_a_refusal(sb: Sandbox, client: Client) -> None:
    sb.clock.set(datetime.now(timezone.utc))
    with ReceiptSink() as sink:
        url = sink.url
    sb.set_reports(url, retry_delays=(5,))
    _send(client)
    assert sb.wait_for_reports()
    assert [(p["status"], p["ok"]) for p in sb.pushes] == [(None, False)]


def test_without_a_url_nothing_is_queued(sb: Sandbox, client: Client) -> None:
    assert sb.report_url is None
    _send(client)
    assert sb.reports_idle()
    assert sb.pushes == []
    assert raw_request(sb, "GET", "/_sandbox/reports")[2]["waiting"] == 0


def test_reset_restores_the_configured_url(client: Client) -> None:
    with Sandbox(report_url="http://127.0.0.1:9/r?token=x") as sandbox:
        sandbox.set_reports("")
        assert sandbox.report_url is None
        sandbox.reset()
        assert sandbox.report_url == "http://127.0.0.1:9/r?token=x"
    with pytest.raises(ValueError, match="http"):
        Sandbox(report_url="ftp://example.com/")


@pytest.mark.parametrize(
    "change",
    [
        {"url": "file:///etc/passwd"},
        {"delay_s": -1},
        {"batch_size": 0},
        {"batch_size": 1.5},
        {"duplicate_rate": 2},
        {"retry_delays": (-1,)},
    ],
)
def test_bad_report_settings_are_refused(sb: Sandbox, change: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"must|at most"):
        sb.set_reports(**change)


def test_admin_routes(sb: Sandbox, client: Client) -> None:
    with ReceiptSink() as sink:
        status, _, answer = raw_request(
            sb,
            path="/_sandbox/reports",
            body=f'{{"url": "{sink.url}", "batchSize": 5, "retryDelays": [1]}}'.encode(),
        )
        assert status == 200
        assert (answer["url"], answer["batchSize"], answer["retryDelays"]) == (sink.url, 5, [1.0])
        assert raw_request(sb, path="/_sandbox/reports", body=b'{"batchSize": 0}')[0] == 400
        status, _, answer = raw_request(
            sb,
            path="/_sandbox/delivery",
            body=b'{"outcome": "failed", "errCode": "CONTENT_KEYWORD", "phone": "13800000009"}',
        )
        assert answer == {"SendStatus": 2, "ErrCode": "CONTENT_KEYWORD"}
        _send(client, "13800000009")
        assert sb.wait_for_reports()
        assert sink.receipts()[0]["err_code"] == "CONTENT_KEYWORD"
        assert raw_request(sb, "GET", "/_sandbox/reports")[2]["pushes"][0]["ok"] is True


def test_cli_option() -> None:
    args = build_parser().parse_args(["--report-url", "http://127.0.0.1:8000/r?token=x"])
    assert args.report_url == "http://127.0.0.1:8000/r?token=x"


def test_the_queue_stays_bounded(sb: Sandbox, client: Client, monkeypatch: Any) -> None:
    from aliyun_sms_sandbox import reports

    monkeypatch.setattr(reports, "MAX_WAITING", 3)
    sb.clock.set(datetime.now(timezone.utc))
    sb.set_reports("http://127.0.0.1:9/r?token=x", delay_s=60)
    for i in range(5):
        _send(client, f"1380000000{i}")
    assert raw_request(sb, "GET", "/_sandbox/reports")[2]["waiting"] == 3
    assert raw_request(sb, "GET", "/_sandbox/reports")[2]["abandoned"] == 2


def test_sms_size_and_the_book_alone() -> None:
    assert sms_size("短" * 70) == 1
    assert sms_size("短" * 71) == 2
    assert sms_size("短" * 135) == 3
    book = ReportBook(seed=1)
    assert book.due(0.0) == []
    assert book.idle(0.0)


def test_the_fixture_option(tmp_path: Path) -> None:
    """``--aliyun-sms-sandbox-report-url`` reaches the fixture's sandbox, and each reset."""
    (tmp_path / "test_option.py").write_text(
        "def test_url(aliyun_sms_sandbox):\n"
        "    assert aliyun_sms_sandbox.report_url == 'http://127.0.0.1:9/r?token=abc'\n"
        "    aliyun_sms_sandbox.set_reports('')\n"
        "def test_url_again(aliyun_sms_sandbox):\n"
        "    assert aliyun_sms_sandbox.report_url == 'http://127.0.0.1:9/r?token=abc'\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--aliyun-sms-sandbox-report-url=http://127.0.0.1:9/r?token=abc",
            str(tmp_path / "test_option.py"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
