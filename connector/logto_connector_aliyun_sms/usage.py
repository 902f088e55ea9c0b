"""get_usage: how many messages were sent since a moment, from QuerySendStatistics."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from ._sdk import send_statistics_request
from .config.prepared import prepare_config
from .kit import ConnectorError, ConnectorErrorCode

CHINA_TIME = timezone(timedelta(hours=8))  # Aliyun's statistics count days in UTC+8
PAGE_SIZE = 50
_MAX_PAGES = 1000


def _day(moment: date | datetime | str) -> date:
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment) if "T" in moment else date.fromisoformat(moment)
        except ValueError:
            moment = None  # type: ignore[assignment]
    if not isinstance(moment, date):
        raise ConnectorError(
            ConnectorErrorCode.INVALID_REQUEST_PARAMETERS,
            {"message": "start_from must be a date, a datetime or an ISO date such as 2026-01-01"},
        )
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        return aware.astimezone(CHINA_TIME).date()
    return moment


def usage_window(
    start_from: date | datetime | str | None, now: datetime | None = None
) -> tuple[str, str]:
    """StartDate and EndDate (yyyyMMdd, UTC+8); the default start is this month's first day."""
    today = (now or datetime.now(timezone.utc)).astimezone(CHINA_TIME).date()
    start = _day(start_from) if start_from is not None else today.replace(day=1)
    return start.strftime("%Y%m%d"), today.strftime("%Y%m%d")


def get_usage(config: Any, start_from: date | datetime | str | None = None) -> int:
    """Messages sent since ``start_from`` (mainland and international, every page summed)."""
    client = prepare_config(config).client()
    start, end = usage_window(start_from)
    if start > end:
        return 0  # a start in the future: nothing can have been sent since
    total = 0
    for is_globe in (1, 2):  # 1 mainland China, 2 international / HK / Macau / Taiwan
        seen = 0
        for page in range(1, _MAX_PAGES + 1):
            request = send_statistics_request(is_globe, start, end, page, PAGE_SIZE)
            data = client.call("query_send_statistics", request).to_map().get("Data") or {}
            rows = data.get("TargetList") or []
            total += sum(int(row.get("TotalCount") or 0) for row in rows)
            seen += len(rows)
            if not rows or seen >= int(data.get("TotalSize") or 0):
                break
    return total
