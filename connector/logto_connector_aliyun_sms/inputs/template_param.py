"""TemplateParam: the payload as JavaScript's ``JSON.stringify`` would write it.

Logto sends ``JSON.stringify(payload without locale)``. The same bytes come out here: key order
kept (but integer-like keys first, ascending, as JavaScript orders them), no spaces, non-ASCII
unescaped, lone surrogates escaped. Aliyun accepts only string values, so:

- strings pass unchanged;
- numbers become their JavaScript text (``123456`` -> ``"123456"``, ``1.5`` -> ``"1.5"``);
- booleans become ``"true"`` / ``"false"``;
- ``None`` drops the key, as ``undefined`` does in JavaScript;
- nested objects and arrays, NaN and infinities cannot be template variables: refused.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

from ..kit import ConnectorError, ConnectorErrorCode

STRIPPED_KEYS = frozenset({"locale", "uiLocales"})
MAX_LENGTH = 4096
"""Characters of TemplateParam at most: far above any template Aliyun approves."""
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]{0,9}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_ARRAY_INDEX = 2**32 - 2
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def _refuse(message: str) -> ConnectorError:
    return ConnectorError(
        ConnectorErrorCode.INVALID_REQUEST_PARAMETERS,
        {"message": f"payload: {message}", "retryable": False},
    )


def js_number(value: float | int) -> str:
    """``String(value)`` in JavaScript, for a finite number."""
    if isinstance(value, int):
        return str(value)
    if value == 0:
        return "0"
    sign, digits_tuple, exponent = Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digits_tuple))
    k = len(digits)
    n = exponent + k  # value = 0.digits * 10**n
    prefix = "-" if sign else ""
    if k <= n <= 21:
        return prefix + digits + "0" * (n - k)
    if 0 < n <= 21:
        return prefix + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return prefix + "0." + "0" * -n + digits
    mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{prefix}{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"


def _is_array_index(key: str) -> bool:
    return _ARRAY_INDEX.fullmatch(key) is not None and int(key) <= _MAX_ARRAY_INDEX


def _variable(key: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise _refuse(f"{key!r} is not a finite number")
        return js_number(value)
    raise _refuse(f"{key!r} must be a string or a number, not {type(value).__name__}")


def template_param(payload: Any) -> str:
    """The TemplateParam JSON for Logto's ``payload`` (``locale`` and ``uiLocales`` removed)."""
    if not isinstance(payload, dict):
        raise _refuse("must be an object")
    variables: dict[str, str] = {}
    indexed: list[tuple[int, str]] = []
    for key, value in payload.items():
        if not isinstance(key, str):
            raise _refuse(f"keys must be strings, not {type(key).__name__}")
        if key in STRIPPED_KEYS or value is None:
            continue
        if _is_array_index(key):
            indexed.append((int(key), key))
        variables[key] = _variable(key, value)
    if indexed:
        ordered = {key: variables[key] for _, key in sorted(indexed)}
        ordered.update(variables)
        variables = ordered
    text: str = _encode(variables)
    if len(text) > MAX_LENGTH:
        raise _refuse(f"longer than {MAX_LENGTH} characters as TemplateParam")
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text
