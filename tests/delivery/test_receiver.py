"""DeliveryReceiver: Aliyun's receipt pushes, token, GET check, bad bodies, duplicates, retries."""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms.delivery import DeliveryReport
from logto_connector_aliyun_sms.delivery.dedupe import MemoryDedupe, RedisDedupe, dedupe_for
from receipts import TOKEN, body, receipt

OK = (200, {"code": 0, "msg": "接收成功"})
QUERY = {"token": TOKEN}


@pytest.fixture
def seen() -> list[DeliveryReport]:
    reports: list[DeliveryReport] = []
    aliyun_sms.on_delivery(reports.append)
    return reports


def test_a_push_is_answered_and_each_report_told(seen: list[DeliveryReport]) -> None:
    receiver = aliyun_sms.DeliveryReceiver(token=TOKEN)
    push = body(
        receipt(out_id="order-9"),
        receipt(
            phone="85261234567",
            biz_id="1^0",
            success=False,
            err_code="MOBILE_NOT_ON_SERVICE",
            err_msg="停机",
        ),
    )
    assert receiver.handle("POST", QUERY, push) == OK
    delivered, failed = seen
    assert delivered["status"] == "delivered"
    assert delivered["error_code"] == "DELIVERED"
    assert delivered["phone"] == "+8613812345678"
    assert delivered["biz_id"] == "900619746936498440^0"
    assert delivered["out_id"] == "order-9"
    assert delivered["error_message"] == "用户接收成功"
    assert delivered["parts"] == 1
    assert delivered["template_code"] is None
    china = timezone(timedelta(hours=8))
    assert delivered["sent_at"] == datetime(2026, 12, 1, 10, 0, 0, tzinfo=china)
    assert delivered["reported_at"] == datetime(2026, 12, 1, 10, 0, 3, tzinfo=china)
    assert delivered["reported_at"].utcoffset() == timedelta(hours=8)
    assert delivered["raw"] == json.loads(push)[0]
    assert failed["status"] == "failed"
    assert failed["phone"] == "+85261234567"
    assert (failed["error_code"], failed["error_message"], failed["out_id"]) == (
        "MOBILE_NOT_ON_SERVICE",
        "停机",
        None,
    )


@pytest.mark.parametrize(
    "query",
    [
        None,
        {},
        {"token": "wrong-token-wrong-token-wrong"},
        {"token": TOKEN[:-1]},
        {"token": [TOKEN, TOKEN]},
        f"token={TOKEN}x",
        "",
    ],
)
def test_a_missing_or_wrong_token_is_forbidden_and_nothing_recorded(
    seen: list[DeliveryReport], query: Any
) -> None:
    receiver = aliyun_sms.DeliveryReceiver(token=TOKEN)
    for method in ("POST", "GET"):
        status, answer = receiver.handle(method, query, body(receipt()))
        assert status == 403
        assert answer["code"] != 0
    assert seen == []
    assert receiver.handle("POST", QUERY, body(receipt())) == OK  # not remembered either
    assert len(seen) == 1


@pytest.mark.parametrize("query", [QUERY, f"token={TOKEN}", f"?a=1&token={TOKEN}".encode()])
def test_the_consoles_get_check(query: Any) -> None:
    receiver = aliyun_sms.DeliveryReceiver(token=TOKEN)
    assert receiver.handle("GET", query, b"") == (200, {"code": 0, "msg": "成功"})
    assert receiver.handle("PUT", query, b"")[0] == 405


