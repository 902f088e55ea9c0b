"""TemplateParam rules: a JSON object of strings, every variable present, values well shaped."""

from __future__ import annotations

import json
import re
from typing import Any

from .answers import Answer, refuse
from .models import Template

_CODE_VALUE = re.compile(r"[A-Za-z0-9]+")
_URL = re.compile(r"(?i)(?:https?://|www\.)|\b[a-z0-9-]+\.(?:com|cn|net|org|io)\b")
#: A notification variable may hold at most this many characters.
NOTIFICATION_VALUE_MAX = 35


def parse_values(raw: str | None) -> dict[str, str] | Answer:
    """The TemplateParam as a dict of strings, or ``isv.INVALID_JSON_PARAM``."""
    if raw is None or raw == "":
        return {}
    try:
        values: Any = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: absurd nesting
        return refuse("isv.INVALID_JSON_PARAM")
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        return refuse("isv.INVALID_JSON_PARAM")
    return values


def check_values(template: Template, values: dict[str, str]) -> Answer | None:
    """The refusal for values that do not fit ``template``, or None.

    Verification templates: each value 4 to 6 characters (``isv.PARAM_LENGTH_LIMIT`` otherwise),
    letters and digits only (``isv.TEMPLATE_PARAMS_ILLEGAL`` otherwise). Notification templates:
    at most 35 characters, no URL (``isv.PARAM_NOT_SUPPORT_URL``).
    """
    absent = [name for name in template.variables if name not in values]
    if absent:
        return refuse("isv.TEMPLATE_MISSING_PARAMETERS", f"模板缺少变量: {', '.join(absent)}")
    for name in template.variables:
        value = values[name]
        if template.kind == "verification":
            if not 4 <= len(value) <= 6:
                return refuse("isv.PARAM_LENGTH_LIMIT", f"参数超出长度限制: {name} 须为4-6位")
            if not _CODE_VALUE.fullmatch(value):
                return refuse("isv.TEMPLATE_PARAMS_ILLEGAL", f"模板变量里包含非法关键字: {name}")
        else:
            if len(value) > NOTIFICATION_VALUE_MAX:
                return refuse("isv.PARAM_LENGTH_LIMIT", f"参数超出长度限制: {name}")
            if _URL.search(value):
                return refuse("isv.PARAM_NOT_SUPPORT_URL")
    return None
