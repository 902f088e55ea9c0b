"""Money guards applied before any request: a country allow-list and a per-number interval.

Both are a first line against SMS pumping and runaway loops, not a fraud system.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from .kit import ConnectorError, ConnectorErrorCode
from .phone import PhoneNumber


def allowed_countries(codes: list[str] | None) -> frozenset[str] | None:
    """The allow-list as a set of calling codes ("86") and upper-case regions ("CN")."""
    if not codes:
        return None
    return frozenset(code.lstrip("+").upper() for code in codes)


def check_country(phone: PhoneNumber, allowed: frozenset[str] | None) -> None:
    """Refuse a number whose country is not in ``allowedCountryCodes``."""
    if allowed is None:
        return
    if str(phone.calling_code) in allowed or (phone.region or "") in allowed:
        return
    raise ConnectorError(
        ConnectorErrorCode.INVALID_REQUEST_PARAMETERS,
        {
            "message": f"numbers with calling code +{phone.calling_code} are not in "
            "allowedCountryCodes",
            "retryable": False,
        },
    )


class IntervalGuard:
    """Remembers when each number last got a message, in this process (bounded memory)."""

    def __init__(self, max_numbers: int = 100_000) -> None:
        self._last: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_numbers

    def reserve(self, account: str, number: str, interval_s: float) -> None:
        """Claim a send to ``number`` now, or raise RATE_LIMIT_EXCEEDED if it is too soon."""
        if interval_s <= 0:
            return
        now = time.monotonic()
        key = (account, number)
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < interval_s:
                wait = interval_s - (now - last)
                raise ConnectorError(
                    ConnectorErrorCode.RATE_LIMIT_EXCEEDED,
                    {
                        "message": "minSendIntervalSeconds: this number got a message "
                        f"{now - last:.1f} s ago; try again in {wait:.1f} s",
                        "retryable": True,
                        "retryAfterMs": int(wait * 1000) + 1,
                    },
                )
            self._last[key] = now
            self._last.move_to_end(key)
            while len(self._last) > self._max:
                self._last.popitem(last=False)

    def release(self, account: str, number: str) -> None:
        """Forget a reservation whose message surely was not sent."""
        with self._lock:
            self._last.pop((account, number), None)


interval_guard = IntervalGuard()
