"""``aliyun-sms status``: what became of the messages to one number (QuerySendDetails)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from ..delivery import DeliveryReport, query_delivery
from ..delivery.codes import CodeMeaning, advice_line, explain
from ..delivery.query import question
from ..kit import ConnectorError, ConnectorErrorCode
from ..redact import mask_phone
from ._config_file import CREDENTIALS_HELP, add_config_argument, checked_config, load_config
from ._output import EXIT_OK, PROG, Output, UsageError, connector_failure, exit_codes_help
from .metadata import resolve_lang

NAME = "status"
SUMMARY = "show whether the messages to a number were delivered"
DESCRIPTION = (
    "Show what became of the messages sent to one number on one day (QuerySendDetails, as "
    "the connector's query_delivery does): delivered, failed with the carrier's code and what "
    "it means, or still waiting for a receipt. Aliyun keeps 30 days, in China time (UTC+8)."
)
EPILOG = (
    f"examples:\n  {PROG} status --config config.json --to 13800138000\n"
    f"  {PROG} status --config config.json --to 13800138000 --biz-id '900619746936498440^0'\n"
    f"  {PROG} --json status --config config.json --to '+852 6123 4567' --date 2026-01-31\n"
    f"  {PROG} status --config config.json --to 13800138000 --lang zh-CN\n\n"
    "Numbers are printed masked (138****8000); the message texts (they hold the codes) are "
    f"not printed.\n\n{CREDENTIALS_HELP}\n\n"
    + exit_codes_help(
        {
            0: "the reports were printed (none is not an error)",
            1: "connector error: the query failed",
            2: None,
            3: None,
            74: None,
            130: None,
            141: None,
        }
    )
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``status``."""
    add_config_argument(parser)
    parser.add_argument(
        "--to",
        required=True,
        metavar="PHONE",
        help="the phone number the messages went to (13800138000, +852 6123 4567)",
    )
    parser.add_argument(
        "--biz-id", metavar="BIZID", help="only the message with this BizId (send prints it)"
    )
    parser.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="the day the messages were sent (default: today in China time, UTC+8; the last "
        "30 days only)",
    )
    parser.add_argument(
        "--lang",
        metavar="TAG",
        default="en",
        help="the receipt codes' meanings and advice in this language: en, ja or zh-CN (ja-JP, "
        "zh-Hans and the like find theirs; another known language gets English); an unknown "
        "language tag is an error (exit 2)",
    )


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--date wants a date YYYY-MM-DD, not {text!r}", f"{PROG} status"
        ) from None


def _shown(report: DeliveryReport, language: str = "en") -> dict[str, Any]:
    """A report for the output: the number masked, the raw record (the text) left out; the
    code's meaning in ``language``."""
    meaning = explain(report["error_code"], language)
    return {
        "status": report["status"],
        "phone": mask_phone(report["phone"]),
        "bizId": report["biz_id"],
        "outId": report["out_id"],
        "errorCode": report["error_code"],
        "errorMessage": report["error_message"],
        "meaning": meaning.meaning if meaning else None,
        "tellTheUser": meaning.tell_the_user if meaning else None,
        "sentAt": report["sent_at"].isoformat() if report["sent_at"] else None,
        "reportedAt": report["reported_at"].isoformat() if report["reported_at"] else None,
        "templateCode": report["template_code"],
        "parts": report["parts"],
        "id": report["id"],
    }


def _line(shown: dict[str, Any], language: str = "en") -> list[str]:
    sent = (shown["sentAt"] or "?")[:19].replace("T", " ")
    reported = (shown["reportedAt"] or "")[11:19] or "no receipt yet"
    lines = [
        f"  {shown['status']:<9} {shown['errorCode'] or '-':<24} sent {sent}  "
        f"reported {reported}  {shown['templateCode'] or ''}".rstrip()
    ]
    if shown["outId"]:
        lines.append(f"            OutId {shown['outId']}")
    if shown["meaning"] and shown["status"] != "delivered":
        meaning = CodeMeaning(shown["meaning"], shown["tellTheUser"])
        lines.append(f"            {advice_line(meaning, language)}")
    return lines


def run(args: argparse.Namespace, out: Output) -> int:
    """Print the delivery reports of one number's messages on one day."""
    day = _day(args.date)
    language = resolve_lang(args.lang)
    loaded = load_config(args.config, out, use_env=True)
    prepared = checked_config(loaded, use_env=True)
    try:
        asked = question(prepared.config, args.to, args.biz_id, day)
    except ConnectorError as error:
        if error.code != ConnectorErrorCode.INVALID_REQUEST_PARAMETERS:
            raise connector_failure(error) from None
        message = (error.data or {}).get("message", str(error))
        raise UsageError(message, f"{PROG} status") from None
    try:
        reports = query_delivery(prepared.config, args.to, biz_id=args.biz_id, date=day)
    except ConnectorError as error:
        raise connector_failure(error) from None
    shown = [_shown(report, language) for report in reports]
    masked = mask_phone(asked.phone)
    when = f"{asked.day[:4]}-{asked.day[4:6]}-{asked.day[6:]}"
    count = f"{len(shown)} message{'' if len(shown) == 1 else 's'}"
    which = f" with BizId {args.biz_id}" if args.biz_id else ""
    out.text(f"{count}{which} to {masked} on {when} (China time, UTC+8), newest first:")
    for item in shown:
        for line in _line(item, language):
            out.text(line)
    if not shown:
        out.text("  none: check the number, the day (UTC+8) and the account that sent them")
    out.result({"phone": masked, "date": when, "bizId": args.biz_id, "reports": shown})
    return EXIT_OK
