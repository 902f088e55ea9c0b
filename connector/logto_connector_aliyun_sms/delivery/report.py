"""DeliveryReport: one shape for QuerySendDetails rows and pushed receipts (SmsReport)."""

from __future__ import annotations

import hashlib
import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Literal, TypedDict

CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")
"""Aliyun's dates are China time (UTC+8, no daylight saving), as every report's times are."""

DeliveryStatus = Literal["delivered", "failed", "pending"]
_SEND_STATUS: dict[int, DeliveryStatus] = {1: "pending", 2: "failed", 3: "delivered"}
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_DIGITS = re.compile(r"\+?(?:00)?([0-9]{5,20})")
_MAINLAND = re.compile(r"(?:86)?(1[0-9]{10})")
#: A receipt's keys and the JSON types Aliyun sends them as (``out_id`` may be empty or null).
RECEIPT_FIELDS: dict[str, tuple[type, ...]] = {
    "phone_number": (str,),
    "send_time": (str,),
    "report_time": (str,),
    "success": (bool,),
    "err_code": (str,),
    "err_msg": (str, type(None)),
    "sms_size": (str, int),
    "biz_id": (str,),
    "out_id": (str, type(None)),
}


class DeliveryReport(TypedDict):
    """What became of one message: from ``query_delivery`` or a pushed receipt.

    ``status``: ``delivered``, ``failed`` or ``pending`` (no receipt yet); ``phone``: E.164;
    ``biz_id``: SendSms's BizId (None for query rows asked without one); ``error_code``:
    Aliyun's receipt code (``DELIVERED`` on success; None while pending); ``sent_at`` and
    ``reported_at``: aware datetimes in China time (+08:00; ``reported_at`` None while
    pending); ``parts``: how many SMS the message took (None when unknown); ``id``: a stable
    key (the same receipt always gives the same id); ``raw``: Aliyun's record as received.
    """

    status: DeliveryStatus
    phone: str
    biz_id: str | None
    out_id: str | None
    error_code: str | None
    error_message: str | None
    sent_at: datetime | None
    reported_at: datetime | None
    template_code: str | None
    parts: int | None
    id: str
    raw: dict[str, Any]


class MalformedReport(ValueError):
    """A record that is not in Aliyun's shape (the message says which field)."""


def china_time(text: object, field: str) -> datetime | None:
    """``yyyy-MM-dd HH:mm:ss`` (China time) as an aware datetime; None for an empty value."""
    if text is None or text == "":
        return None
    if not isinstance(text, str):
        raise MalformedReport(f"{field} must be a date 'yyyy-MM-dd HH:mm:ss'")
    try:
        return datetime.strptime(text.strip(), _TIME_FORMAT).replace(tzinfo=CHINA_TIME)
    except ValueError:
        raise MalformedReport(f"{field} must be a date 'yyyy-MM-dd HH:mm:ss'") from None


def e164(number: object, field: str = "phone_number") -> str:
    """Aliyun's number (``13800138000``, ``85261234567``, ``+86…``, ``0086…``) in E.164."""
    if not isinstance(number, str):
        raise MalformedReport(f"{field} must be a phone number")
    match = _DIGITS.fullmatch(number.strip())
    if match is None:
        raise MalformedReport(f"{field} must be a phone number")
    digits = match[1]
    mainland = _MAINLAND.fullmatch(digits)
    return f"+86{mainland[1]}" if mainland else f"+{digits}"


def parts_of(content: object) -> int | None:
    """How many SMS a text takes: 70 characters in one, 67 per part beyond (Aliyun's rule)."""
    if not isinstance(content, str) or not content:
        return None
    return 1 if len(content) <= 70 else math.ceil(len(content) / 67)


def report_id(
    biz_id: str | None,
    phone: str,
    sent_at: datetime | None,
    reported_at: datetime | None,
    error_code: str | None,
    content: str = "",
) -> str:
    """A stable key: the same message's same outcome always gives the same id.

    A receipt and the query row of the same message asked with its BizId share the id. A row
    asked without a BizId has none to go by: its text and template tell it apart instead.
    """
    parts = [
        content,
        biz_id or "",
        phone,
        sent_at.isoformat() if sent_at else "",
        reported_at.isoformat() if reported_at else "",
        error_code or "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def from_query_row(row: dict[str, Any], phone: str, biz_id: str | None) -> DeliveryReport:
    """A ``SmsSendDetailDTO`` (its wire keys) as a report; ``phone``: the E.164 asked about
    (every row is about it, however Aliyun writes ``PhoneNum``)."""
    try:
        status = _SEND_STATUS[int(row.get("SendStatus") or 0)]
    except (KeyError, TypeError, ValueError):
        raise MalformedReport(f"SendStatus {row.get('SendStatus')!r} is not 1, 2 or 3") from None
    sent_at = china_time(row.get("SendDate"), "SendDate")
    reported_at = china_time(row.get("ReceiveDate"), "ReceiveDate")
    if status == "pending":
        reported_at = None
    error_code = _text(row.get("ErrCode"))
    return {
        "status": status,
        "phone": phone,
        "biz_id": biz_id,
        "out_id": _text(row.get("OutId")),
        "error_code": error_code,
        "error_message": None,
        "sent_at": sent_at,
        "reported_at": reported_at,
        "template_code": _text(row.get("TemplateCode")),
        "parts": parts_of(row.get("Content")),
        "id": report_id(
            biz_id,
            phone,
            sent_at,
            reported_at,
            error_code,
            "" if biz_id else f"{row.get('TemplateCode')}\x1f{row.get('Content')}",
        ),
        "raw": dict(row),
    }


def from_receipt(item: object) -> DeliveryReport:
    """One element of a pushed receipt array as a report; MalformedReport if not Aliyun's."""
    if not isinstance(item, dict):
        raise MalformedReport("each receipt must be a JSON object")
    for name, types in RECEIPT_FIELDS.items():
        if name == "out_id" and name not in item:
            continue
        if name not in item:
            raise MalformedReport(f"a receipt has no {name}")
        value = item[name]
        if not isinstance(value, types) or (types == (str,) and name != "err_code" and not value):
            raise MalformedReport(f"{name} has the wrong type or is empty")
    phone = e164(item["phone_number"])
    sent_at = china_time(item["send_time"], "send_time")
    reported_at = china_time(item["report_time"], "report_time")
    size = item["sms_size"]
    try:
        parts: int | None = int(size) if size != "" else None
    except ValueError:
        raise MalformedReport("sms_size must be a number") from None
    error_code = _text(item["err_code"]) or ("DELIVERED" if item["success"] else None)
    biz_id = item["biz_id"]
    return {
        "status": "delivered" if item["success"] else "failed",
        "phone": phone,
        "biz_id": biz_id,
        "out_id": _text(item.get("out_id")),
        "error_code": error_code,
        "error_message": _text(item.get("err_msg")),
        "sent_at": sent_at,
        "reported_at": reported_at,
        "template_code": None,
        "parts": parts,
        "id": report_id(biz_id, phone, sent_at, reported_at, error_code),
        "raw": dict(item),
    }
