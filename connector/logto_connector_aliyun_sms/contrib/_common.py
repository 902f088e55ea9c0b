"""What the framework adapters share: the config, the code rule, usage types and errors.

Sends through the connectors' public API only (``send_message`` of the SendSms connector, or of
``mas`` when ``ALIYUN_SMS_CONNECTOR`` names it), so an adapter behaves as any other caller would;
log lines mask numbers with the package's one rule (``redact.mask_phone``, on the parsed number,
so that one number has one mask however it was typed). The only place in contrib that imports
the connectors' input rules (``inputs``, ``config``, ``mas.send``); which connector and its
config: ``_site``.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple

import logto_connector_aliyun_sms as aliyun_sms

from ..cli._describe import describe
from ..config import prepare_config
from ..inputs.countries import check_country
from ..inputs.phone import parse_phone
from ..mas.send import mainland_phone
from ..redact import mask_phone
from ._site import (
    CONNECTOR_SETTING,
    CONNECTORS,
    MAS_ID,
    SETTING,
    SMS_ID,
    ConfigProblems,
    Connector,
    Site,
    config_warnings,
    connector_for,
    load_config,
    load_site,
)

logger = logging.getLogger("logto_connector_aliyun_sms.contrib")

__all__ = [
    "CONNECTORS",
    "CONNECTOR_SETTING",
    "MAS_ID",
    "SETTING",
    "SMS_ID",
    "ConfigProblems",
    "Connector",
    "Site",
    "config_warnings",
    "connector_for",
    "load_config",
    "load_site",
]

# What the end user reads (English source texts; contrib/locale holds their translations).
#: A send that may work a minute later (network trouble, Aliyun busy).
SEND_RETRY = "We could not send the code. Please try again in a minute."
#: Aliyun's flow control (or the connector's limits) refused: a code sent moments ago is valid.
RATE_LIMITED = (
    "Too many codes were requested for this number. "
    "Please wait a minute before asking for a new one."
)
#: The number was refused after the form (by Aliyun): the user can fix it.
NUMBER_REFUSED = (
    "We could not send a text message to this number. "
    "Check the number, or use another mobile number."
)
#: Not retryable and not the user's to fix (the site's config, balance, signature, template).
SERVICE_UNAVAILABLE = (
    "Text messages cannot be sent at the moment. Please contact the site's support."
)
#: A form's field error: the number cannot receive text messages (landline, no country code...).
NOT_A_MOBILE = (
    "This number cannot receive text messages. Enter a mobile number, with its country code "
    "if it is outside mainland China (for example +852 6123 4567)."
)
#: A form's field error: the number's country is not in ``allowedCountryCodes``.
COUNTRY_NOT_SERVED = "We cannot send text messages to numbers in this country or region."

# Aliyun verification-code variables: 4 to 6 letters or digits.
_CODE_RULE = re.compile(r"[A-Za-z0-9]{4,6}")
CODE_MIN, CODE_MAX = 4, 6

# The framework's reason for sending -> Logto usage type (else Generic).
USAGE_TYPES: dict[str, str] = {
    "signup": "Register",
    "login": "SignIn",
    "phone_change": "BindNewIdentifier",
    "mfa_login": "MfaVerification",
    "mfa_setup": "BindMfa",
    "reauthentication": "UserPermissionValidation",
}


def require(module: str, extra: str) -> None:
    """Import ``module`` or raise one ImportError naming the extra that installs it."""
    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"{module} is not installed; install it with "
            f"pip install '.[{extra}]' at the root of a clone of the repository "
            "(the README's Install)"
        ) from exc


def usage_type(reason: str) -> str:
    """The Logto usage type for the framework's ``reason`` (``Generic`` when unknown)."""
    return USAGE_TYPES.get(reason, aliyun_sms.TemplateType.GENERIC.value)


def check_code(code: str | None, hint: str) -> None:
    """Refuse, before any request, a code Aliyun's verification templates cannot hold."""
    if code is None:
        raise aliyun_sms.ConnectorError(
            aliyun_sms.ConnectorErrorCode.INVALID_REQUEST_PARAMETERS,
            {"message": "no code found in the framework's text", "hint": hint, "retryable": False},
        )
    if _CODE_RULE.fullmatch(code):
        return
    shape = "letters and digits" if code.isalnum() else "characters other than letters and digits"
    raise aliyun_sms.ConnectorError(
        aliyun_sms.ConnectorErrorCode.INVALID_REQUEST_PARAMETERS,
        {
            "message": (
                f"the verification code has {len(code)} characters with {shape}; Aliyun "
                f"verification templates take {CODE_MIN}-{CODE_MAX} letters or digits"
            ),
            "hint": hint,
            "retryable": False,
        },
    )


def message_data(phone: str, usage: str, payload: dict[str, Any]) -> aliyun_sms.SendMessageData:
    """Logto's SendMessageData for one number."""
    return {"to": phone, "type": usage, "payload": payload}


def masked(phone: str) -> str:
    """``phone`` for logs: one mask per number however it was typed (``138****8000``)."""
    try:
        return parse_phone(phone).masked
    except aliyun_sms.ConnectorError:
        return mask_phone(re.sub(r"[^0-9]", "", phone))


def number_problem(phone: str, site: Site) -> str | None:
    """Why ``phone`` cannot receive a code from the site's connector (an English source text,
    to be translated), or None: the connector's own number rules (for MAS, a mainland mobile),
    and ``allowedCountryCodes``."""
    if site.connector.is_mas:
        return _mas_number_problem(phone)
    prepared = prepare_config(site.config)
    try:
        number = parse_phone(
            phone, strict=bool(prepared.config.get("strictPhoneRegionNumberCheck"))
        )
    except aliyun_sms.ConnectorError:
        return NOT_A_MOBILE
    try:
        check_country(number, prepared.allowed)
    except aliyun_sms.ConnectorError:
        return COUNTRY_NOT_SERVED
    return None