@pytest.mark.parametrize(
    "push",
    [
        b"",
        None,
        b"not json",
        b"{}",
        b'{"phone_number": "13812345678"}',
        b"[1]",
        b"[[]]",
        b"[" * 100_000,
        body({k: v for k, v in receipt().items() if k != "biz_id"}),
        body(receipt(), {**receipt(biz_id="2^0"), "success": "true"}),
        body({**receipt(), "send_time": "yesterday"}),
        body({**receipt(), "report_time": 1700000000}),
        body({**receipt(), "phone_number": "not a phone"}),
        body({**receipt(), "sms_size": "one"}),
        body({**receipt(), "biz_id": ""}),
        b"[" + b" " * (1 << 20) + b"]",
    ],
)
def test_a_malformed_body_is_refused_and_nothing_recorded(
    seen: list[DeliveryReport], push: Any
) -> None:
    receiver = aliyun_sms.DeliveryReceiver(token=TOKEN)
    status, answer = receiver.handle("POST", QUERY, push)
    assert 400 <= status < 500
    assert answer["code"] != 0
    assert seen == []


def test_duplicates_are_told_once(seen: list[DeliveryReport]) -> None:
    receiver = aliyun_sms.DeliveryReceiver(token=TOKEN)
    one, two = receipt(), receipt(biz_id="2^0")
    assert receiver.handle("POST", QUERY, body(one, one, two)) == OK
    assert receiver.handle("POST", QUERY, body(two, one)) == OK
    other_worker_object = aliyun_sms.DeliveryReceiver(token=TOKEN)
    assert other_worker_object.handle("POST", QUERY, body(one)) == OK
    assert [r["biz_id"] for r in seen] == [one["biz_id"], two["biz_id"]]
    later = receipt(report_time="2026-12-01 10:05:00")  # a new outcome is a new report
    assert receiver.handle("POST", QUERY, body(later)) == OK
    assert len(seen) == 3


def test_a_failing_callback_makes_aliyun_retry_only_what_was_not_handled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    handled: list[str] = []
    failures = {"2^0": 1}

    def callback(report: DeliveryReport) -> None:
        biz_id = report["biz_id"] or ""
        if failures.get(biz_id, 0) > 0:
            failures[biz_id] -= 1
            raise RuntimeError("database down")
        handled.append(biz_id)

    aliyun_sms.on_delivery(callback)
    receiver = aliyun_sms.DeliveryReceiver(token=TOKEN)
    push = body(receipt(biz_id="1^0"), receipt(biz_id="2^0"), receipt(biz_id="3^0"))
    with caplog.at_level(logging.ERROR):
        status, answer = receiver.handle("POST", QUERY, push)
    assert status == 500
    assert answer["code"] != 0
    assert handled == ["1^0", "3^0"]
    assert "138****5678" in caplog.text
    assert "13812345678" not in caplog.text
    assert receiver.handle("POST", QUERY, push) == OK  # Aliyun's retry
    assert handled == ["1^0", "3^0", "2^0"]
    assert receiver.handle("POST", QUERY, push) == OK
    assert handled == ["1^0", "3^0", "2^0"]


async def test_async_handle_awaits_async_callbacks() -> None:
    told: list[str] = []

    async def callback(report: DeliveryReport) -> None:
        told.append(report["status"])

    hook = aliyun_sms.on_delivery(callback)
    receiver = aliyun_sms.DeliveryReceiver(token=TOKEN)
    assert await receiver.handle_async("POST", QUERY, body(receipt(), receipt())) == OK
    assert told == ["delivered"]
    assert await receiver.handle_async("GET", QUERY, None) == (200, {"code": 0, "msg": "成功"})
    assert (await receiver.handle_async("POST", {}, body(receipt())))[0] == 403
    hook.remove()
    assert await receiver.handle_async("POST", QUERY, body(receipt(biz_id="9^0"))) == OK
    assert told == ["delivered"]


def test_sync_handle_runs_async_callbacks_and_hooks_are_removable() -> None:
    told: list[str] = []

    @aliyun_sms.on_delivery
    async def callback(report: DeliveryReport) -> None:
        told.append(report["biz_id"] or "")

    receiver = aliyun_sms.DeliveryReceiver(token=TOKEN)
    assert receiver.handle("POST", QUERY, body(receipt(biz_id="1^0"))) == OK
    callback.remove()
    callback.remove()  # again: nothing
    assert receiver.handle("POST", QUERY, body(receipt(biz_id="2^0"))) == OK
    assert told == ["1^0"]
    with pytest.raises(TypeError):
        aliyun_sms.on_delivery("not callable")  # type: ignore[arg-type]


