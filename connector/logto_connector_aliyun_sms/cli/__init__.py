"""The ``aliyun-sms`` command line: inspect, validate and test the Aliyun SMS connector.

One module per command (its help texts, ``add_arguments`` and ``run``), listed in ``COMMANDS``;
what they share
(output, masking, exit codes) is in ``_output``. Also ``python -m logto_connector_aliyun_sms``.

Errors are one line on stderr, ``error: <code>: <what happened> — <what to do>`` (``validate``
adds one indented line per problem). With ``--json`` (before or after the subcommand) stdout
carries exactly one JSON object, ``{"ok": true, ...}`` or ``{"ok": false, "code", "message",
"hint", "exitCode", "data"}``, and stderr stays empty. The exit codes are ``_output.EXIT_CODES``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence

from . import console, demo, metadata, sandbox, schema, send, serve, status, usage, validate
from ._config_file import CREDENTIALS_HELP, ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET
from ._describe import describe
from ._output import (
    EXIT_CONNECTOR_ERROR,
    EXIT_INTERRUPTED,
    EXIT_INVALID_CONFIG,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_STDOUT_CLOSED,
    EXIT_USAGE,
    PROG,
    Failure,
    Output,
    OutputClosed,
    Parser,
    UsageError,
    exit_codes_help,
    silence_stdout,
    wrap,
)
from .metadata import resolve_lang

COMMANDS = (metadata, schema, validate, send, status, usage, demo, sandbox, console, serve)
"""The subcommands, in the order ``--help`` lists them."""

__all__ = [
    "COMMANDS",
    "ENV_ACCESS_KEY_ID",
    "ENV_ACCESS_KEY_SECRET",
    "EXIT_CONNECTOR_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_INVALID_CONFIG",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "EXIT_STDOUT_CLOSED",
    "EXIT_USAGE",
    "build_parser",
    "describe",
    "main",
    "resolve_lang",
]

_MAIN_EPILOG = f"""\
examples:
  {PROG} demo                                 try it all against a local sandbox
  {PROG} validate config.json                 check a config before pasting it into Logto
  {PROG} send --config config.json --to +8613800138000 --type SignIn
  {PROG} status --config config.json --to +8613800138000   was it delivered?
  {PROG} --json usage --config config.json --since 2026-01-01

output:
  Results go to stdout. An error is one line on stderr:
    error: <code>: <what happened> — <what to do>
  --json (before or after the subcommand) prints one JSON object on stdout instead:
    {{"ok": true, ...}} or
    {{"ok": false, "code": ..., "message": ..., "hint": ..., "exitCode": ..., "data": ...}}

{CREDENTIALS_HELP}

{exit_codes_help()}
"""


def _common() -> Parser:
    """Options accepted before and after the subcommand (defaults only on the main parser)."""
    common = Parser(add_help=False)
    common.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="machine-readable output: one JSON object on stdout, for results and errors",
    )
    common.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="log the connector's activity on stderr (phone numbers masked, never secrets)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """The ``aliyun-sms`` argument parser."""
    parser = Parser(
        prog=PROG,
        description=wrap(
            "Inspect, validate and test the Logto connector for Aliyun (Alibaba Cloud) Short "
            "Message Service: what an admin console and Logto's 'send a test message' button "
            "do, from the command line."
        ),
        epilog=_MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_common()],
    )
    parser.set_defaults(json=False, verbose=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = _common()  # the subcommands' copy: its actions must keep the SUPPRESS defaults
    for command in COMMANDS:
        subparser = sub.add_parser(
            command.NAME,
            help=command.SUMMARY,
            description=wrap(command.DESCRIPTION),
            epilog=command.EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            parents=[common],
        )
        command.add_arguments(subparser)
        subparser.set_defaults(run=command.run)
    return parser


_log_handler: logging.Handler | None = None


def _configure_logging(verbose: bool) -> None:
    """--verbose: the connector's log (masked numbers, never secrets) on this run's stderr."""
    global _log_handler
    package_logger = logging.getLogger("logto_connector_aliyun_sms")
    if _log_handler is not None:
        package_logger.removeHandler(_log_handler)
        package_logger.setLevel(logging.NOTSET)
        _log_handler = None
    if verbose:
        _log_handler = logging.StreamHandler(sys.stderr)
        _log_handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        package_logger.addHandler(_log_handler)
        package_logger.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``aliyun-sms`` with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    out = Output(as_json="--json" in argv[: argv.index("--")] if "--" in argv else "--json" in argv)
    out.add_secret(os.environ.get(ENV_ACCESS_KEY_SECRET))
    try:
        return _run(argv, out)
    except OutputClosed as closed:
        error = closed.error
        silence_stdout()
        if isinstance(error, BrokenPipeError):
            return EXIT_STDOUT_CLOSED  # the reader has all it wanted: nothing to report
        out.as_json = False  # stdout cannot carry the JSON error: say it on stderr
        return out.failure(
            "output_error",
            f"cannot write the output: {error.strerror or error}",
            "check where stdout goes (a full disk, a closed file)",
            EXIT_OUTPUT,
            None,
            [],
        )


def _run(argv: list[str], out: Output) -> int:
    command = None
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exit_:  # --help, --version
            return exit_.code if isinstance(exit_.code, int) else EXIT_OK
        command = args.command
        out.as_json = bool(args.json)
        _configure_logging(bool(args.verbose))
        run: Callable[[argparse.Namespace, Output], int] = args.run
        return run(args, out)
    except UsageError as exc:
        return out.failure("usage_error", str(exc), exc.hint, EXIT_USAGE, {"message": str(exc)}, [])
    except Failure as failure:
        what, hint, details = describe(failure.error, command)
        return out.failure(
            failure.error.code.value,
            what,
            failure.hint or hint,
            failure.exit_code,
            failure.error.data,
            details,
        )
    except KeyboardInterrupt:
        in_flight = command in ("send", "demo")
        return out.failure(
            "interrupted",
            "interrupted (Ctrl-C)",
            "the message may have been sent already: check before sending again"
            if in_flight
            else "nothing was changed; run the command again",
            EXIT_INTERRUPTED,
            {"maybeSent": in_flight},
            [],
        )
