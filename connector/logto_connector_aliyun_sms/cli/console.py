"""``aliyun-sms console``: a local page to fill in, check, test-send and save a config."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
from typing import Any

from ._connectors import add_connector_argument, chosen
from ._output import EXIT_OK, EXIT_USAGE, PROG, Output, UsageError, exit_codes_help, port_number
from ._sandbox_package import sandbox_module

NAME = "console"
SUMMARY = "serve a local page to fill in, test-send and save a config"
DESCRIPTION = (
    "Serve a local page that renders the connector's config form (in the browser's language, "
    "switchable), checks the config as you type, sends one test message with the config in "
    "the form, and saves it to CONFIG (mode 0600) once it is valid. The page listens on a "
    "loopback address only and has no login: anyone on this machine who can reach the port "
    "can use it."
)
EPILOG = (
    f"examples:\n  {PROG} console aliyun-sms.json\n  {PROG} console --sandbox demo.json\n\n"
    "output:\n  The page's address (with --json: one JSON object), then nothing until Ctrl-C.\n\n"
    + exit_codes_help(
        {
            EXIT_OK: "stopped by Ctrl-C or SIGTERM",
            EXIT_USAGE: "usage error: a host that is not loopback, a port in use, --sandbox "
            "without the sandbox",
        }
    )
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``console``."""
    parser.add_argument(
        "config", metavar="CONFIG", help="config file to edit (JSON; created on Save)"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="loopback address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=port_number, default=0, help="port to bind (default: 0, a free port)"
    )
    add_connector_argument(parser)
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="start the local sandbox in-process and send test messages there, not to Aliyun "
        "(a missing CONFIG starts with the sandbox's config; needs the `sandbox` extra)",
    )


def loopback_refusal(host: str) -> str | None:
    """Why ``host`` may not be bound, or None: only loopback addresses are."""
    if host == "localhost":
        return None
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(host.strip("[]")).is_loopback:
            return None
    return f"--host {host!r} is not a loopback address: the console has no login"


def run(args: argparse.Namespace, out: Output) -> int:
    """Serve until Ctrl-C or SIGTERM."""
    refusal = loopback_refusal(args.host)
    if refusal:
        raise UsageError(refusal, f"{PROG} {NAME}", hint="use 127.0.0.1, ::1 or localhost")
    from ..console.runner import serve

    sandbox = sandbox_module("", f"{PROG} {NAME} --sandbox").AsyncSandbox if args.sandbox else None

    def ready(running: Any) -> None:
        sandbox = running.console.sandbox_endpoint
        out.text(f"Console: {running.url}  (config file {running.console.store.path})")
        if sandbox:
            out.text(f"Sandbox: {sandbox}/  (test messages go here; its outbox page is at /)")
        out.text("Open the address in a browser; Ctrl-C stops the console.")
        out.result(
            {
                "url": running.url,
                "config": str(running.console.store.path),
                "sandbox": f"{sandbox}/" if sandbox else None,
            }
        )

    try:
        with contextlib.suppress(KeyboardInterrupt):
            serve(
                args.config,
                host=args.host,
                port=args.port,
                sandbox=sandbox,
                on_ready=ready,
                connector=chosen(args).id,
            )
    except (OSError, RuntimeError) as exc:
        raise UsageError(f"the console cannot start: {exc}", f"{PROG} {NAME}") from None
    return EXIT_OK
