"""Per-number flow control for mainland verification codes (Aliyun's defaults).

Same signature to the same number: 1 a minute and 5 an hour in calendar windows of UTC+8
(14:03:00-14:03:59, 14:00:00-14:59:59), and 10 in a rolling 24 hours.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

_CHINA_OFFSET = 8 * 3600
DAY = 24 * 3600


@dataclass(frozen=True)
class Limits:
    """Permits per calendar minute, calendar hour and rolling day."""

    per_minute: int = 1
    per_hour: int = 5
    per_day: int = 10


def window_start(now: float, seconds: int) -> float:
    """The start of the calendar window of ``seconds`` (60 or 3600) holding ``now``, in UTC+8."""
    return now - ((now + _CHINA_OFFSET) % seconds)


#: Keys (account, signature, number) tracked at most; when full, those idle for a day go, and of the
#: rest only the newest half stay (the others' history is forgotten: memory stays bounded).
MAX_KEYS = 20_000


class FlowControl:
    """Accepted sends per key, checked against ``Limits``."""

    def __init__(self, limits: Limits | None = None, max_keys: int = MAX_KEYS) -> None:
        self.limits = limits or Limits()
        self.max_keys = max_keys
        self._sends: dict[tuple[str, ...], deque[float]] = {}

    def refusal(self, key: tuple[str, ...], now: float, pending: int = 0) -> str | None:
        """Aliyun's message when one more send for ``key`` at ``now`` breaks a limit, else None.

        ``pending``: sends to the same key earlier in the same request, not yet recorded.
        """
        sends = self._sends.get(key) or deque()
        if not sends and not pending:
            return None
        while sends and sends[0] <= now - DAY:
            sends.popleft()
        limits = self.limits
        minute, hour = window_start(now, 60), window_start(now, 3600)
        in_minute = in_hour = in_day = pending
        for sent in sends:
            if sent > now:
                continue  # the clock was moved back: sends "in the future" do not count
            in_day += 1
            if sent >= hour:
                in_hour += 1
                if sent >= minute:
                    in_minute += 1
        if in_minute >= limits.per_minute:
            return f"触发分钟级流控Permits:{limits.per_minute}"
        if in_hour >= limits.per_hour:
            return f"触发小时级流控Permits:{limits.per_hour}"
        if in_day >= limits.per_day:
            return f"触发天级流控Permits:{limits.per_day}"
        return None

    def record(self, key: tuple[str, ...], now: float) -> None:
        """Count one accepted send for ``key``."""
        sends = self._sends.get(key)
        if sends is None:
            if len(self._sends) >= self.max_keys:
                self._forget(now)
            sends = self._sends[key] = deque()
        sends.append(now)

    def _forget(self, now: float) -> None:
        """Keep at most half of ``max_keys`` (the newest, not idle for a day): each sweep frees
        half the room, so sweeping costs O(1) per send on average."""
        active = [(k, s) for k, s in self._sends.items() if s and s[-1] > now - DAY]
        self._sends = dict(active[-(self.max_keys // 2) :] if self.max_keys > 1 else [])

    def __len__(self) -> int:
        """How many keys are tracked."""
        return len(self._sends)

    def clear(self) -> None:
        """Forget every send."""
        self._sends.clear()
