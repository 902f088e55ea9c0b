"""Which limits a config asks for, and the store checks one send makes.

A limit is a sliding window: at most ``max_count`` messages per ``window_ms`` for one subject
(a number, a client IP, a calling code). ``minSendIntervalSeconds`` is the window of one.
Store keys carry the AccessKey ID and a keyed hash of the number or IP, never the value itself.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NamedTuple

INTERVAL = "minSendIntervalSeconds"
PER_NUMBER_DAY = "maxMessagesPerNumberPerDay"
PER_IP_HOUR = "maxMessagesPerIpPerHour"
PER_COUNTRY_HOUR = "maxMessagesPerCountryPerHour"
FAIL_MODE = "limitsFailMode"
LIMIT_KEYS = (INTERVAL, PER_NUMBER_DAY, PER_IP_HOUR, PER_COUNTRY_HOUR)
"""The config keys that set a limit, in the order a send is checked against them."""

KEY_PREFIX = "aliyun-sms:lim1:"
"""Every store key starts with this (``reset_limits`` deletes exactly these)."""

_HOUR_MS = 3_600_000
_DAY_MS = 24 * _HOUR_MS
_HASH_CONTEXT = b"logto-connector-aliyun-sms limits v1"
_MAX_IP_TEXT = 100

# What a refusal says: the limit, never the subject, a count or who else is counted.
REFUSALS = {
    INTERVAL: "too soon after the previous message to this number",
    PER_NUMBER_DAY: "this number has had its messages for today",
    PER_IP_HOUR: "this client has had its messages for this hour",
    PER_COUNTRY_HOUR: "the messages for this country are used up for this hour",
}


class Rules(NamedTuple):
    """The limits of one config, with what its store keys are derived from."""

    account: str
    hash_key: bytes
    interval_ms: int
    per_number_day: int
    per_ip_hour: int
    per_country_hour: int
    fail_closed: bool

    @property
    def active(self) -> bool:
        """True when at least one limit is on."""
        return bool(
            self.interval_ms or self.per_number_day or self.per_ip_hour or self.per_country_hour
        )

    def __repr__(self) -> str:  # hash_key is derived from the secret: keep it out of logs
        return (
            f"Rules(account={self.account!r}, interval_ms={self.interval_ms}, "
            f"per_number_day={self.per_number_day}, per_ip_hour={self.per_ip_hour}, "
            f"per_country_hour={self.per_country_hour}, fail_closed={self.fail_closed})"
        )


class Check(NamedTuple):
    """One window a send must fit in: its config key, store key, length and capacity."""

    limit: str
    key: str
    window_ms: int
    max_count: int


def rules_from(config: Mapping[str, Any]) -> Rules:
    """The limits of a validated config (absent or 0: off)."""
    secret = str(config["accessKeySecret"]).encode("utf-8")
    return Rules(
        account=str(config["accessKeyId"]),
        hash_key=hmac.new(secret, _HASH_CONTEXT, hashlib.sha256).digest(),
        interval_ms=round(float(config.get(INTERVAL) or 0) * 1000),
        per_number_day=int(config.get(PER_NUMBER_DAY) or 0),
        per_ip_hour=int(config.get(PER_IP_HOUR) or 0),
        per_country_hour=int(config.get(PER_COUNTRY_HOUR) or 0),
        fail_closed=config.get(FAIL_MODE, "open") == "closed",
    )


def _digest(rules: Rules, kind: str, value: str) -> str:
    return hmac.digest(rules.hash_key, f"{kind}:{value}".encode(), "sha256")[:16].hex()


def _key(rules: Rules, kind: str, subject: str) -> str:
    # {account} is a Redis Cluster hash tag: one send's keys live in one slot, as Lua needs.
    return f"{KEY_PREFIX}{{{rules.account}}}:{kind}:{subject}"


def ip_subject(ip: Any) -> str | None:
    """What a client IP is counted as: IPv4 per address, IPv6 per /64; None when absent."""
    if not isinstance(ip, str) or not ip.strip():
        return None
    return _ip_subject(ip.strip()[:_MAX_IP_TEXT])


@lru_cache(maxsize=1024)  # a pumping run comes from few addresses, again and again
def _ip_subject(text: str) -> str:
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return text.lower()  # not an address: counted as written
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def checks_for(rules: Rules, number: str, calling_code: int, ip: Any) -> list[Check]:
    """The windows one send to ``number`` (from ``ip``) must fit in, in ``LIMIT_KEYS`` order."""
    checks: list[Check] = []
    number_key: str | None = None
    if rules.interval_ms or rules.per_number_day:
        number_key = _digest(rules, "n", number)
    if rules.interval_ms and number_key is not None:
        checks.append(Check(INTERVAL, _key(rules, "i", number_key), rules.interval_ms, 1))
    if rules.per_number_day and number_key is not None:
        key = _key(rules, "d", number_key)
        checks.append(Check(PER_NUMBER_DAY, key, _DAY_MS, rules.per_number_day))
    if rules.per_ip_hour:
        subject = ip_subject(ip)
        if subject is not None:
            key = _key(rules, "p", _digest(rules, "p", subject))
            checks.append(Check(PER_IP_HOUR, key, _HOUR_MS, rules.per_ip_hour))
    if rules.per_country_hour:
        key = _key(rules, "c", str(calling_code))  # a calling code names no one: kept readable
        checks.append(Check(PER_COUNTRY_HOUR, key, _HOUR_MS, rules.per_country_hour))
    return checks
