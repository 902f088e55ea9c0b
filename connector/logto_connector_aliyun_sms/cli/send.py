"""``aliyun-sms send``: send one test SMS, as Logto's 'send a test message' button does."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..kit import ConnectorError, SendMessageData, TemplateType
from ._config_file import (
    CREDENTIALS_HELP,
    ENV_ACCESS_KEY_ID,
    ENV_ACCESS_KEY_SECRET,
    add_config_argument,
    checked_config,
    load_config,
)
from ._connectors import add_connector_argument, biz_id, chosen
from ._output import (
    EXIT_OK,
    PROG,
    Output,
    UsageError,
    connector_failure,
    exit_codes_help,
)

NAME = "send"
USAGE_TYPES = [t.value for t in TemplateType]


SUMMARY = "send one test SMS, as Logto's 'send a test message' button does"
DESCRIPTION = (
    "Send one SMS through the official Aliyun SDK, as Logto's 'send a test message' button "
    "does: send_message({to, type, payload: {code, locale: 'en'}}, config). Works with a "
    "real account or the sandbox (`aliyun-sms sandbox`). Prints Code, RequestId and BizId."
)
EPILOG = (
    f"examples:\n  {PROG} send --config config.json --to 13800138000\n"
    f"  {PROG} send --config config.json --to '+852 6123 4567' --type SignIn --code 123456\n"
    f"  {PROG} send --connector mas --config mas.json --to '+86 138 0013 8000'\n"
    f"  {ENV_ACCESS_KEY_ID}=... {ENV_ACCESS_KEY_SECRET}=... \\\n"
    f"    {PROG} send --config config-without-keys.json --to 13800138000\n\n"
    f"{CREDENTIALS_HELP}\n\n{exit_codes_help()}"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``send``."""
    add_config_argument(parser)
    add_connector_argument(parser)
    parser.add_argument(
        "--to",
        required=True,
        metavar="PHONE",
        help="the phone number: mainland numbers as 13800138000 or +86 138 0013 8000, others "
        "with their country code (+852 6123 4567)",
    )
    parser.add_argument(
        "--type",
        default=TemplateType.GENERIC.value,
        choices=USAGE_TYPES,
        metavar="TYPE",
        help="the usage type, which picks the template (default: %(default)s; one of "
        + ", ".join(USAGE_TYPES)
        + ")",
    )
    parser.add_argument(
        "--code", default="000000", help="the verification code to send (default: %(default)s)"
    )
    parser.add_argument(
        "--payload",
        metavar="JSON",
        help='more template variables as a JSON object, merged over {"code", "locale"}, '
        'e.g. \'{"product": "Acme"}\'',
    )


def _payload(args: argparse.Namespace) -> dict[str, Any]:
    payload: dict[str, Any] = {"code": args.code, "locale": "en"}
    if args.payload is not None:
        try:
            extra = json.loads(args.payload)
        except ValueError as exc:
            raise UsageError(f"--payload is not JSON: {exc}", f"{PROG} send") from None
        if not isinstance(extra, dict):
            raise UsageError(
                '--payload must be a JSON object, such as \'{"product": "Acme"}\'', f"{PROG} send"
            )
        payload.update(extra)
    return payload


def run(args: argparse.Namespace, out: Output) -> int:
    """Send one message with the file's config; print Aliyun's answer."""
    payload = _payload(args)
    connector = chosen(args)
    loaded = load_config(args.config, out, use_env=True)
    prepared = checked_config(loaded, use_env=True, prepare=connector.prepare)
    data: SendMessageData = {"to": args.to, "type": args.type, "payload": payload}
    try:
        result = connector.send(data, prepared.config)
    except ConnectorError as error:
        raise connector_failure(error) from None
    out.text(f"Sent: {args.type} message to {args.to}, accepted by {prepared.endpoint.url}")
    out.text(f"  Code       {result.get('Code')}")
    out.text(f"  RequestId  {result.get('RequestId')}")
    out.text(f"  BizId      {biz_id(result)}")
    if loaded.from_environment():
        out.text(f"  ({' and '.join(loaded.from_environment())} from the environment)")
    out.result(
        {
            "result": result,
            "to": args.to,
            "type": args.type,
            "endpoint": prepared.endpoint.url,
            "credentials": loaded.sources,
            "connector": connector.id,
        }
    )
    return EXIT_OK
