"""DeliveryReceiver: the endpoint Aliyun pushes delivery receipts (SmsReport) to, framework-free.

Aliyun's contract: a ``POST`` of a JSON array of receipts, answered HTTP 200 ``{"code": 0,
"msg": "接收成功"}`` within 700 ms, else it pushes again later; a ``GET`` (the console's check)
answered ``{"code": 0, "msg": "成功"}``. Pushes carry no signature: the only proof that a
request comes from Aliyun is the secret token in the URL (``?token=...``), so keep it secret and
serve the URL over HTTPS.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, NamedTuple
from urllib.parse import parse_qs

from ..redact import mask_phone
from .dedupe import Dedupe, dedupe_for
from .hooks import notify, notify_async
from .one_path import never_waits, run_now
from .report import DeliveryReport, MalformedReport, from_receipt

logger = logging.getLogger("logto_connector_aliyun_sms.delivery")

Answer = tuple[int, dict[str, Any]]
"""An HTTP status and the JSON body to send back."""
Query = str | bytes | Mapping[str, Any] | None
TOKEN_PARAM = "token"  # noqa: S105 - the query parameter's name, not a token
MIN_TOKEN_LENGTH = 16
MAX_BODY = 1 << 20  # Aliyun pushes batches of a few hundred receipts at most

RECEIVED: Answer = (200, {"code": 0, "msg": "接收成功"})
CHECKED: Answer = (200, {"code": 0, "msg": "成功"})


def _refusal(status: int, message: str) -> Answer:
    return status, {"code": 1, "msg": message}


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


def _token_of(query: Query) -> str | None:
    if isinstance(query, bytes):
        query = query.decode("utf-8", "replace")
    if isinstance(query, str):
        values: Any = parse_qs(query.lstrip("?")).get(TOKEN_PARAM)
    elif query is None:
        return None
    else:
        values = query.get(TOKEN_PARAM)
    if isinstance(values, Sequence) and not isinstance(values, str):
        values = values[0] if len(values) == 1 else None
    return values if isinstance(values, str) else None


def parse_receipts(body: bytes | str | None) -> list[DeliveryReport]:
    """A pushed body as reports; MalformedReport when it is not Aliyun's JSON array."""
    if body is None or len(body) == 0:
        raise MalformedReport("the body is empty: Aliyun pushes a JSON array of receipts")
    if len(body) > MAX_BODY:
        raise MalformedReport("the body is too large")
    try:
        items = json.loads(body)
    except (ValueError, RecursionError):
        raise MalformedReport("the body is not JSON") from None
    if not isinstance(items, list):
        raise MalformedReport("the body must be a JSON array of receipts")
    return [from_receipt(item) for item in items]


async def _quietly(step: Callable[[str], Awaitable[None]], report_id: str) -> None:
    """Mark or release a claim; a store that fails now leaves the claim to expire (a minute)."""
    try:
        await step(report_id)
    except Exception as exc:
        logger.warning(
            "the de-duplication store failed (%s); its claim expires", type(exc).__name__
        )


class _Steps(NamedTuple):
    """The receiver's store and callback steps, sync ones wrapped by ``never_waits``."""

    claim: Callable[[str], Awaitable[bool]]
    notify: Callable[[DeliveryReport], Awaitable[None]]
    release: Callable[[str], Awaitable[None]]
    done: Callable[[str], Awaitable[None]]


