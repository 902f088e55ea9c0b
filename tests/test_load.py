"""Load: every success has exactly one sandbox record and every record one success.

20,000 sends async at concurrency 200 and 20,000 sync on 16 threads (LOAD_SENDS to change),
against a sandbox in its own process (``aliyun-sms sandbox``), so that this process holds only
the connector: its open file descriptors, threads and memory must stay flat. Bounded in count
and time.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import logto_connector_aliyun_sms as aliyun_sms

SENDS = int(os.environ.get("LOAD_SENDS", "20000"))
TIME_LIMIT_S = 600
pytestmark = pytest.mark.slow


class _SandboxProcess:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "logto_connector_aliyun_sms",
                "sandbox",
                "--port",
                "0",
                "--quiet",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.config: dict[str, Any] = {}
        for line in self.proc.stdout:
            if "connector config:" in line:
                self.config = json.loads(line.split("connector config:", 1)[1])
                break
        assert self.config, "the sandbox did not start"
        self.endpoint = self.config["endpoint"]
        direct = urllib.request.ProxyHandler({})
        self.opener = urllib.request.build_opener(direct)

    def get(self, path: str) -> Any:
        with self.opener.open(self.endpoint + path, timeout=60) as response:
            return json.loads(response.read())

    def post(self, path: str) -> None:
        request = urllib.request.Request(
            self.endpoint + path,
            data=b"{}",
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=60):
            pass

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def sandbox_process() -> Iterator[_SandboxProcess]:
    sandbox = _SandboxProcess()
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture
def sandbox(sandbox_process: _SandboxProcess) -> _SandboxProcess:
    sandbox_process.post("/_sandbox/reset")
    return sandbox_process


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _rss_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def _data(i: int) -> dict[str, Any]:
    # international numbers: the sandbox's per-number flow control is for mainland ones
    return {"to": f"+852 6{i:07d}", "type": "SignIn", "payload": {"code": f"{i % 999999:06d}"}}


def _check_books(sandbox: _SandboxProcess, biz_ids: list[str]) -> None:
    records = [m["BizId"] for m in sandbox.get("/_sandbox/messages")]
    assert len(records) == len(set(records)), "a message was recorded twice"
    assert len(biz_ids) == len(set(biz_ids)), "two sends got the same BizId"
    assert set(records) == set(biz_ids), "a send and the records disagree"


def test_async_load(sandbox: _SandboxProcess) -> None:
    config = sandbox.config
    biz_ids: list[str] = []
    marks: dict[int, tuple[int, int]] = {}

    async def run() -> None:
        queue = iter(range(SENDS))

        async def worker() -> None:
            for i in queue:
                result = await aliyun_sms.send_message_async(_data(i), config)
                biz_ids.append(result["BizId"])
                if len(biz_ids) in (SENDS // 2, SENDS):
                    gc.collect()
                    marks[len(biz_ids)] = (_fds(), _rss_kib())

        await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(200))), TIME_LIMIT_S)

    asyncio.run(run())
    assert len(biz_ids) == SENDS
    _check_books(sandbox, biz_ids)
    (fd_half, rss_half), (fd_end, rss_end) = marks[SENDS // 2], marks[SENDS]
    assert fd_end <= fd_half + 4, (fd_half, fd_end)
    assert rss_end - rss_half < 8 * 1024, (rss_half, rss_end)  # KiB: flat within noise


def test_threaded_load(sandbox: _SandboxProcess) -> None:
    config = sandbox.config
    deadline = time.monotonic() + TIME_LIMIT_S
    lock = threading.Lock()
    biz_ids: list[str] = []

    def send(i: int) -> None:
        assert time.monotonic() < deadline, "load test ran out of time"
        result = aliyun_sms.send_message(_data(i), config)
        with lock:
            biz_ids.append(result["BizId"])

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(send, range(SENDS // 2)))
        gc.collect()
        fd_half, threads_half, rss_half = _fds(), threading.active_count(), _rss_kib()
        list(pool.map(send, range(SENDS // 2, SENDS)))
        gc.collect()
        fd_end, threads_end, rss_end = _fds(), threading.active_count(), _rss_kib()
    assert len(biz_ids) == SENDS
    _check_books(sandbox, biz_ids)
    assert fd_end <= fd_half + 4
    assert threads_end <= threads_half
    assert rss_end - rss_half < 8 * 1024, (rss_half, rss_end)
