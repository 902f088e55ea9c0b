"""Requests a second through the relay, as a ratio to direct ``send_message_async``.

The sandbox runs in its own process (``sandbox_process``), the relay in another
(``aliyun-sms --json serve``, one worker, memory claims): the client posts Logto's HTTP SMS
request to ``/v1/logto`` at concurrency 64, each with its own number and code (the relay would
answer a repeat without sending), to international numbers (no per-number flow control). The
direct row sends the same data with ``send_message_async`` from one process at the same
concurrency. Every answer must be a sent message.

    .venv/bin/python benchmarks/relay.py [--requests 3000] [--concurrency 64]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sandbox_process import SandboxProcess

TOKEN = "Bearer relay-benchmark-token"


def _data(i: int) -> dict[str, Any]:
    return {
        "to": f"+8526{i % 10_000_000:07d}",
        "type": "SignIn",
        "payload": {"code": f"{i % 1_000_000:06d}", "locale": "en"},
    }


async def _run(count: int, concurrency: int, one: Callable[[int], Awaitable[None]]) -> float:
    """Requests a second of ``count`` calls of ``one(i)``, ``concurrency`` at a time."""
    queue = iter(range(count))

    async def worker() -> None:
        for i in queue:
            await one(i)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / (time.perf_counter() - started)


async def direct(config: dict[str, Any], count: int, concurrency: int, offset: int) -> float:
    """``send_message_async`` in this process."""
    from logto_connector_aliyun_sms import send_message_async, warm_up

    warm_up()

    async def one(i: int) -> None:
        result = await send_message_async(_data(offset + i), config)  # type: ignore[arg-type]
        assert result["Code"] == "OK"

    await _run(concurrency, concurrency, one)  # connections opened before the clock starts
    return await _run(count, concurrency, one)


async def relayed(url: str, count: int, concurrency: int, offset: int) -> float:
    """Logto's HTTP SMS request to the relay, over keep-alive connections."""
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(i: int) -> None:
            async with session.post(
                f"{url}/v1/logto", json=_data(offset + i), headers={"Authorization": TOKEN}
            ) as answer:
                body = await answer.json()
                assert answer.status == 200, body
                assert body["Code"] == "OK", body

        await _run(concurrency, concurrency, one)
        return await _run(count, concurrency, one)


def start_relay(config: dict[str, Any], folder: str) -> tuple[subprocess.Popen[str], str]:
    path = Path(folder) / "relay.json"
    path.write_text(
        json.dumps({"connector": config, "routes": {"logto": {"authorization": TOKEN}}})
    )
    env = {**os.environ, "ALIYUN_SMS_LIMITS_URL": "memory://"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "logto_connector_aliyun_sms",
            "--json",
            "serve",
            str(path),
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the access log
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError("the relay did not start")
    return proc, json.loads(line)["url"]


def table(direct_rps: float, relay_rps: float, count: int, concurrency: int) -> str:
    return "\n".join(
        [
            f"| path (concurrency {concurrency}, {count} sends) | sends/s | ratio |",
            "|---|---:|---:|",
            f"| `send_message_async`, direct | {direct_rps:,.0f} | 1.00 |",
            f"| relay `/v1/logto` (1 worker) | {relay_rps:,.0f} | {relay_rps / direct_rps:.2f} |",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args(argv)
    with SandboxProcess() as sandbox, tempfile.TemporaryDirectory() as folder:
        config = sandbox.config
        direct_rps = asyncio.run(direct(config, args.requests, args.concurrency, 0))
        proc, url = start_relay(config, folder)
        try:
            relay_rps = asyncio.run(relayed(url, args.requests, args.concurrency, 5_000_000))
        finally:
            proc.terminate()
            proc.wait(30)
        sent = sandbox.ask("count")["messages"]
    print(table(direct_rps, relay_rps, args.requests, args.concurrency))
    expected = 2 * (args.requests + args.concurrency)
    if sent < min(expected, 1000):  # the outbox keeps the newest messages only
        print(f"only {sent} messages reached the sandbox", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
