"""The config's fast path: a hand-written check of exactly the schema's rules on plain JSON
types, building the result with defaults in the same pass (a few microseconds).

It only ever *accepts*: anything it is unsure of returns None, and the full JSON Schema validator
decides. Every bound and pattern is read from the schema.
"""

from __future__ import annotations

from typing import Any, cast

from ._schema import (
    COUNTRY_RE,
    DEFAULT_TEMPLATE_TYPE,
    ENDPOINT_RE,
    FAIL_MODES,
    INT_KEYS,
    PROPS,
    REQUIRED_USAGE_TYPES,
    STRING_KEYS,
    TEMPLATE_PROPS,
    TEMPLATE_TYPES,
    bounds,
    depth_ok,
)
from .kit import AliyunSmsConfig


def fast_validate(config: dict[str, Any]) -> AliyunSmsConfig | None:
    """The validated config with defaults, or None when the full validator must decide."""
    result: dict[str, Any] = {}
    for key in STRING_KEYS:
        value = config.get(key)
        if type(value) is not str or not value:
            return None
        result[key] = value
    templates = _fast_templates(config.get("templates"))
    if templates is None:
        return None
    result["templates"] = templates
    strict = config.get("strictPhoneRegionNumberCheck", False)
    if type(strict) is not bool:
        return None
    result["strictPhoneRegionNumberCheck"] = strict
    required = 4 + ("strictPhoneRegionNumberCheck" in config)
    if len(config) > required and not _fast_optional(config, result):
        return None
    return cast(AliyunSmsConfig, result)


def _fast_templates(templates: Any) -> list[dict[str, Any]] | None:
    if type(templates) is not list:
        return None
    out = []
    usage_types = set()
    for template in templates:
        if type(template) is not dict:
            return None
        usage_type = template.get("usageType")
        code = template.get("templateCode")
        kind = template.get("type", DEFAULT_TEMPLATE_TYPE)
        if type(usage_type) is not str or type(kind) is not int or kind not in TEMPLATE_TYPES:
            return None
        if type(code) is dict:
            china = code.get("china")
            overseas = code.get("overseas")
            if type(china) is not str or type(overseas) is not str or not china or not overseas:
                return None
            if len(code) > 2 and not _unknown_ok(code, ("china", "overseas"), 5):
                return None
            code = {"china": china, "overseas": overseas}
        elif type(code) is not str or not code:
            return None
        extra = len(template) > 2 + ("type" in template)
        if extra and not _unknown_ok(template, TEMPLATE_PROPS, 3):
            return None
        usage_types.add(usage_type)
        out.append({"usageType": usage_type, "templateCode": code, "type": kind})
    if not usage_types.issuperset(REQUIRED_USAGE_TYPES):
        return None
    return out


def _fast_optional(config: dict[str, Any], result: dict[str, Any]) -> bool:
    if "endpoint" in config:
        endpoint = config["endpoint"]
        if type(endpoint) is not str or not ENDPOINT_RE.search(endpoint):
            return False
        result["endpoint"] = endpoint
    for key in INT_KEYS:
        if key in config:
            value = config[key]
            low, high = bounds(key)
            if type(value) is not int or not low <= value <= high:
                return False
            result[key] = value
    if "limitsFailMode" in config:
        mode = config["limitsFailMode"]
        if type(mode) is not str or mode not in FAIL_MODES:
            return False
        result["limitsFailMode"] = mode
    if "allowedCountryCodes" in config:
        codes = config["allowedCountryCodes"]
        if type(codes) is not list:
            return False
        for code in codes:
            if type(code) is not str or not COUNTRY_RE.search(code):
                return False
        if len(set(codes)) != len(codes):
            return False
        result["allowedCountryCodes"] = list(codes)
    if "minSendIntervalSeconds" in config:
        interval = config["minSendIntervalSeconds"]
        low, high = bounds("minSendIntervalSeconds")
        if type(interval) not in (int, float) or not low <= interval <= high:
            return False  # NaN fails the comparison too
        result["minSendIntervalSeconds"] = interval
    return _unknown_ok(config, PROPS, 1)


def _unknown_ok(mapping: dict[Any, Any], known: Any, level: int) -> bool:
    """Unknown keys are tolerated, but their values must not nest deeper than MAX_DEPTH.

    ``level`` is the depth of the mapping's values in the whole config (its root is 0).
    """
    for key, value in mapping.items():
        if key not in known and isinstance(value, (dict, list)) and not depth_ok(value, level):
            return False
    return True
