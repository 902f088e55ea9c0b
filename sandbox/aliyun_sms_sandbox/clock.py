"""An injectable clock: real time by default, or frozen and stepped by a test.

The clock is the service's business time (flow-control windows, quotas, send dates). The check of
a request's signed timestamp reads real time instead, shifted only by ``skew``: a test can jump a
day ahead and still send through the SDK, which signs with the machine's real time.
"""

from __future__ import annotations

import math
import threading
import time
from datetime import datetime, timedelta, timezone

#: Aliyun's calendar windows and dates (SendDate, flow control) are in China Standard Time.
CHINA = timezone(timedelta(hours=8), "UTC+8")


_MAX_SKEW = 366 * 86400.0


class Clock:
    """Real time, shifted by ``advance`` or frozen by ``set``; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frozen: float | None = None
        self._offset = 0.0
        self._skew = 0.0

    def signing_time(self) -> float:
        """The time a request's signed timestamp is checked against: real time plus ``skew``."""
        return time.time() + self._skew

    @property
    def skew(self) -> float:
        """Seconds the service's clock runs ahead of its callers' (negative: behind)."""
        return self._skew

    def set_skew(self, seconds: float) -> None:
        """Make the callers' clocks look ``seconds`` behind the service's (up to a year).

        More than 15 minutes either way, and every signed request is refused with
        ``InvalidTimeStamp.Expired``: how a server with a wrong clock fails.
        """
        seconds = float(seconds)
        if not math.isfinite(seconds) or abs(seconds) > _MAX_SKEW:
            raise ValueError(f"the skew must be a number of seconds within a year, not {seconds!r}")
        self._skew = seconds

    def time(self) -> float:
        """Seconds since the epoch, as the sandbox sees them."""
        frozen = self._frozen
        return frozen if frozen is not None else time.time() + self._offset

    def now(self) -> datetime:
        """The sandbox's current time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.time(), timezone.utc)

    def set(self, when: datetime | float) -> None:
        """Freeze the clock at ``when`` (an aware datetime or epoch seconds)."""
        if isinstance(when, datetime):
            if when.tzinfo is None:
                raise ValueError("Clock.set needs an aware datetime (add tzinfo)")
            when = when.timestamp()
        when = _checked(float(when))
        with self._lock:
            self._frozen = when

    def advance(self, seconds: float) -> None:
        """Move the clock forward (or back, with a negative number); a frozen clock stays frozen."""
        with self._lock:
            if self._frozen is not None:
                self._frozen = _checked(self._frozen + float(seconds))
            else:
                _checked(time.time() + self._offset + float(seconds))
                self._offset += float(seconds)

    def reset(self) -> None:
        """Back to real time, without skew."""
        with self._lock:
            self._frozen = None
            self._offset = 0.0
            self._skew = 0.0

    @property
    def frozen(self) -> bool:
        """True while the clock is frozen by ``set``."""
        return self._frozen is not None


_LATEST = 253402300799.0  # 9999-12-31T23:59:59Z: Aliyun's dates have four-digit years


def _checked(epoch: float) -> float:
    """``epoch`` if it is a moment between 1970 and 9999, else ValueError."""
    if not math.isfinite(epoch) or not 0 <= epoch <= _LATEST:
        raise ValueError(f"the clock must stay between 1970 and 9999, not at {epoch!r}")
    return epoch
