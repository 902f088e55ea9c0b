"""``aliyun-sms sandbox``: the sandbox distribution's server in the foreground (needs the extra)."""

from __future__ import annotations

import argparse
import importlib.util

from ._output import PROG, Output, UsageError
from ._sandbox_package import INSTALL_HINT, sandbox_module

NAME = "sandbox"
INSTALLED = importlib.util.find_spec("aliyun_sms_sandbox") is not None

if INSTALLED:
    _cli = sandbox_module("cli", f"{PROG} {NAME}")
    SUMMARY = "run the local Dysmsapi sandbox in the foreground"
    DESCRIPTION: str = _cli.DESCRIPTION
    EPILOG: str = _cli.EPILOG.replace("%(prog)s", f"{PROG} {NAME}")
else:
    SUMMARY = "run the local Dysmsapi sandbox (needs the `sandbox` extra)"
    DESCRIPTION = "Run the sandbox, a local Aliyun Dysmsapi server. It is not installed."
    EPILOG = f"install it with: {INSTALL_HINT}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The sandbox's own options, when it is installed (else their names, so that ``run`` can
    say which extra to install instead of refusing an option)."""
    if INSTALLED:
        _cli.add_arguments(parser)
        return
    for option in ("--host", "--port", "--seed"):
        parser.add_argument(option, help=argparse.SUPPRESS)
    parser.add_argument("--allow-host", action="append", help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)


def run(args: argparse.Namespace, out: Output) -> int:
    """Serve until Ctrl-C or SIGTERM."""
    sandbox_cli = sandbox_module("cli", f"{PROG} {NAME}")
    try:
        status: int = sandbox_cli.run(args, as_json=out.as_json)
    except sandbox_cli.StartError as exc:
        raise UsageError(
            f"the sandbox cannot start: {exc}",
            f"{PROG} {NAME}",
            hint="choose another --port (0 picks a free one), or fix the --seed file",
        ) from None
    return status
