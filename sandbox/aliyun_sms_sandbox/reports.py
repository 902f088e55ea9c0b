"""Delivery receipts (SmsReport) as the service decides them: what each phone reports, when,
in which batches, duplicated now and then, and pushed again after a failed push.

No HTTP here (the ``pusher`` module posts the batches): the book hands out the batches due at
a moment of the sandbox's clock and is told how each push was answered. Thread-safe through
the state's lock, which its caller holds.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field
from typing import Any

from .models import DELIVERED, WAITING, Message, china_time

#: Aliyun's ``err_msg`` for the receipt codes the sandbox knows; others echo their code.
ERR_MSG = {
    "DELIVERED": "用户接收成功",
    "MOBILE_NOT_ON_SERVICE": "停机",
    "MOBILE_IN_BLACK": "手机号在黑名单",
    "MOBILE_ACCOUNT_ABNORMAL": "用户账户异常",
    "MOBILE_TERMINAL_ERROR": "手机终端问题",
    "CONTENT_KEYWORD": "内容关键字拦截",
    "INVALID_NUMBER": "号码状态异常",
    "CONTENT_ERROR": "推广短信内容中必须带退订信息",
    "REQUEST_SUCCESS": "请求成功",
    "SP_NOT_BY_INTER_SMS": "未开通国际短信",
    "SP_UNKNOWN_ERROR": "运营商未知错误",
    "USER_REJECT": "用户拒收",
    "NO_ROUTE": "当前短信内容无可用通道发送",
    "PORT_NOT_REGISTERED": "当前使用端口号尚未完成企业实名制报备流程",
    "MOBILE_NOT_SUPPORT_INTER_SMS": "手机号码不支持国际短信",
    "DESTINATION_ADDR_ERROR": "目标号码错误",
}
#: Seconds after a failed push before the next try (then the receipt is given up).
RETRY_DELAYS_S: tuple[float, ...] = (60.0, 300.0, 1800.0)
BATCH_SIZE = 100
MAX_LOGGED_PUSHES = 1000
#: Receipts waiting to be pushed (a receiver down for long): beyond, the oldest are given up.
MAX_WAITING = 50_000


def sms_size(content: str) -> int:
    """Parts billed: 70 characters fit one SMS; longer texts go in parts of 67."""
    return 1 if len(content) <= 70 else math.ceil(len(content) / 67)


def receipt(message: Message) -> dict[str, Any]:
    """The receipt Aliyun pushes for ``message``, in its exact shape."""
    reported = message.reported_at if message.reported_at is not None else message.sent_at
    return {
        "phone_number": message.phone_number,
        "send_time": china_time(message.sent_at),
        "report_time": china_time(reported),
        "success": message.status == DELIVERED,
        "err_code": message.err_code,
        "err_msg": ERR_MSG.get(message.err_code, message.err_code),
        "sms_size": str(sms_size(message.content)),
        "biz_id": message.biz_id,
        "out_id": message.out_id or "",
    }


@dataclass
class _Pending:
    receipt: dict[str, Any]
    due: float
    attempt: int = 1
    duplicate: bool = False


@dataclass
class Batch:
    """One push: its receipts, its try number (1 the first)."""

    id: int
    receipts: list[dict[str, Any]]
    attempt: int
    items: list[_Pending] = field(repr=False)


class ReportBook:
    """Receipts waiting to be pushed, and the log of pushes made."""

    def __init__(self, seed: int | None = None) -> None:
        self.batch_size = BATCH_SIZE
        self.duplicate_rate = 0.0
        self.retry_delays = RETRY_DELAYS_S
        self._random = random.Random(seed)
        self._pending: list[_Pending] = []
        self._in_flight: dict[int, Batch] = {}
        self._ids = itertools.count(1)
        self.pushes: list[dict[str, Any]] = []
        self.abandoned = 0

    def configure(
        self,
        batch_size: int | None = None,
        duplicate_rate: float | None = None,
        retry_delays: tuple[float, ...] | None = None,
    ) -> None:
        """Receipts per push (1-1000); the share of receipts pushed twice (0-1); the waits
        between tries after a failed push (seconds of the sandbox's clock)."""
        if batch_size is not None:
            if not isinstance(batch_size, int) or not 1 <= batch_size <= 1000:
                raise ValueError("batch_size must be a whole number from 1 to 1000")
            self.batch_size = batch_size
        if duplicate_rate is not None:
            if not isinstance(duplicate_rate, (int, float)) or not 0 <= duplicate_rate <= 1:
                raise ValueError("duplicate_rate must be a number from 0 to 1")
            self.duplicate_rate = float(duplicate_rate)
        if retry_delays is not None:
            delays = tuple(float(d) for d in retry_delays)
            if len(delays) > 20 or any(not 0 <= d <= 86400 for d in delays):
                raise ValueError("retry_delays: at most 20 waits of 0 to 86400 seconds")
            self.retry_delays = delays

    def add(self, message: Message) -> None:
        """Queue the receipt of a message that will report (not one that never does)."""
        if message.status == WAITING or message.reported_at is None:
            return
        self._queue(_Pending(receipt(message), message.reported_at))

    def _queue(self, item: _Pending) -> None:
        if len(self._pending) >= MAX_WAITING:
            del self._pending[0]
            self.abandoned += 1
        self._pending.append(item)

    def due(self, now: float) -> list[Batch]:
        """The batches to push now (their receipts leave the queue until answered)."""
        ready = [p for p in self._pending if p.due <= now]
        if not ready:
            return []
        self._pending = [p for p in self._pending if p.due > now]
        ready.sort(key=lambda p: (p.attempt, p.due))
        batches = []
        for start in range(0, len(ready), self.batch_size):
            items = ready[start : start + self.batch_size]
            batch = Batch(next(self._ids), [p.receipt for p in items], items[0].attempt, items)
            self._in_flight[batch.id] = batch
            batches.append(batch)
        for p in ready:  # occasional duplicates: the same receipt in a later push
            if not p.duplicate and p.attempt == 1 and self._random.random() < self.duplicate_rate:
                self._queue(_Pending(p.receipt, now, 1, duplicate=True))
        return batches

    def answered(self, batch: Batch, now: float, status: int | None, body: Any) -> bool:
        """Record how a push was answered; a failure queues its receipts for another try.

        Success is Aliyun's rule: HTTP 200 and a JSON body whose ``code`` is 0.
        """
        self._in_flight.pop(batch.id, None)
        ok = status == 200 and isinstance(body, dict) and body.get("code") in (0, "0")
        self.pushes.append(
            {
                "batch": batch.id,
                "attempt": batch.attempt,
                "receipts": len(batch.receipts),
                "bizIds": [r["biz_id"] for r in batch.receipts],
                "status": status,
                "ok": ok,
                "at": now,
            }
        )
        del self.pushes[:-MAX_LOGGED_PUSHES]
        if not ok:
            if batch.attempt > len(self.retry_delays):
                self.abandoned += len(batch.items)
            else:
                wait = self.retry_delays[batch.attempt - 1]
                for p in batch.items:
                    self._pending.append(
                        _Pending(p.receipt, now + wait, p.attempt + 1, p.duplicate)
                    )
        return ok

    def idle(self, now: float) -> bool:
        """True when nothing is due now and no push is waiting for its answer."""
        return not self._in_flight and all(p.due > now for p in self._pending)

    def waiting(self) -> int:
        """Receipts queued (due now or later), not counting those in flight."""
        return len(self._pending)

    def clear(self) -> None:
        """Forget queued receipts and the push log (settings stay)."""
        self._pending.clear()
        self._in_flight.clear()
        self.pushes.clear()
        self.abandoned = 0
