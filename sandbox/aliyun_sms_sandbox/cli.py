"""``aliyun-sms-sandbox`` (also ``aliyun-sms sandbox``): run the sandbox in the foreground.

One log line per request; with ``--json`` the lines are JSON Lines: one object with the address
and credentials, then one per request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import warnings
from collections.abc import Sequence
from typing import Any, TextIO

PROG = "aliyun-sms-sandbox"
DEFAULT_PORT = 8787
EXIT_OK, EXIT_USAGE = 0, 2
DESCRIPTION = (
    "Run the sandbox, a local Aliyun Dysmsapi 2017-05-25 server, in the foreground until "
    "Ctrl-C: point a config's endpoint at it to send test messages without an Aliyun account, "
    "and watch them on its outbox page."
)
EPILOG = """\
example:
  %(prog)s --port 8787
  then, in a config: "endpoint": "http://127.0.0.1:8787"

output:
  The address, the sandbox's made-up credentials and a ready connector config,
  then one line per request (numbers masked). With --json: JSON Lines, one object
  for the address and credentials, then one per request.

exit codes:
  0  stopped by Ctrl-C or SIGTERM
  2  usage error, or the sandbox could not start (port in use, bad seed)"""


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free port) to 65535."""
    if text.isdigit() and int(text) < 65536:
        return int(text)
    raise argparse.ArgumentTypeError(f"a port is a number from 0 to 65535, not {text!r}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``aliyun-sms sandbox``."""
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1; 0.0.0.0 exposes the sandbox to other machines)",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests for this Host name (repeatable; '.example.com' takes its "
        "subdomains too; IP addresses and localhost are always answered)",
    )
    parser.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        help=f"port to bind (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--seed", metavar="FILE", help="JSON seed extending (or replacing) the default"
    )
    parser.add_argument(
        "--report-url",
        metavar="URL",
        help="push delivery receipts to this URL, as Aliyun's SmsReport does (e.g. your "
        "DeliveryReceiver's http://127.0.0.1:8000/aliyun-sms/receipts?token=...)",
    )
    parser.add_argument("--quiet", action="store_true", help="no per-request log lines")


def _masked_numbers(record: dict[str, Any]) -> list[str]:
    """The request's phone numbers, masked."""
    from .phones import mask

    params = record["params"]
    raw = params.get("PhoneNumbers") or params.get("PhoneNumber") or ""
    return [mask(n) for n in raw.split(",") if n]


def log_line(record: dict[str, Any], elapsed_ms: float) -> str:
    """``POST SendSms 138****5678 200 OK 1.2ms`` (numbers masked)."""
    numbers = _masked_numbers(record)
    phone = numbers[0] if numbers else "-"
    if len(numbers) > 1:
        phone += f" (+{len(numbers) - 1})"
    status = record["status"] if record["status"] is not None else "dropped"
    return (
        f"{record['method']} {record['action'] or '-'} {phone} {status} "
        f"{record['code'] or '-'} {elapsed_ms:.1f}ms"
    )


class StartError(Exception):
    """The sandbox could not start: the port is taken, the seed is unreadable or malformed."""


class _Console:
    """Lines (or JSON Lines) on the console; once the reader has gone (``| head``), the sandbox
    serves on silently instead of failing the requests it would have logged."""

    def __init__(self, stream: TextIO, as_json: bool) -> None:
        self.stream = stream
        self.as_json = as_json
        self.gone = False

    def say(self, text: str, obj: dict[str, Any]) -> None:
        if self.gone:
            return
        line = json.dumps(obj, ensure_ascii=False) if self.as_json else text
        try:
            print(line, file=self.stream, flush=True)
        except (OSError, ValueError):  # ValueError: the stream was closed
            self.gone = True
            if self.stream is sys.stdout is sys.__stdout__:
                _stdout_to_devnull()


def _stdout_to_devnull() -> None:
    """The reader has gone: send the rest to the null device, so the last flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:  # pragma: no cover - no /dev/null
        return
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def run(args: argparse.Namespace, out: TextIO | None = None, *, as_json: bool = False) -> int:
    """Serve until Ctrl-C or SIGTERM; returns the exit status.

    Raises StartError when the sandbox cannot start.
    """
    return asyncio.run(_serve(args, _Console(out or sys.stdout, as_json)))


def request_event(record: dict[str, Any], elapsed_ms: float) -> dict[str, Any]:
    """The ``--json`` line for one request (numbers masked)."""
    return {
        "method": record["method"],
        "action": record["action"],
        "phones": _masked_numbers(record),
        "status": record["status"],
        "code": record["code"],
        "ms": round(elapsed_ms, 1),
    }


async def _serve(args: argparse.Namespace, console: _Console) -> int:
    from .runner import AsyncSandbox

    def on_request(record: dict[str, Any], elapsed_ms: float) -> None:
        console.say(log_line(record, elapsed_ms), request_event(record, elapsed_ms))

    from .runner import SandboxExposedWarning

    try:
        sandbox = AsyncSandbox(
            args.host,
            args.port,
            args.seed,
            on_request=None if args.quiet else on_request,
            allowed_hosts=getattr(args, "allow_host", None) or (),
            report_url=getattr(args, "report_url", None) or None,
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SandboxExposedWarning)
            await sandbox.start()
    except (OSError, ValueError) as exc:
        raise StartError(str(exc)) from None
    for warning in caught:
        console.say(f"warning: {warning.message}", {"warning": str(warning.message)})
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    config = sandbox.connector_config()
    console.say(
        "\n".join(
            [
                "Aliyun SMS sandbox (Dysmsapi 2017-05-25) listening on "
                + ", ".join(sandbox.bound_urls),
                f"  endpoint:        {sandbox.endpoint}",
                f"  outbox page:     {sandbox.endpoint}/",
                f"  AccessKeyId:     {sandbox.access_key_id}",
                f"  AccessKeySecret: {sandbox.access_key_secret}  "
                "(made up by the sandbox: not a real credential)",
                f"  connector config: {json.dumps(config, ensure_ascii=False)}",
                f"  receipts pushed to: {_report_target(sandbox.report_url)}",
                "Ctrl-C stops.",
            ]
        ),
        {
            "ok": True,
            "listening": sandbox.bound_urls,
            "exposed": sandbox.exposed,
            "endpoint": sandbox.endpoint,
            "outbox": f"{sandbox.endpoint}/",
            "accessKeyId": sandbox.access_key_id,
            "accessKeySecret": sandbox.access_key_secret,
            "connectorConfig": config,
            "reportUrl": _report_target(sandbox.report_url) if sandbox.report_url else None,
        },
    )
    try:
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await sandbox.stop()
    console.say("sandbox stopped", {"ok": True, "stopped": True})
    return 0


def _report_target(url: str | None) -> str:
    """The report URL for the console, its query (the receiver's token) hidden."""
    if not url:
        return "nowhere (--report-url URL pushes them)"
    base, _, query = url.partition("?")
    return f"{base}?***" if query else base


def build_parser() -> argparse.ArgumentParser:
    """The ``aliyun-sms-sandbox`` argument parser."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    parser.add_argument("--json", action="store_true", help="JSON Lines on stdout")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``aliyun-sms-sandbox``; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return run(args, as_json=args.json)
    except StartError as exc:
        print(
            f"error: the sandbox cannot start: {exc} — choose another --port (0 picks a free "
            "one), or fix the --seed file or the --report-url",
            file=sys.stderr,
        )
        return EXIT_USAGE
