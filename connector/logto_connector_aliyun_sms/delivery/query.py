"""query_delivery: what became of the messages to one number on one day (QuerySendDetails)."""

from __future__ import annotations

import re
import sys
from collections.abc import Awaitable, Callable, Iterator
from datetime import date as Date
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

from .._sdk import import_sdk, query_send_details_request
from ..config.prepared import PreparedConfig, prepare_config
from ..inputs.phone import parse_phone
from ..kit import ConnectorError, ConnectorErrorCode
from ..redact import scrub
from .one_path import never_waits, run_now
from .report import CHINA_TIME, DeliveryReport, MalformedReport, from_query_row

PAGE_SIZE = 50  # Aliyun's largest page
MAX_PAGES = 200  # 10,000 rows: far more than one number gets in a day
DAYS_KEPT = 30  # Aliyun answers for the last 30 days (today included), in China time
_BIZ_ID = re.compile(r"[0-9A-Za-z^_-]{1,64}")


class Question(NamedTuple):
    """One QuerySendDetails question, checked: the number (Aliyun's form and E.164), the day."""

    prepared: PreparedConfig
    aliyun_phone: str
    phone: str
    day: str
    biz_id: str | None


def _bad(message: str) -> ConnectorError:
    return ConnectorError(
        ConnectorErrorCode.INVALID_REQUEST_PARAMETERS, {"message": message, "retryable": False}
    )


def _day(value: Date | datetime | str | None, now: datetime | None = None) -> Date:
    today = (now or datetime.now(timezone.utc)).astimezone(CHINA_TIME).date()
    if value is None:
        return today
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else Date.fromisoformat(value)
        except ValueError:
            raise _bad(
                "date must be a date, a datetime or an ISO date such as 2026-01-01"
            ) from None
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=CHINA_TIME)
        value = aware.astimezone(CHINA_TIME).date()
    if not isinstance(value, Date):
        raise _bad("date must be a date, a datetime or an ISO date such as 2026-01-01")
    if value > today:
        raise _bad(f"date {value} is in the future (today is {today} in China time, UTC+8)")
    if value < today - timedelta(days=DAYS_KEPT - 1):
        raise _bad(
            f"date {value} is older than {DAYS_KEPT} days: Aliyun keeps send details for the "
            f"last {DAYS_KEPT} days only (China time, UTC+8)"
        )
    return value


def question(
    config: Any,
    phone: object,
    biz_id: object = None,
    date: Date | datetime | str | None = None,
    now: datetime | None = None,
) -> Question:
    """Check the arguments before any request; raises ConnectorError."""
    prepared = prepare_config(config)
    number = parse_phone(phone, strict=prepared.config["strictPhoneRegionNumberCheck"])
    if biz_id is not None and (not isinstance(biz_id, str) or not _BIZ_ID.fullmatch(biz_id)):
        raise _bad("biz_id must be the BizId a send returned, such as '900619746936498440^0'")
    day = _day(date, now).strftime("%Y%m%d")
    return Question(prepared, number.aliyun, f"+{number.key}", day, biz_id)


def _requests(asked: Question) -> Iterator[Any]:
    for page in range(1, MAX_PAGES + 1):
        yield query_send_details_request(
            asked.aliyun_phone, asked.day, page, PAGE_SIZE, asked.biz_id
        )


def _rows(body: Any) -> tuple[list[dict[str, Any]], int]:
    wire = body.to_map()
    dtos = wire.get("SmsSendDetailDTOs") or {}
    rows = dtos.get("SmsSendDetailDTO") or [] if isinstance(dtos, dict) else []
    try:
        total = int(wire.get("TotalCount") or 0)
    except (TypeError, ValueError):
        total = 0
    return [row for row in rows if isinstance(row, dict)], total


def _reports(asked: Question, rows: list[dict[str, Any]]) -> list[DeliveryReport]:
    try:
        return [from_query_row(row, asked.phone, asked.biz_id) for row in rows]
    except MalformedReport as exc:
        raise ConnectorError(
            ConnectorErrorCode.GENERAL,
            {"message": f"Aliyun's QuerySendDetails answer is malformed: {exc}", "retryable": True},
        ) from None


def _secret_free(asked: Question, error: ConnectorError) -> ConnectorError:
    secret = asked.prepared.config["accessKeySecret"]
    if not secret or error.data is None:
        return error
    cleaned = scrub(error.data, [secret])
    return error if cleaned == error.data else ConnectorError(error.code, cleaned)


def _done(seen: int, page_rows: int, total: int) -> bool:
    """The last page: a short one, or every row of ``TotalCount`` seen (when Aliyun gave it)."""
    return page_rows < PAGE_SIZE or 0 < total <= seen


def query_delivery(
    config: Any,
    phone: str,
    *,
    biz_id: str | None = None,
    date: Date | datetime | str | None = None,
) -> list[DeliveryReport]:
    """The delivery reports of the messages sent to ``phone`` on ``date`` (default: today in
    China time; the last 30 days only), newest first, every page; only ``biz_id``'s if given.

    Raises ConnectorError: bad arguments before any request, Aliyun's refusals as for a send.
    A query is safe to repeat.
    """
    asked = question(config, phone, biz_id, date)
    return run_now(_collect(asked, never_waits(asked.prepared.client().call)))


async def query_delivery_async(
    config: Any,
    phone: str,
    *,
    biz_id: str | None = None,
    date: Date | datetime | str | None = None,
) -> list[DeliveryReport]:
    """``query_delivery`` for asyncio hosts: never blocks the event loop on the network."""
    asked = question(config, phone, biz_id, date)
    if "alibabacloud_dysmsapi20170525.client" not in sys.modules:  # first use: import off the loop
        import asyncio

        await asyncio.get_running_loop().run_in_executor(None, import_sdk)
    return await _collect(asked, asked.prepared.client().call_async)


async def _collect(
    asked: Question, call: Callable[[str, Any], Awaitable[Any]]
) -> list[DeliveryReport]:
    """Every page of the answer, through ``call`` (the SDK client's ``call`` or ``call_async``)."""
    reports: list[DeliveryReport] = []
    for request in _requests(asked):
        try:
            body = await call("query_send_details", request)
        except ConnectorError as error:
            raise _secret_free(asked, error) from None
        rows, total = _rows(body)
        reports += _reports(asked, rows)
        if _done(len(reports), len(rows), total):
            break
    return reports
