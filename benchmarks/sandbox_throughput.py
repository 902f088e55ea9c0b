"""How many signed SendSms requests a second the sandbox serves (latency model off).

The sandbox runs in a child process (``aliyun-sms sandbox --port 0 --quiet``), so it does not share
a GIL with the client. The client is a concurrent aiohttp session sending ACS3-signed SendSms
requests, each with its own nonce, to international numbers (no per-number flow control); all
requests are signed before the clock starts, because the official SDK is itself far slower than
the server it would be measuring. Every answer must be ``Code: OK``.

    .venv/bin/python benchmarks/sandbox_throughput.py [--requests 20000] [--concurrency 64]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import re
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from urllib.parse import urlencode

import aiohttp

from aliyun_sms_sandbox.signing import sign_acs3

TARGET = 1500  # requests per second the sandbox must sustain


def start_sandbox() -> tuple[subprocess.Popen[str], str, dict[str, str]]:
    """The sandbox in a child process; its endpoint and its default keys."""
    code = (
        "import sys; from aliyun_sms_sandbox.cli import main; "
        "sys.exit(main(['--port', '0', '--quiet']))"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    endpoint = ""
    config: dict[str, str] = {}
    for line in proc.stdout:
        if match := re.search(r"listening on (http://\S+)", line):
            endpoint = match[1]
        if "connector config: " in line:
            config = json.loads(line.split("connector config: ", 1)[1])
        if line.startswith("Ctrl-C"):
            break
    if not endpoint:
        raise RuntimeError("the sandbox did not start")
    return proc, endpoint, config


def presign(endpoint: str, config: dict[str, str], count: int) -> list[tuple[str, dict[str, str]]]:
    """``count`` distinct signed SendSms requests (URL and headers)."""
    host = endpoint.removeprefix("http://")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    empty = hashlib.sha256(b"").hexdigest()
    requests = []
    for i in range(count):
        query = [
            ("PhoneNumbers", f"8526{i % 10_000_000:07d}"),
            ("SignName", config["signName"]),
            ("TemplateCode", "SMS_900000101"),
            ("TemplateParam", json.dumps({"code": f"{i % 1_000_000:06d}"})),
        ]
        headers = {
            "host": host,
            "x-acs-action": "SendSms",
            "x-acs-version": "2017-05-25",
            "x-acs-date": stamp,
            "x-acs-signature-nonce": uuid.uuid4().hex,
            "x-acs-content-sha256": empty,
            "accept": "application/json",
        }
        headers["Authorization"] = sign_acs3(
            "POST", "/", query, headers, b"", config["accessKeyId"], config["accessKeySecret"]
        )
        requests.append((f"{endpoint}/?{urlencode(query)}", headers))
    return requests


async def drive(requests: list[tuple[str, dict[str, str]]], concurrency: int) -> tuple[float, int]:
    """Send them all with ``concurrency`` workers; seconds taken and the number of OK answers."""
    pending = iter(requests)
    ok = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, skip_auto_headers=["User-Agent"]) as http:

        async def worker() -> None:
            nonlocal ok
            for url, headers in pending:
                async with http.post(url, headers=headers) as response:
                    body = await response.read()
                ok += b'"Code": "OK"' in body

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    proc, endpoint, config = start_sandbox()
    try:
        asyncio.run(drive(presign(endpoint, config, 500), args.concurrency))  # warm up
        requests = presign(endpoint, config, args.requests)
        seconds, ok = asyncio.run(drive(requests, args.concurrency))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    rate = len(requests) / seconds
    print(
        f"sandbox: {len(requests)} signed SendSms in {seconds:.2f} s at concurrency "
        f"{args.concurrency}: {rate:,.0f} requests/s ({ok} OK; target {TARGET:,}/s)"
    )
    if ok != len(requests):
        print(f"error: {len(requests) - ok} answers were not OK", file=sys.stderr)
        return 1
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