def _mas_number_problem(phone: str) -> str | None:
    """MAS's own rule (``mas.send.mainland_phone``); a mobile elsewhere is a country not
    served, anything else not a mobile."""
    try:
        mainland_phone(phone)
    except aliyun_sms.ConnectorError:
        try:
            parse_phone(phone, strict=True)
        except aliyun_sms.ConnectorError:
            return NOT_A_MOBILE
        return COUNTRY_NOT_SERVED
    return None


class SmsNotSent(aliyun_sms.ConnectorError):
    """A framework's SMS was not sent: ``code`` and ``data`` are the connector's error's
    (``data["retryable"]``, ``data["maybeSent"]``, ``data["RequestId"]``...).

    Raised where no user can be told: outside a request (a management command, a shell).
    """

    @classmethod
    def of(cls, error: aliyun_sms.ConnectorError | ConfigProblems) -> SmsNotSent:
        """The same failure as a ``SmsNotSent``."""
        if isinstance(error, ConfigProblems):
            return cls(
                aliyun_sms.ConnectorErrorCode.INVALID_CONFIG,
                {"message": str(error), "retryable": False},
            )
        return cls(error.code, error.data)


def is_rate_limited(error: aliyun_sms.ConnectorError) -> bool:
    """Whether ``error`` is a per-interval throttle (flow control, the connector's limits)."""
    return error.code is aliyun_sms.ConnectorErrorCode.RATE_LIMIT_EXCEEDED


#: How a send ended, for the adapter to tell the user in the framework's way.
Outcome = Literal["sent", "rate_limited", "retry", "bad_number", "unavailable"]


def outcome_of(error: aliyun_sms.ConnectorError | ConfigProblems) -> Outcome:
    """What the user can do about ``error``: wait, retry, fix the number, or nothing."""
    if isinstance(error, ConfigProblems):
        return "unavailable"
    if is_rate_limited(error):
        return "rate_limited"
    data = error.data or {}
    if data.get("retryable"):
        return "retry"
    if error.code is aliyun_sms.ConnectorErrorCode.INVALID_REQUEST_PARAMETERS and (
        data.get("Code") in _NUMBER_CODES or data.get("field") == "to"
    ):
        return "bad_number"
    return "unavailable"


# Aliyun's codes for a number it refuses: SendSms's (isv.), then Dypnsapi's (MAS)
_NUMBER_CODES = {
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.BLACK_KEY_CONTROL_LIMIT",
    "MOBILE_NUMBER_ILLEGAL",
}

#: The end user's text (English source) for each failed outcome.
USER_TEXTS: dict[Outcome, str] = {
    "rate_limited": RATE_LIMITED,
    "retry": SEND_RETRY,
    "bad_number": NUMBER_REFUSED,
    "unavailable": SERVICE_UNAVAILABLE,
}


def log_failure(
    framework: str, error: aliyun_sms.ConnectorError | ConfigProblems, phone: str, usage: str
) -> None:
    """One log line for a send that failed: the number masked, the cause, RequestId, a hint."""
    if isinstance(error, ConfigProblems):
        logger.error("%s: SMS to %s (%s) not sent: %s", framework, masked(phone), usage, error)
        return
    data = error.data or {}
    what, hint, details = describe(error)
    level = logging.WARNING if is_rate_limited(error) else logging.ERROR
    logger.log(
        level,
        "%s: SMS to %s (%s) %s: %s: %s%s — %s",
        framework,
        masked(phone),
        usage,
        "may have been sent" if data.get("maybeSent") else "not sent",
        error.code.value,
        what,
        "".join(f"; {detail}" for detail in details),
        data.get("hint") or hint,
    )


def has_template(config: Mapping[str, Any], usage: str) -> bool:
    """Whether the (validated) config names a template for exactly this usage type."""
    return any(t.get("usageType") == usage for t in config.get("templates", []))


SiteSource = Callable[[], Site]


class Sent(NamedTuple):
    """How a send ended, and the error when it failed."""

    outcome: Outcome
    error: aliyun_sms.ConnectorError | ConfigProblems | None = None

    def raise_error(self) -> None:
        """Raise the failure as ``SmsNotSent`` (nothing when it was sent)."""
        if self.error is not None:
            raise SmsNotSent.of(self.error)


class Delivery(NamedTuple):
    """One message to send; ``code_hint`` makes ``payload["code"]`` subject to the code rule.

    ``send()``/``send_async()`` log failures (masked) and return how the send ended.
    """

    framework: str
    phone: str
    usage: str
    payload: dict[str, Any]
    site: SiteSource
    code_hint: str | None = None

    def _data(self) -> aliyun_sms.SendMessageData:
        if self.code_hint is not None:
            check_code(self.payload.get("code"), self.code_hint)
        return message_data(self.phone, self.usage, self.payload)

    def _failed(self, exc: aliyun_sms.ConnectorError | ConfigProblems) -> Sent:
        log_failure(self.framework, exc, self.phone, self.usage)
        return Sent(outcome_of(exc), exc)

    def send(self) -> Sent:
        """Send through the blocking API."""
        try:
            site = self.site()
            site.connector.send(self._data(), site.config)
        except (aliyun_sms.ConnectorError, ConfigProblems) as exc:
            return self._failed(exc)
        return Sent("sent")

    async def send_async(self) -> Sent:
        """Send through the asyncio API."""
        try:
            site = self.site()
            await site.connector.send_async(self._data(), site.config)
        except (aliyun_sms.ConnectorError, ConfigProblems) as exc:
            return self._failed(exc)
        return Sent("sent")
