"""Proof under load: 8 processes x 25 concurrent sends against the sandbox and a real Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

WORKER = Path(__file__).with_name("load_worker.py")
PROCESSES, THREADS = 8, 25


class Workers:
    """Worker processes sharing one store; each ``run`` is one round of concurrent sends."""

    def __init__(self, count: int, url: str) -> None:
        env = dict(os.environ, ALIYUN_SMS_LIMITS_URL=url)
        self.processes = [
            subprocess.Popen(
                [sys.executable, str(WORKER)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=env,
            )
            for _ in range(count)
        ]

    def _say(self, worker: subprocess.Popen[str], line: str) -> None:
        assert worker.stdin is not None
        worker.stdin.write(line + "\n")
        worker.stdin.flush()

    def _hear(self, worker: subprocess.Popen[str]) -> str:
        assert worker.stdout is not None
        line = worker.stdout.readline()
        assert line, f"worker exited with {worker.wait(timeout=10)}"
        return line.strip()

    def run(self, config: dict[str, Any], jobs: list[list[dict[str, Any]]]) -> Counter[str]:
        """Give each process its messages, wait until all are ready, let every thread go."""
        assert len(jobs) == len(self.processes)
        for worker, messages in zip(self.processes, jobs, strict=True):
            self._say(worker, json.dumps({"config": config, "messages": messages}))
        for worker in self.processes:
            assert self._hear(worker) == "ready"
        for worker in self.processes:
            self._say(worker, "go")
        total: Counter[str] = Counter()
        for worker in self.processes:
            report = json.loads(self._hear(worker))
            total.update(report["outcomes"])
            assert report["slowest_s"] < 10
        return total

    def close(self) -> None:
        for worker in self.processes:
            if worker.poll() is None:
                self._say(worker, "")
        for worker in self.processes:
            try:
                assert worker.wait(timeout=30) == 0
            finally:
                if worker.poll() is None:
                    worker.kill()


@pytest.fixture(scope="module")
def redis_workers(redis_server: Any) -> Iterator[Workers]:
    """8 processes counting in the session's redis-server."""
    workers = Workers(PROCESSES, redis_server.url)
    yield workers
    workers.close()


def message(to: str) -> dict[str, Any]:
    return {"to": to, "type": "SignIn", "payload": {"code": "123456"}}


def test_one_number_one_minute_one_message(
    aliyun_sms_sandbox: Any, redis_url: str, redis_workers: Workers
) -> None:
    sb = aliyun_sms_sandbox
    config = dict(sb.connector_config(), minSendIntervalSeconds=60)
    jobs = [[message("+852 6832 6366")] * THREADS for _ in range(PROCESSES)]
    outcomes = redis_workers.run(config, jobs)
    assert outcomes == {
        "sent": 1,
        "rate_limit_exceeded:minSendIntervalSeconds": PROCESSES * THREADS - 1,
    }
    assert len(sb.messages) == 1


def test_a_country_budget_holds_across_processes(
    aliyun_sms_sandbox: Any, redis_url: str, redis_workers: Workers
) -> None:
    sb = aliyun_sms_sandbox
    budget = 10
    config = dict(sb.connector_config(), maxMessagesPerCountryPerHour=budget)
    jobs = [[message(f"+852 6{p}{t:02d} 0000") for t in range(THREADS)] for p in range(PROCESSES)]
    outcomes = redis_workers.run(config, jobs)
    assert outcomes == {
        "sent": budget,
        "rate_limit_exceeded:maxMessagesPerCountryPerHour": PROCESSES * THREADS - budget,
    }
    assert len(sb.messages) == budget


def test_the_memory_store_counts_per_process(aliyun_sms_sandbox: Any) -> None:
    """Why Redis: with the default store each process lets its own message through."""
    sb = aliyun_sms_sandbox
    config = dict(sb.connector_config(), minSendIntervalSeconds=60)
    jobs = [[message("+852 6832 6300")] * 5 for _ in range(3)]
    workers = Workers(3, "memory://")
    try:
        outcomes = workers.run(config, jobs)
    finally:
        workers.close()
    assert outcomes["sent"] == 3
    assert len(sb.messages) == 3
