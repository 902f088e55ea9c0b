"""``aliyun-sms usage``: count the messages sent since a date (QuerySendStatistics)."""

from __future__ import annotations

import argparse
from datetime import date

from ..kit import ConnectorError
from ..usage import get_usage, usage_window
from ._config_file import CREDENTIALS_HELP, add_config_argument, checked_config, load_config
from ._output import EXIT_OK, PROG, Output, UsageError, connector_failure, exit_codes_help

NAME = "usage"
SUMMARY = "count the messages sent since a date"
DESCRIPTION = (
    "Count the messages the account sent since a date (QuerySendStatistics, mainland and "
    "international summed), as the connector's get_usage does. Aliyun counts whole days "
    "in China time (UTC+8)."
)
EPILOG = (
    f"examples:\n  {PROG} usage --config config.json\n"
    f"  {PROG} --json usage --config config.json --since 2026-01-01\n\n"
    f"{CREDENTIALS_HELP}\n\n{exit_codes_help()}"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``usage``."""
    add_config_argument(parser)
    parser.add_argument(
        "--since",
        metavar="YYYY-MM-DD",
        help="first day to count (default: the first day of this month, UTC+8)",
    )


def _dashed(day: str) -> str:
    """Aliyun's ``yyyyMMdd`` as ``yyyy-MM-dd``."""
    return f"{day[:4]}-{day[4:6]}-{day[6:]}"


def _since(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        since = date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--since wants a date YYYY-MM-DD, not {text!r}", f"{PROG} usage"
        ) from None
    _, today = usage_window(None)
    if since.strftime("%Y%m%d") > today:
        raise UsageError(
            f"--since {since} is in the future (today is {_dashed(today)} "
            "in China time, UTC+8, the days Aliyun counts in)",
            f"{PROG} usage",
            hint="give a day up to today",
        )
    return since


def run(args: argparse.Namespace, out: Output) -> int:
    """Print how many messages were sent in the window."""
    since = _since(args.since)
    loaded = load_config(args.config, out, use_env=True)
    prepared = checked_config(loaded, use_env=True)
    try:
        count = get_usage(prepared.config, since)
    except ConnectorError as error:
        raise connector_failure(error) from None
    start, end = usage_window(since)
    first, last = _dashed(start), _dashed(end)
    out.text(
        f"{count} message{'' if count == 1 else 's'} sent from {first} to {last} "
        "(days in UTC+8, mainland and international)"
    )
    out.result({"count": count, "since": first, "until": last})
    return EXIT_OK
