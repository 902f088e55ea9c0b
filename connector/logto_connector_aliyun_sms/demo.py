"""``aliyun-sms demo``: one real SendSms, through the official SDK, to the embedded sandbox.

Nothing leaves the machine: the sandbox is a local Dysmsapi server that checks the request's
signature, the signature name and the template as Aliyun does, and keeps an outbox.
"""

from __future__ import annotations

import argparse
import threading
from typing import TYPE_CHECKING, Any

from .kit import ConnectorError

if TYPE_CHECKING:
    from .cli import Output


def _message_for(messages: list[dict[str, Any]], biz_id: Any) -> dict[str, Any] | None:
    for message in messages:
        if message.get("BizId") == biz_id:
            return message
    return messages[0] if messages else None


def run_demo(args: argparse.Namespace, out: Output) -> int:
    """Start the sandbox, send one message, print what the phone shows; see ``aliyun-sms demo``."""
    from .cli import EXIT_CONNECTOR_ERROR, EXIT_OK, Failure, UsageError
    from .send import send_message

    try:
        from .sandbox import Sandbox
    except ImportError as exc:
        raise UsageError(f"the sandbox is not available: {exc}", "aliyun-sms demo") from None

    sb = Sandbox(port=args.port)
    try:
        sb.start()
    except OSError as exc:
        raise UsageError(
            f"cannot start the sandbox on port {args.port}: {exc}", "aliyun-sms demo"
        ) from None
    try:
        config = sb.connector_config()
        out.add_secret(config.get("accessKeySecret"))
        outbox = sb.endpoint.rstrip("/") + "/"
        out.text(f"Sandbox (a local Aliyun Dysmsapi) listening at {sb.endpoint}")
        out.text(
            f"Sending a {args.type} message with code {args.code} to {args.to} "
            f"through the official Aliyun SDK..."
        )
        data = {"to": args.to, "type": args.type, "payload": {"code": args.code, "locale": "en"}}
        try:
            result = send_message(data, config)
        except ConnectorError as error:
            raise Failure(error, EXIT_CONNECTOR_ERROR) from None
        message = _message_for(list(sb.messages), result.get("BizId"))
        phone_text = (message or {}).get("Content")
        out.text("")
        out.text("Result:")
        for key in ("Code", "Message", "RequestId", "BizId"):
            out.text(f"  {key:<10} {result.get(key)}")
        out.text("")
        if message is not None:
            out.text(f"The phone {message.get('PhoneNumber')} shows:")
            out.text(f"  {phone_text}")
        else:
            out.text("The sandbox's outbox is empty (unexpected).")
        out.text("")
        out.text(f"Outbox page: {outbox}")
        out.result(
            {
                "endpoint": sb.endpoint,
                "outbox": outbox,
                "result": result,
                "phoneText": phone_text,
                "message": message,
                "kept": bool(args.keep),
            }
        )
        if not args.keep:
            out.text("(The sandbox stops now; `aliyun-sms demo --keep` keeps the page open.)")
        if args.keep:
            try:  # the line is printed inside: a Ctrl-C right after it still ends normally
                out.text("The sandbox keeps running: open the page above. Press Ctrl-C to stop.")
                threading.Event().wait()
            except KeyboardInterrupt:
                out.text("\nStopped.")
        return EXIT_OK
    finally:
        sb.stop()
