"""The frameworks' test-send commands (``manage.py aliyun_sms_send``, ``flask aliyun-sms
send``): one SMS with the app's own ``ALIYUN_SMS``, told as ``aliyun-sms send`` tells it, with
its exit codes (``cli._output.EXIT_CODES``)."""

from __future__ import annotations

from typing import Any

import logto_connector_aliyun_sms as aliyun_sms

from ..cli._describe import describe
from ..cli._output import (
    EXIT_CONNECTOR_ERROR,
    EXIT_INVALID_CONFIG,
    EXIT_OK,
    Output,
    exit_codes_help,
)
from ._common import SETTING, ConfigProblems, load_config

#: The usage types ``--type`` takes.
USAGE_TYPES = [t.value for t in aliyun_sms.TemplateType]
DEFAULT_CODE = "000000"
HELP = f"Send one test SMS with the app's {SETTING} config; prints RequestId and BizId."
EPILOG = exit_codes_help({EXIT_OK: None, EXIT_CONNECTOR_ERROR: None, EXIT_INVALID_CONFIG: None})


def send_test(value: Any, to: str, usage: str, code: str = DEFAULT_CODE) -> int:
    """Send one message with the config ``value``; print the answer; return the exit code."""
    out = Output()
    try:
        config = load_config(value)
    except ConfigProblems as exc:
        count = len(exc.problems)
        return out.failure(
            aliyun_sms.ConnectorErrorCode.INVALID_CONFIG.value,
            f"{SETTING} has {count} problem{'' if count == 1 else 's'}",
            f"fix {SETTING} (nothing was sent)",
            EXIT_INVALID_CONFIG,
            None,
            [f"{path}: {message}" for path, message in exc.problems],
        )
    out.add_secret(config.get("accessKeySecret"))
    data: aliyun_sms.SendMessageData = {
        "to": to,
        "type": usage,
        "payload": {"code": code, "locale": "en"},
    }
    try:
        result = aliyun_sms.send_message(data, config)
    except aliyun_sms.ConnectorError as error:
        what, hint, details = describe(error, "send")
        return out.failure(error.code.value, what, hint, EXIT_CONNECTOR_ERROR, error.data, details)
    out.text(f"Sent: {usage} message to {to}")
    out.text(f"  Code       {result.get('Code')}")
    out.text(f"  RequestId  {result.get('RequestId')}")
    out.text(f"  BizId      {result.get('BizId')}")
    return EXIT_OK
