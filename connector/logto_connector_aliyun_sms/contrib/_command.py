"""The frameworks' test-send commands (``manage.py aliyun_sms_send``, ``flask aliyun-sms
send``): one SMS with the app's own ``ALIYUN_SMS``, through the connector
``ALIYUN_SMS_CONNECTOR`` names, told as ``aliyun-sms send`` tells it, with its exit codes
(``cli._output.EXIT_CODES``)."""

from __future__ import annotations

from typing import Any

import logto_connector_aliyun_sms as aliyun_sms

from ..cli._connectors import biz_id
from ..cli._describe import describe
from ..cli._output import (
    EXIT_CONNECTOR_ERROR,
    EXIT_INVALID_CONFIG,
    EXIT_OK,
    Output,
    exit_codes_help,
)
from ._common import CONNECTOR_SETTING, SETTING, ConfigProblems, load_site

#: The usage types ``--type`` takes.
USAGE_TYPES = [t.value for t in aliyun_sms.TemplateType]
DEFAULT_CODE = "000000"
HELP = (
    f"Send one test SMS with the app's {SETTING} config (through the connector "
    f"{CONNECTOR_SETTING} names); prints RequestId and BizId."
)
EPILOG = exit_codes_help({EXIT_OK: None, EXIT_CONNECTOR_ERROR: None, EXIT_INVALID_CONFIG: None})


def send_test(
    value: Any, to: str, usage: str, code: str = DEFAULT_CODE, connector: Any = None
) -> int:
    """Send one message with the config ``value`` through the connector whose Logto id is
    ``connector`` (SendSms when None); print the answer; return the exit code."""
    out = Output()
    try:
        site = load_site(value, connector)
    except ConfigProblems as exc:
        count = len(exc.problems)
        names = " and ".join(
            sorted({path.partition(".")[0].partition(" ")[0] for path, _ in exc.problems})
        )
        return out.failure(
            aliyun_sms.ConnectorErrorCode.INVALID_CONFIG.value,
            f"{names} {'has' if ' and ' not in names else 'have'} "
            f"{count} problem{'' if count == 1 else 's'}",
            f"fix {names} (nothing was sent)",
            EXIT_INVALID_CONFIG,
            None,
            [f"{path}: {message}" for path, message in exc.problems],
        )
    config = site.config
    out.add_secret(config.get("accessKeySecret"))
    data: aliyun_sms.SendMessageData = {
        "to": to,
        "type": usage,
        "payload": {"code": code, "locale": "en"},
    }
    try:
        result = site.connector.send(data, config)
    except aliyun_sms.ConnectorError as error:
        what, hint, details = describe(error, "send")
        return out.failure(error.code.value, what, hint, EXIT_CONNECTOR_ERROR, error.data, details)
    out.text(f"Sent: {usage} message to {to}")
    out.text(f"  Code       {result.get('Code')}")
    out.text(f"  RequestId  {result.get('RequestId')}")
    out.text(f"  BizId      {biz_id(dict(result))}")
    return EXIT_OK
