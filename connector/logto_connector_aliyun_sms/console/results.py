"""A failed test send, said for the page: what happened, and what to do about it."""

from __future__ import annotations

from typing import Any

from ..kit import ConnectorError


def explain(error: ConnectorError, language: str) -> dict[str, Any]:
    """``{"code", "message", "hint", "aliyunCode", "requestId"}`` for a ConnectorError."""
    from ..aliyun_errors import hint as aliyun_hint
    from ..cli._describe import describe

    what, hint, details = describe(error)
    data = error.data if isinstance(error.data, dict) else {}
    code = data.get("Code")
    if isinstance(code, str) and language != "en":
        hint = aliyun_hint(code, language) or hint
    return {
        "code": error.code.value,
        "message": what,
        "details": details,
        "hint": hint,
        "aliyunCode": data.get("Code"),
        "requestId": data.get("RequestId"),
    }