def test_the_token_must_be_a_real_secret_and_never_shows() -> None:
    for bad in ("", "short", None, 12345678901234567890):
        with pytest.raises(ValueError, match="16 characters"):
            aliyun_sms.DeliveryReceiver(token=bad)  # type: ignore[arg-type]
    receiver = aliyun_sms.DeliveryReceiver(token=TOKEN)
    assert TOKEN not in repr(receiver)
    assert TOKEN not in str(vars(receiver))


def test_the_store_follows_the_limits_url(redis_url: str) -> None:
    assert isinstance(dedupe_for(), MemoryDedupe)
    aliyun_sms.configure_limits(redis_url)
    chosen = dedupe_for()
    assert isinstance(chosen, RedisDedupe)
    mine = MemoryDedupe()
    assert dedupe_for(mine) is mine


def _worker_reports(redis_url: str, pushes: list[bytes], told: list[str]) -> None:
    """One worker: its own Redis clients, its own receiver, its own callback list."""
    from logto_connector_aliyun_sms.limits.redis_store import RedisStore

    receiver = aliyun_sms.DeliveryReceiver(token=TOKEN, store=RedisStore(redis_url))
    for push in pushes:
        assert receiver.handle("POST", QUERY, push) == OK


def test_two_workers_sharing_redis_record_each_report_once(redis_url: str) -> None:
    import redis

    with redis.Redis.from_url(redis_url) as client:
        client.flushall()
    told: list[str] = []
    lock = threading.Lock()

    def callback(report: DeliveryReport) -> None:
        with lock:
            told.append(report["biz_id"] or "")

    aliyun_sms.on_delivery(callback)
    receipts = [receipt(biz_id=f"{i}^0") for i in range(200)]
    # Aliyun pushes each batch to one worker, then again (duplicates) to the other
    pushes = [body(*receipts[i : i + 20]) for i in range(0, 200, 20)]
    workers = [
        threading.Thread(target=_worker_reports, args=(redis_url, pushes, told)),
        threading.Thread(target=_worker_reports, args=(redis_url, pushes[::-1], told)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(told) == sorted(r["biz_id"] for r in receipts)
    with redis.Redis.from_url(redis_url) as client:
        keys = client.keys("aliyun-sms:dlv1:*")
        assert len(keys) == 200
        assert 0 < client.pttl(keys[0]) <= 48 * 3600 * 1000


async def test_async_workers_sharing_redis_through_asyncio_clients(redis_url: str) -> None:
    import redis
    import redis.asyncio

    with redis.Redis.from_url(redis_url) as client:
        client.flushall()
    told: list[str] = []
    aliyun_sms.on_delivery(lambda report: told.append(report["biz_id"] or ""))
    stores = []
    for _ in range(2):
        sync = redis.Redis.from_url(redis_url)
        aio = redis.asyncio.Redis.from_url(redis_url)
        stores.append((sync, aio, RedisDedupe(sync, aio)))
    push = body(*[receipt(biz_id=f"{i}^0") for i in range(30)])
    import asyncio

    answers = await asyncio.gather(
        *[
            aliyun_sms.DeliveryReceiver(TOKEN, store=s).handle_async("POST", QUERY, push)
            for _, _, s in stores
        ]
    )
    assert answers == [OK, OK]
    assert len(told) == 30
    assert len(set(told)) == 30
    for sync, aio, _ in stores:
        sync.close()
        await aio.aclose()


def test_a_store_that_fails_makes_aliyun_push_again(seen: list[DeliveryReport]) -> None:
    import redis

    down = RedisDedupe(redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2))
    receiver = aliyun_sms.DeliveryReceiver(token=TOKEN, store=down)
    status, answer = receiver.handle("POST", QUERY, body(receipt()))
    assert status == 503
    assert answer["code"] != 0
    assert seen == []


def test_memory_dedupe_stays_bounded() -> None:
    dedupe = MemoryDedupe(size=3)
    for i in range(5):
        assert dedupe.claim(str(i))
        dedupe.done(str(i))
    assert not dedupe.claim("4")
    assert dedupe.claim("0")  # forgotten: the oldest went first
    assert "5 ids" not in repr(dedupe)


class _FlakyStore(MemoryDedupe):
    """A store that takes claims but fails when told to mark or release them."""

    def done(self, report_id: str) -> None:
        raise ConnectionError("store gone")

    def release(self, report_id: str) -> None:
        raise ConnectionError("store gone")

    async def done_async(self, report_id: str) -> None:
        raise ConnectionError("store gone")

    async def release_async(self, report_id: str) -> None:
        raise ConnectionError("store gone")


async def test_a_store_failing_after_the_claim_still_answers(
    seen: list[DeliveryReport], caplog: pytest.LogCaptureFixture
) -> None:
    receiver = aliyun_sms.DeliveryReceiver(token=TOKEN, store=_FlakyStore())
    assert receiver.handle("POST", QUERY, body(receipt())) == OK
    assert await receiver.handle_async("POST", QUERY, body(receipt(biz_id="2^0"))) == OK
    assert len(seen) == 2
    assert "claim expires" in caplog.text
    hook = aliyun_sms.on_delivery(lambda report: 1 / 0)
    assert receiver.handle("POST", QUERY, body(receipt(biz_id="3^0")))[0] == 500
    assert (await receiver.handle_async("POST", QUERY, body(receipt(biz_id="4^0"))))[0] == 500
    hook.remove()


async def test_a_redis_store_with_only_an_asyncio_client(redis_url: str) -> None:
    import redis.asyncio

    from logto_connector_aliyun_sms.limits.redis_store import RedisStore

    aio = redis.asyncio.Redis.from_url(redis_url)
    try:
        chosen = dedupe_for(RedisStore(async_client=aio))
        assert isinstance(chosen, RedisDedupe)
        receiver = aliyun_sms.DeliveryReceiver(token=TOKEN, store=chosen)
        assert await receiver.handle_async("POST", QUERY, body(receipt(biz_id="a^0"))) == OK
        assert receiver.handle("POST", QUERY, body(receipt(biz_id="b^0")))[0] == 503
    finally:
        await aio.aclose()


def test_two_worker_processes_sharing_redis_record_each_report_once(
    redis_url: str, tmp_path: Any
) -> None:
    """Two processes, each with its own receiver and callback, the store chosen by
    ALIYUN_SMS_LIMITS_URL: Aliyun's pushes and their repeats spread over both."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import redis

    with redis.Redis.from_url(redis_url) as client:
        client.flushall()
    receipts = [receipt(biz_id=f"{i}^0") for i in range(300)]
    pushes = [body(*receipts[i : i + 30]).decode() for i in range(0, 300, 30)]
    files = []
    for name, order in (("a", pushes), ("b", pushes[::-1])):
        path = Path(tmp_path) / f"pushes-{name}.json"
        path.write_text(json.dumps(order), "utf-8")
        files.append(path)
    worker = Path(__file__).with_name("receipt_worker.py")
    env = {**os.environ, "ALIYUN_SMS_LIMITS_URL": redis_url}
    processes = [
        subprocess.Popen(
            [sys.executable, str(worker), str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for path in files
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        results = [json.loads(p.communicate(timeout=60)[0]) for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert all(status == 200 for result in results for status in result["answers"])
    seen = [biz_id for result in results for biz_id in result["seen"]]
    assert sorted(seen) == sorted(r["biz_id"] for r in receipts)  # each once, in all
