"""A ConnectorError as the CLI reports it: what happened, what to do, one line per problem."""

from __future__ import annotations

import math
import re

from ..aliyun_errors import hint as aliyun_hint
from ..kit import ConnectorError, ConnectorErrorCode
from ._output import PROG

# What to do, per Logto error code, when Aliyun's answer (if any) is not in the error table.
HINTS: dict[ConnectorErrorCode, str] = {
    ConnectorErrorCode.INVALID_CONFIG: (
        f"fix the config, then check it with `{PROG} validate CONFIG.json`"
    ),
    ConnectorErrorCode.RATE_LIMIT_EXCEEDED: (
        "wait, then try again: Aliyun (and the config's own limits, when set) limits how "
        "often one number gets messages"
    ),
    ConnectorErrorCode.USAGE_LIMIT_EXCEEDED: (
        "top up the account, or raise the daily/monthly sending limit in the Aliyun SMS console"
    ),
    ConnectorErrorCode.INVALID_REQUEST_PARAMETERS: (
        "check the phone number (one number, with its country code for numbers outside "
        "mainland China, e.g. +852 6123 4567) and the template variables"
    ),
    ConnectorErrorCode.GENERAL: (
        "check the network and the config's endpoint (or a proxy), then try again"
    ),
    ConnectorErrorCode.INVALID_RESPONSE: (
        "the endpoint did not answer like Aliyun Dysmsapi: check `endpoint` in the config "
        "(default dysmsapi.aliyuncs.com)"
    ),
}
_PATTERN = re.compile(r"does not match '\^.*$")


def describe(error: ConnectorError, command: str | None = None) -> tuple[str, str, list[str]]:
    """What happened, what to do, and one line per config problem, for a ConnectorError.

    ``command`` (``send``, ``usage``...) tailors the hint to the options that command has.
    """
    data = error.data or {}
    what = str(data.get("errorDescription") or data.get("message") or error.code.value)
    aliyun_code = data.get("Code")
    facts = []
    if isinstance(aliyun_code, str):
        facts.append(f"Aliyun {aliyun_code}")
    if data.get("RequestId"):
        facts.append(f"RequestId {data['RequestId']}")
    if data.get("httpStatus"):
        facts.append(f"HTTP {data['httpStatus']}")
    if facts:
        what += f" ({', '.join(facts)})"
    message = data.get("errorDescription")
    hint = (
        aliyun_hint(aliyun_code, message=message if isinstance(message, str) else None)
        if isinstance(aliyun_code, str)
        else None
    ) or HINTS.get(error.code, "see the error code in the docs (docs/en/errors.md)")
    if command == "send" and error.code == ConnectorErrorCode.INVALID_REQUEST_PARAMETERS:
        hint = hint.replace("the template variables", "the template variables (--payload)")
    retry_after = data.get("retryAfterMs")
    if error.code == ConnectorErrorCode.RATE_LIMIT_EXCEEDED and isinstance(retry_after, int):
        hint += f" (in {math.ceil(retry_after / 1000)} s)"
    if data.get("maybeSent"):
        hint += "; the message may have been sent already: check before sending again"
    problems = data.get("errors")
    details = []
    if isinstance(problems, list) and problems != [{"path": "(root)", "message": what}]:
        for problem in problems:
            if isinstance(problem, dict):
                message = _PATTERN.sub(
                    f"does not match the pattern in `{PROG} schema`", str(problem.get("message"))
                )
                details.append(f"{problem.get('path')}: {message}")
        count = len(details)
        what = f"the config has {count} problem{'' if count == 1 else 's'}"
    return what, hint, details
