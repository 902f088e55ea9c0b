"""``aliyun-sms demo``: one real SendSms, through the official SDK, to the embedded sandbox.

Nothing leaves the machine: the sandbox is a local Dysmsapi server that checks the request's
signature, the signature name and the template as Aliyun does, and keeps an outbox.
"""

from __future__ import annotations

import argparse
import threading
from typing import Any

from ..delivery import query_delivery
from ..kit import ConnectorError, SendMessageData, TemplateType
from ._connectors import add_connector_argument, biz_id, chosen
from ._output import (
    EXIT_CONNECTOR_ERROR,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    Output,
    UsageError,
    connector_failure,
    exit_codes_help,
    port_number,
)
from ._sandbox_package import sandbox_module

NAME = "demo"


SUMMARY = "send a sample SMS to a local sandbox and show what the phone got"
DESCRIPTION = (
    "Start the embedded sandbox (a local Aliyun Dysmsapi server), send one real SendSms "
    "through the official Aliyun SDK with a sample config, and print the result, the text "
    "as the phone shows it, and the address of the sandbox's outbox page. Nothing leaves "
    "this machine; no Aliyun account is needed. Needs the `sandbox` extra."
)
EPILOG = (
    f"examples:\n  {PROG} demo\n  {PROG} demo --keep          "
    "then open the outbox page in a browser\n"
    f"  {PROG} demo --to '+852 6123 4567' --type Register --code 424242\n"
    f"  {PROG} demo --connector mas      "
    "the Message Authentication Service (SendSmsVerifyCode)\n\n"
    + exit_codes_help(
        {
            EXIT_OK: "the message was sent (and, with --keep, Ctrl-C stopped the sandbox)",
            EXIT_CONNECTOR_ERROR: "the send failed",
            EXIT_USAGE: "usage error, or the sandbox could not start or is not installed",
        }
    )
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``demo``."""
    parser.add_argument(
        "--to",
        default="+86 138 0013 8000",
        metavar="PHONE",
        help="phone number to send to (default: %(default)s)",
    )
    parser.add_argument(
        "--type",
        default=TemplateType.SIGN_IN.value,
        choices=[t.value for t in TemplateType],
        metavar="TYPE",
        help="usage type (default: %(default)s)",
    )
    parser.add_argument("--code", default="123456", help="code to send (default: %(default)s)")
    add_connector_argument(parser)
    parser.add_argument(
        "--port", type=port_number, default=0, help="sandbox port (default: 0, a free port)"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the sandbox running until Ctrl-C, so you can open the outbox page",
    )


def _message_for(messages: list[dict[str, Any]], biz_id: Any) -> dict[str, Any] | None:
    for message in messages:
        if message.get("BizId") == biz_id:
            return message
    return messages[0] if messages else None


def run(args: argparse.Namespace, out: Output) -> int:
    """Start the sandbox, send one message, print what the phone shows."""
    sandbox = sandbox_module("", f"{PROG} {NAME}").Sandbox(port=args.port)
    try:
        sandbox.start()
    except OSError as exc:
        raise UsageError(
            f"cannot start the sandbox on port {args.port}: {exc}", f"{PROG} {NAME}"
        ) from None
    try:
        return _send(args, out, sandbox)
    finally:
        sandbox.stop()


def _delivery(config: dict[str, Any], to: str, biz_id: Any) -> dict[str, Any] | None:
    """The sent message's delivery report, as ``query_delivery`` gives it (None if none)."""
    if not isinstance(biz_id, str):
        return None
    try:
        reports = query_delivery(config, to, biz_id=biz_id)
    except ConnectorError:
        return None
    if not reports:
        return None
    report = reports[0]
    reported = report["reported_at"]
    return {
        "status": report["status"],
        "errorCode": report["error_code"],
        "reportedAt": reported.isoformat() if reported else None,
    }


def _send(args: argparse.Namespace, out: Output, sandbox: Any) -> int:
    connector = chosen(args)
    config = connector.sandbox_config(sandbox)
    out.add_secret(config.get("accessKeySecret"))
    outbox = sandbox.endpoint.rstrip("/") + "/"
    api = "SendSmsVerifyCode (Dypnsapi)" if connector.is_mas else "SendSms (Dysmsapi)"
    out.text(f"Sandbox (a local Aliyun Dysmsapi and Dypnsapi) listening at {sandbox.endpoint}")
    out.text(
        f"Sending a {args.type} message with code {args.code} to {args.to} "
        f"through the official Aliyun SDK, {api}..."
    )
    data: SendMessageData = {
        "to": args.to,
        "type": args.type,
        "payload": {"code": args.code, "locale": "en"},
    }
    try:
        result = connector.send(data, config)
    except ConnectorError as error:
        raise connector_failure(error) from None
    message = _message_for(list(sandbox.messages), biz_id(result))
    phone_text = (message or {}).get("Content")
    out.text("")
    out.text("Result:")
    for key in ("Code", "Message", "RequestId"):
        out.text(f"  {key:<10} {result.get(key)}")
    out.text(f"  {'BizId':<10} {biz_id(result)}")
    out.text("")
    if message is not None:
        out.text(f"The phone {message.get('PhoneNumber')} shows:")
        out.text(f"  {phone_text}")
    else:
        out.text("The sandbox's outbox is empty (unexpected).")
    delivery = _delivery(config, args.to, result.get("BizId"))
    if delivery is not None:
        out.text("")
        out.text(
            f"Delivery status (QuerySendDetails): {delivery['status']}, "
            f"{delivery['errorCode'] or 'no receipt yet'}"
            + (f", reported {delivery['reportedAt']}" if delivery["reportedAt"] else "")
        )
        out.text(f"  ({PROG} status --to PHONE asks the same of a real account.)")
    out.text("")
    out.text(f"Outbox page: {outbox}")
    out.result(
        {
            "endpoint": sandbox.endpoint,
            "outbox": outbox,
            "result": result,
            "phoneText": phone_text,
            "message": message,
            "delivery": delivery,
            "kept": bool(args.keep),
            "connector": connector.id,
        }
    )
    if not args.keep:
        out.text(f"(The sandbox stops now; `{PROG} demo --keep` keeps the page open.)")
        return EXIT_OK
    try:  # the line is printed inside: a Ctrl-C right after it still ends normally
        out.text("The sandbox keeps running: open the page above. Press Ctrl-C to stop.")
        threading.Event().wait()
    except KeyboardInterrupt:
        out.text("\nStopped.")
    return EXIT_OK
