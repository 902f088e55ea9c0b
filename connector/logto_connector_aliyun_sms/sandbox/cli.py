"""``aliyun-sms sandbox``: run the sandbox in the foreground, one log line per request."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from typing import Any, TextIO

DEFAULT_PORT = 8787


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``aliyun-sms sandbox``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"port to bind (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--seed", metavar="FILE", help="JSON seed extending (or replacing) the default"
    )
    parser.add_argument("--quiet", action="store_true", help="no per-request log lines")


def _port(text: str) -> int:
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0-65535, not {port}")
    return port


def log_line(record: dict[str, Any], elapsed_ms: float) -> str:
    """``POST SendSms 138****5678 200 OK 1.2ms`` (numbers masked)."""
    from .phones import mask

    params = record["params"]
    raw = params.get("PhoneNumbers") or params.get("PhoneNumber") or ""
    numbers = [n for n in raw.split(",") if n]
    phone = mask(numbers[0]) if numbers else "-"
    if len(numbers) > 1:
        phone += f" (+{len(numbers) - 1})"
    status = record["status"] if record["status"] is not None else "dropped"
    return (
        f"{record['method']} {record['action'] or '-'} {phone} {status} "
        f"{record['code'] or '-'} {elapsed_ms:.1f}ms"
    )


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Serve until Ctrl-C or SIGTERM; returns the exit status."""
    stream = out or sys.stdout
    try:
        return asyncio.run(_serve(args, stream))
    except (OSError, ValueError) as exc:
        print(f"aliyun-sms sandbox: {exc}", file=sys.stderr)
        return 1


async def _serve(args: argparse.Namespace, out: TextIO) -> int:
    from .runner import AsyncSandbox

    def on_request(record: dict[str, Any], elapsed_ms: float) -> None:
        print(log_line(record, elapsed_ms), file=out, flush=True)

    sandbox = AsyncSandbox(
        args.host, args.port, args.seed, on_request=None if args.quiet else on_request
    )
    await sandbox.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    print(f"Aliyun SMS sandbox (Dysmsapi 2017-05-25) listening on {sandbox.endpoint}", file=out)
    print(f"  outbox page:     {sandbox.endpoint}/", file=out)
    print(f"  AccessKeyId:     {sandbox.access_key_id}", file=out)
    print(
        f"  AccessKeySecret: {sandbox.access_key_secret}  "
        "(made up by the sandbox: not a real credential)",
        file=out,
    )
    print(
        f"  connector config: {json.dumps(sandbox.connector_config(), ensure_ascii=False)}",
        file=out,
    )
    print("Ctrl-C stops.", file=out, flush=True)
    try:
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await sandbox.stop()
    print("sandbox stopped", file=out, flush=True)
    return 0
