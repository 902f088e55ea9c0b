"""Receipt bodies in Aliyun's exact shape (SmsReport's HTTP batch push)."""

from __future__ import annotations

import json
from typing import Any

TOKEN = "s3cret-token-for-tests-0123456789"


def receipt(
    phone: str = "13812345678",
    biz_id: str = "900619746936498440^0",
    success: bool = True,
    err_code: str = "DELIVERED",
    err_msg: str = "用户接收成功",
    send_time: str = "2026-12-01 10:00:00",
    report_time: str = "2026-12-01 10:00:03",
    out_id: str = "",
) -> dict[str, Any]:
    """One element of a push."""
    return {
        "phone_number": phone,
        "send_time": send_time,
        "report_time": report_time,
        "success": success,
        "err_code": err_code,
        "err_msg": err_msg,
        "sms_size": "1",
        "biz_id": biz_id,
        "out_id": out_id,
    }


def body(*receipts: dict[str, Any]) -> bytes:
    """A push's body."""
    return json.dumps(list(receipts), ensure_ascii=False).encode()
