"""Load: every success has exactly one sandbox record and every record one success.

20,000 sends async at concurrency 200 and 20,000 sync on 16 threads (LOAD_SENDS to change);
open file descriptors and memory stay flat. Bounded in count and time.
"""

from __future__ import annotations

import asyncio
import gc
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import logto_connector_aliyun_sms as aliyun_sms

SENDS = int(os.environ.get("LOAD_SENDS", "20000"))
TIME_LIMIT_S = 600
pytestmark = pytest.mark.slow


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _rss_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def _data(i: int) -> dict[str, Any]:
    # international numbers: the sandbox's per-number flow control is for mainland ones
    return {"to": f"+852 6{i:07d}", "type": "SignIn", "payload": {"code": f"{i % 999999:06d}"}}


def _check_books(sb: Any, biz_ids: list[str]) -> None:
    records = [m["BizId"] for m in sb.messages]
    assert len(records) == len(set(records)), "a message was recorded twice"
    assert len(biz_ids) == len(set(biz_ids)), "two sends got the same BizId"
    assert set(records) == set(biz_ids), "a send and the records disagree"


def test_async_load(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    biz_ids: list[str] = []
    marks: dict[str, tuple[int, int]] = {}

    async def run() -> None:
        queue = iter(range(SENDS))

        async def worker() -> None:
            for i in queue:
                result = await aliyun_sms.send_message_async(_data(i), config)
                biz_ids.append(result["BizId"])
                if len(biz_ids) in (SENDS // 4, SENDS):
                    gc.collect()
                    marks[str(len(biz_ids))] = (_fds(), _rss_kib())

        await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(200))), TIME_LIMIT_S)

    asyncio.run(run())
    assert len(biz_ids) == SENDS
    _check_books(sb, biz_ids)
    (fd_q, rss_q), (fd_end, rss_end) = marks[str(SENDS // 4)], marks[str(SENDS)]
    assert fd_end <= fd_q + 8, (fd_q, fd_end)
    assert rss_end - rss_q < 64 * 1024, (rss_q, rss_end)  # KiB: the outbox itself grows


def test_threaded_load(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    deadline = time.monotonic() + TIME_LIMIT_S
    lock = threading.Lock()
    biz_ids: list[str] = []

    def send(i: int) -> None:
        assert time.monotonic() < deadline, "load test ran out of time"
        result = aliyun_sms.send_message(_data(i), config)
        with lock:
            biz_ids.append(result["BizId"])

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(send, range(SENDS // 4)))
        gc.collect()
        fd_q, threads_q = _fds(), threading.active_count()
        list(pool.map(send, range(SENDS // 4, SENDS)))
    gc.collect()
    assert len(biz_ids) == SENDS
    _check_books(sb, biz_ids)
    assert _fds() <= fd_q + 8
    assert threading.active_count() <= threads_q
