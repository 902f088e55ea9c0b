"""What the limits cost: per send (memory and Redis on loopback, against no limits), the async
throughput at concurrency 64 with the Redis store, and the memory store's bytes per number.

Run with `make bench` (or `.venv/bin/python benchmarks/limits.py [--quick]`). Starts its own
redis-server on a free loopback port (Debian's, /usr/bin/redis-server) and the sandbox in its own
process; prints one Markdown table. Every limited send counts in all four windows.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "limits"))
from redis_server import RedisServer, redis_server_path

from sandbox_process import SandboxProcess

RTT_MS = 20.0
LIMITS = {
    "minSendIntervalSeconds": 60,
    "maxMessagesPerNumberPerDay": 10,
    "maxMessagesPerIpPerHour": 10_000,
    "maxMessagesPerCountryPerHour": 100_000,
}
ACCESS = {"accessKeyId": "LTAI5tBenchKey", "accessKeySecret": "bench-secret"}
_numbers = itertools.count(10_000_000)


def _data() -> dict[str, Any]:
    """A new +852 number each time (the interval never refuses), from one client IP."""
    n = next(_numbers) % 100_000_000
    return {"to": f"852{n:08d}", "type": "SignIn", "payload": {"code": "1234"}, "ip": "192.0.2.9"}


def per_send(sb: SandboxProcess, redis_url: str, n: int) -> dict[str, Any]:
    """Median send_message with no limits, memory limits and Redis limits, interleaved."""
    sb.ask("latency", rtt_ms=0, handshake_ms=0)
    plain = sb.config
    limited = dict(plain, **LIMITS)
    memory, redis_store = limits.MemoryStore(), limits.store_from_url(redis_url)
    cases = {
        "no limits": (None, plain),
        "memory store": (memory, limited),
        "redis store (loopback)": (redis_store, limited),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for i in range(n + 50):
        for name, (store, config) in cases.items() if i % 2 else reversed(cases.items()):
            if store is not None:
                limits.limiter().store = store
            started = time.perf_counter()
            aliyun_sms.send_message(_data(), config)
            if i >= 50:  # the first 50 warm up
                times[name].append(time.perf_counter() - started)
    base = statistics.median(times["no limits"])
    rows = {}
    for name, values in times.items():
        median = statistics.median(values)
        rows[name] = {"median_ms": median * 1000, "added_us": (median - base) * 1e6}
        rows[name]["ratio"] = median / base
    rows.update(limiter_alone(memory, redis_store, limited, n))
    return rows


def limiter_alone(memory: Any, redis_store: Any, config: dict[str, Any], n: int) -> dict[str, Any]:
    """The limiter's own check-and-count, without the send."""
    rules = limits.rules_from(config)
    rows = {}
    for name, store in (("memory: reserve alone", memory), ("redis: reserve alone", redis_store)):
        limiter = limits.Limiter(store)
        values = []
        for _ in range(n):
            data = _data()
            started = time.perf_counter()
            limiter.reserve(rules, data["to"], 852, data["ip"])
            values.append(time.perf_counter() - started)
        rows[name] = {"median_ms": statistics.median(values) * 1000}
    return rows


def throughput(sb: SandboxProcess, redis_url: str, total: int) -> dict[str, Any]:
    """Async sends per second at concurrency 64 (RTT 20 ms), without and with Redis limits."""
    sb.ask("latency", rtt_ms=RTT_MS, handshake_ms=2 * RTT_MS)
    rows = {}
    for name, config in (("no limits", sb.config), ("redis store", dict(sb.config, **LIMITS))):
        aliyun_sms.configure_limits(redis_url)

        async def run(config: dict[str, Any] = config) -> float:
            queue = iter(range(total))

            async def worker() -> None:
                for _ in queue:
                    await aliyun_sms.send_message_async(_data(), config)

            await aliyun_sms.send_message_async(_data(), config)  # warm: SDK, pools, script
            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(64)))
            return time.perf_counter() - started

        rows[name] = {"sends_per_s": total / asyncio.run(run())}
    return rows


def memory_per_number(numbers: int) -> dict[str, float]:
    """Bytes the memory store holds per tracked number (tracemalloc), all four limits on, a day
    after its first send: client IPs shared by many numbers, and an IP of each number's own."""
    rules = limits.rules_from({**ACCESS, **LIMITS, "maxMessagesPerIpPerHour": 10**6})
    rows = {}
    for name, own_ip in (("IPs shared by many numbers", False), ("an IP per number", True)):
        clock = [1_700_000_000.0]
        limiter = limits.Limiter(limits.MemoryStore(), clock=lambda clock=clock: clock[0])
        limiter.reserve(rules, "85200000000", 852, "192.0.2.1")
        clock[0] += 86_400
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for n in range(numbers):
            ip = f"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}" if own_ip else f"192.0.2.{n % 200}"
            limiter.reserve(rules, f"8526{n:07d}", 852, ip)
            clock[0] += 0.001
        rows[name] = (tracemalloc.get_traced_memory()[0] - before) / numbers
        tracemalloc.stop()
    return rows


def table(per: dict[str, Any], rate: dict[str, Any], total: int, memory: dict[str, float]) -> str:
    lines = [
        "| Limits (all four on) | Median per send | Added per send | Ratio to no limits |",
        "|---|---|---|---|",
    ]
    for name, row in per.items():
        added = f"{row['added_us']:+.0f} µs" if "added_us" in row else ""
        ratio = f"{row['ratio']:.3f}" if "ratio" in row else ""
        lines.append(f"| {name} | {row['median_ms']:.3f} ms | {added} | {ratio} |")
    lines += ["", f"| Async, concurrency 64, RTT {RTT_MS:.0f} ms, {total} sends | Sends/s |"]
    lines.append("|---|---|")
    for name, row in rate.items():
        lines.append(f"| {name} | {row['sends_per_s']:.0f} |")
    met = rate["redis store"]["sends_per_s"] >= 1000
    lines.append(f"\nTarget: >= 1000 sends/s with the Redis store: {'met' if met else 'NOT met'}")
    lines += ["", "| Memory store, all four limits on, 30,000 numbers | Bytes per number |"]
    lines.append("|---|---|")
    for name, value in memory.items():
        lines.append(f"| {name} | {value:.0f} |")
    small = max(memory.values()) <= 400
    lines.append(f"\nTarget: <= 400 bytes per number: {'met' if small else 'NOT met'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sends (a smoke run)")
    args = parser.parse_args(argv)
    executable = redis_server_path()
    if executable is None:
        print("redis-server is not installed (apt-get install redis-server)", file=sys.stderr)
        return 1
    n, total = (200, 1000) if args.quick else (1000, 3000)
    with RedisServer(executable) as server:
        sb = SandboxProcess()
        try:
            aliyun_sms.configure_limits("memory://")
            per = per_send(sb, server.url, n)
            rate = throughput(sb, server.url, total)
        finally:
            sb.close()
            aliyun_sms.configure_limits()
    print(table(per, rate, total, memory_per_number(30_000)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
