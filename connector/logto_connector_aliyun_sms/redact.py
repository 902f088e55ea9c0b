"""Every mask the connector applies: phone numbers, secrets, codes, and the SDK's debug log.

One rule per kind of value, so that a log line, an error, a repr and the CLI hide the same way.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote_plus

MASK = "***"
MIN_SECRET_LENGTH = 4
"""Shorter values are not masked inside text: they would garble every line they occur in."""

_MAINLAND_MOBILE = re.compile(r"(?:86|0086)?(1[0-9]{10})")


def mask_phone(number: str) -> str:
    """A phone number for logs: ``138****5678`` (3 + 4 digits kept from 11 digits on, 2 + 3
    from 7 on, nothing below); a mainland mobile is masked on its national number."""
    digits = number.lstrip("+")
    mainland = _MAINLAND_MOBILE.fullmatch(digits)
    if mainland:
        digits = mainland.group(1)
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) >= 7:
        return digits[:2] + "****" + digits[-3:]
    return "****"


def scrub(value: Any, secrets: Iterable[str]) -> Any:
    """``value`` with every secret replaced by ``***`` in every string inside it (keys too)."""
    ordered = sorted({s for s in secrets if s}, key=len, reverse=True)
    return _scrub(value, ordered) if ordered else value


def _scrub(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, MASK)
        return value
    if isinstance(value, dict):
        return {_scrub(k, secrets): _scrub(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(item, secrets) for item in value]
    return value


_QUERY = re.compile(r"\?[^\s'\")]*")


def without_query(text: str, limit: int = 300) -> str:
    """A transport message without request URLs' query strings (they hold the phone number)."""
    return _QUERY.sub("?...", text)[:limit]


_PHONE_PARAM = re.compile(r"(PhoneNumbers?=)([^&\s]*)")
_TEMPLATE_PARAM = re.compile(r"(TemplateParam=)[^&\s]*")
_AUTHORIZATION = re.compile(r"(?im)^([<>] (?:authorization|x-acs-security-token) : ).*$")


class SdkDebugRedactor(logging.Filter):
    """Masks phone numbers, the verification code and signatures in the SDK's debug logs.

    With ``DEBUG=sdk`` the SDK logs each request line and its headers on ``darabonba-core``, and
    urllib3 logs each request URL at DEBUG: they hold the full phone number, TemplateParam (the
    code) and the request's signature. This filter masks all three before any handler sees the
    record. (No secret is in them.)
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg, record.args = record.getMessage(), ()
        if isinstance(record.msg, str):
            text = _PHONE_PARAM.sub(
                lambda m: m.group(1) + mask_phone(unquote_plus(m.group(2))), record.msg
            )
            text = _TEMPLATE_PARAM.sub(r"\1" + MASK, text)
            record.msg = _AUTHORIZATION.sub(lambda m: m.group(1) + MASK, text)
        return True


_redactor = SdkDebugRedactor()
SDK_LOGGERS = ("darabonba-core", "urllib3.connectionpool")
"""The SDK's ``DEBUG=sdk`` logger, and urllib3's, whose DEBUG line holds the request URL."""


def guard_sdk_debug_log() -> None:
    """Install the redactor on the SDK's loggers (once)."""
    for name in SDK_LOGGERS:
        sdk_logger = logging.getLogger(name)
        if _redactor not in sdk_logger.filters:
            sdk_logger.addFilter(_redactor)
