"""The receipt mounts: Django's view and signal, Flask's blueprint and signal, aiohttp's handler
(served on loopback, with the sandbox pushing to it)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms.delivery import DeliveryReport, dedupe, hooks

TOKEN = "mount-token-0123456789-abcdefgh"


def _push(biz_id: str = "900619746936498440^0", success: bool = True) -> bytes:
    item = {
        "phone_number": "13812345678",
        "send_time": "2026-12-02 10:00:00",
        "report_time": "2026-12-02 10:00:04",
        "success": success,
        "err_code": "DELIVERED" if success else "CONTENT_KEYWORD",
        "err_msg": "用户接收成功" if success else "内容关键字拦截",
        "sms_size": "1",
        "biz_id": biz_id,
        "out_id": "",
    }
    return json.dumps([item], ensure_ascii=False).encode()


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    hooks.clear_hooks()
    dedupe.forget_all()
    yield
    hooks.clear_hooks()
    dedupe.forget_all()


def test_django_view_and_signal(django_db: None) -> None:
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from logto_connector_aliyun_sms.contrib.django.signals import delivery_reported

    told: list[DeliveryReport] = []

    def on_report(sender: Any, report: DeliveryReport, **kwargs: Any) -> None:
        told.append(report)

    delivery_reported.connect(on_report)
    client = Client()
    url = reverse("aliyun_sms:receipts")
    assert url == "/aliyun-sms/receipts/"
    try:
        with override_settings(ALIYUN_SMS_RECEIPT_TOKEN=TOKEN):
            answer = client.get(url, {"token": TOKEN})
            assert (answer.status_code, answer.json()) == (200, {"code": 0, "msg": "成功"})
            for _ in range(2):  # the same push twice: one signal
                answer = client.post(
                    f"{url}?token={TOKEN}", _push(), content_type="application/json"
                )
                assert (answer.status_code, answer.json()) == (
                    200,
                    {"code": 0, "msg": "接收成功"},
                )
            assert answer.content.decode() == '{"code": 0, "msg": "接收成功"}'
            refused = client.post(
                f"{url}?token=nope", _push("2^0"), content_type="application/json"
            )
            assert refused.status_code == 403
            bad = client.post(f"{url}?token={TOKEN}", b"{}", content_type="application/json")
            assert bad.status_code == 400
        with override_settings(ALIYUN_SMS_RECEIPT_TOKEN=None):
            assert client.get(url, {"token": TOKEN}).status_code == 503
        with override_settings(ALIYUN_SMS_RECEIPT_TOKEN="short"):
            assert client.get(url, {"token": "short"}).status_code == 503
    finally:
        delivery_reported.disconnect(on_report)
    assert [r["biz_id"] for r in told] == ["900619746936498440^0"]


def test_django_signal_receiver_failure_makes_aliyun_retry(django_db: None) -> None:
    from django.test import Client
    from django.test.utils import override_settings

    from logto_connector_aliyun_sms.contrib.django.signals import delivery_reported

    calls: list[str] = []

    def flaky(sender: Any, report: DeliveryReport, **kwargs: Any) -> None:
        calls.append(report["status"])
        if len(calls) == 1:
            raise RuntimeError("database down")

    delivery_reported.connect(flaky)
    try:
        with override_settings(ALIYUN_SMS_RECEIPT_TOKEN=TOKEN):
            url = f"/aliyun-sms/receipts/?token={TOKEN}"
            first = Client().post(url, _push(success=False), content_type="application/json")
            assert first.status_code == 500
            assert first.json()["code"] != 0
            second = Client().post(url, _push(success=False), content_type="application/json")
            assert second.status_code == 200
    finally:
        delivery_reported.disconnect(flaky)
    assert calls == ["failed", "failed"]


def test_flask_blueprint_and_signal() -> None:
    from flask import Flask

    from logto_connector_aliyun_sms.contrib.flask_receipts import (
        delivery_reported,
        receipts_blueprint,
    )

    app = Flask(__name__)
    app.config["ALIYUN_SMS_RECEIPT_TOKEN"] = TOKEN
    app.register_blueprint(receipts_blueprint(), url_prefix="/aliyun-sms/receipts")
    told: list[DeliveryReport] = []

    def on_report(sender: Any, report: DeliveryReport) -> None:
        told.append(report)

    client = app.test_client()
    with delivery_reported.connected_to(on_report):
        answer = client.get(f"/aliyun-sms/receipts?token={TOKEN}")
        assert (answer.status_code, answer.get_json()) == (200, {"code": 0, "msg": "成功"})
        for _ in range(2):
            answer = client.post(f"/aliyun-sms/receipts/?token={TOKEN}", data=_push())
            assert (answer.status_code, answer.get_json()) == (200, {"code": 0, "msg": "接收成功"})
        assert client.post("/aliyun-sms/receipts?token=x", data=_push("3^0")).status_code == 403
        assert client.post(f"/aliyun-sms/receipts?token={TOKEN}", data=b"[1]").status_code == 400
    assert [r["status"] for r in told] == ["delivered"]
    unconfigured = Flask(__name__)
    unconfigured.register_blueprint(receipts_blueprint(), url_prefix="/r")
    assert unconfigured.test_client().get(f"/r?token={TOKEN}").status_code == 503
    own = Flask(__name__)
    own.register_blueprint(receipts_blueprint(token=TOKEN, name="mine"), url_prefix="/r")
    assert own.test_client().get(f"/r?token={TOKEN}").status_code == 200


async def test_aiohttp_handler_receives_the_sandboxs_pushes(aliyun_sms_sandbox: Any) -> None:
    import asyncio

    from aiohttp import web

    from logto_connector_aliyun_sms.contrib.aiohttp_receipts import receipt_handler

    told: list[DeliveryReport] = []

    async def record(report: DeliveryReport) -> None:
        told.append(report)

    aliyun_sms.on_delivery(record)
    app = web.Application()
    app.router.add_route("*", "/aliyun-sms/receipts", receipt_handler(TOKEN))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        sb = aliyun_sms_sandbox
        sb.set_reports(
            f"http://127.0.0.1:{port}/aliyun-sms/receipts?token={TOKEN}", duplicate_rate=1.0
        )
        sb.set_delivery("failed", "CONTENT_KEYWORD", phone="13812345679")
        config = sb.connector_config()
        ok = await aliyun_sms.send_message_async(
            {"to": "13812345678", "type": "SignIn", "payload": {"code": "111111"}}, config
        )
        bad = await aliyun_sms.send_message_async(
            {"to": "13812345679", "type": "SignIn", "payload": {"code": "222222"}}, config
        )
        for _ in range(500):
            if sb.reports_idle() and len(sb.pushes) >= 2:
                break
            await asyncio.sleep(0.01)
        assert all(p["ok"] for p in sb.pushes)
        assert sum(p["receipts"] for p in sb.pushes) == 4  # each receipt pushed twice
        by_biz = {r["biz_id"]: r for r in told}
        assert len(told) == 2
        assert by_biz[ok["BizId"]]["status"] == "delivered"
        assert by_biz[bad["BizId"]]["error_code"] == "CONTENT_KEYWORD"
        [queried] = await aliyun_sms.query_delivery_async(
            config, "13812345679", biz_id=bad["BizId"]
        )
        assert queried["id"] == by_biz[bad["BizId"]]["id"]
    finally:
        await runner.cleanup()