class DeliveryReceiver:
    """Receives Aliyun's delivery receipts: ``handle(method, query, body) -> (status, json)``.

    ``token``: the secret expected as ``?token=`` in the URL registered in Aliyun's console
    (16 characters at least; compared in constant time). ``store``: where the ids of reports
    already handled are kept for 48 hours (None: the send limits' store, so memory by default
    and Redis when ``ALIYUN_SMS_LIMITS_URL`` names it, shared by every worker). Each distinct
    report goes to the ``on_delivery`` callbacks once. ``on_handled``: called with each distinct
    report once its callbacks succeeded (the host's own bookkeeping, e.g. a metric); what it
    raises is logged, never answered.
    """

    def __init__(
        self,
        token: str,
        store: Any = None,
        *,
        on_handled: Callable[[DeliveryReport], None] | None = None,
    ) -> None:
        if not isinstance(token, str) or len(token) < MIN_TOKEN_LENGTH:
            raise ValueError(
                f"token must be a secret string of {MIN_TOKEN_LENGTH} characters at least "
                "(e.g. secrets.token_urlsafe(32))"
            )
        self._digest = _digest(token)  # the token itself is not kept
        self._store = store
        self._on_handled = on_handled

    def __repr__(self) -> str:
        return "DeliveryReceiver(token=***)"

    def _dedupe(self) -> Dedupe:
        return dedupe_for(self._store)

    def _check(self, method: str, query: Query, body: bytes | str | None) -> Answer | list[Any]:
        """A refusal or the GET check's answer, else the reports of a POST."""
        token = _token_of(query)
        if token is None or not hmac.compare_digest(_digest(token), self._digest):
            logger.warning("delivery receipt refused: the URL's token is missing or wrong")
            return _refusal(403, "forbidden")
        method = method.upper()
        if method in ("GET", "HEAD"):
            return CHECKED
        if method != "POST":
            return _refusal(405, "method not allowed: Aliyun pushes receipts with POST")
        try:
            return parse_receipts(body)
        except MalformedReport as exc:
            logger.warning("delivery receipt refused: %s", exc)
            return _refusal(400, f"malformed receipts: {exc}")

    def handle(self, method: str, query: Query, body: bytes | str | None) -> Answer:
        """Answer one request to the receipt URL; callbacks run in this thread."""
        checked = self._check(method, query, body)
        if isinstance(checked, tuple):
            return checked
        dedupe = self._dedupe()
        steps = _Steps(
            never_waits(dedupe.claim),
            never_waits(notify),
            never_waits(dedupe.release),
            never_waits(dedupe.done),
        )
        return run_now(self._each(checked, steps))

    async def handle_async(self, method: str, query: Query, body: bytes | str | None) -> Answer:
        """``handle`` in an event loop: async callbacks awaited, Redis asked without blocking."""
        checked = self._check(method, query, body)
        if isinstance(checked, tuple):
            return checked
        dedupe = self._dedupe()
        steps = _Steps(dedupe.claim_async, notify_async, dedupe.release_async, dedupe.done_async)
        return await self._each(checked, steps)

    async def _each(self, reports: list[DeliveryReport], steps: _Steps) -> Answer:
        """Each report claimed, handed to the callbacks, then marked done (or released)."""
        failed = 0
        for report in reports:
            try:
                if not await steps.claim(report["id"]):
                    continue
            except Exception as exc:
                return self._store_down(exc)
            try:
                await steps.notify(report)
            except Exception:
                failed += 1
                self._log_failure(report)
                await _quietly(steps.release, report["id"])
                continue
            await _quietly(steps.done, report["id"])
            self._handled(report)
        return self._answer(len(reports), failed)

    def _handled(self, report: DeliveryReport) -> None:
        if self._on_handled is None:
            return
        try:
            self._on_handled(report)
        except Exception as exc:
            logger.warning("DeliveryReceiver's on_handled failed (%s)", type(exc).__name__)

    @staticmethod
    def _log_failure(report: DeliveryReport) -> None:
        logger.exception(
            "an on_delivery callback failed for the report on %s (BizId %s): Aliyun will push "
            "it again",
            mask_phone(report["phone"]),
            report["biz_id"],
        )

    @staticmethod
    def _store_down(exc: BaseException) -> Answer:
        logger.warning(
            "delivery receipts not handled: the de-duplication store failed (%s); Aliyun will "
            "push them again",
            type(exc).__name__,
        )
        return _refusal(503, "the receipts store is unavailable; push again later")

    @staticmethod
    def _answer(count: int, failed: int) -> Answer:
        if failed:
            return _refusal(500, f"{failed} of {count} receipts not handled; push again")
        return RECEIVED
