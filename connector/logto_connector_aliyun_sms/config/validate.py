"""``validate_config``: a config checked against the shipped JSON Schema (``jsonschema``), with
defaults applied; every problem listed by path, in words that never quote the config's values.

The schema file is the single authority: the same file serves admin tools in other languages
(the tests check the verdicts against Ajv). Sends validate once per distinct config (see
``prepared``), so this path is not on a send's hot path.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from functools import lru_cache
from itertools import chain, islice
from typing import Any, cast

from ..kit import AliyunSmsConfig, ConnectorError, ConnectorErrorCode
from .schema import (
    CONFIG_SCHEMA,
    DEFAULT_TEMPLATE_TYPE,
    INT_KEYS,
    MAX_DEPTH,
    NULLABLE,
    REQUIRED_USAGE_TYPES,
    STRING_KEYS,
    TEXT_PATTERN,
    depth_ok,
)

MAX_CONFIG_TEXT = 1 << 20
"""A config given as JSON text (``str`` or ``bytes``) is at most 1 MiB."""
MAX_LISTED_ERRORS = 50
_MAX_COLLECTED = 4 * MAX_LISTED_ERRORS  # a huge bad config is judged on its first problems


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator  # imported on first use: keeps import cheap

    return Draft202012Validator(_dereferenced(CONFIG_SCHEMA, CONFIG_SCHEMA["$defs"], ()))


def _dereferenced(node: Any, defs: dict[str, Any], seen: tuple[str, ...]) -> Any:
    """``node`` with each ``#/$defs/...`` reference replaced by its target (beside other keywords,
    under ``allOf``): the same verdicts and errors, without a registry lookup per reference,
    which costs jsonschema about 40% of a validation. A reference back into itself is kept."""
    if isinstance(node, list):
        return [_dereferenced(item, defs, seen) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _dereferenced(value, defs, seen) for key, value in node.items()}
    ref = node.get("$ref")
    name = ref[len("#/$defs/") :] if isinstance(ref, str) and ref.startswith("#/$defs/") else ""
    if name in defs and name not in seen:
        del out["$ref"]
        target = _dereferenced(defs[name], defs, (*seen, name))
        if not out:
            return target
        out["allOf"] = [*out.get("allOf", []), target]
    return out


# --- errors ---------------------------------------------------------------------------------


def _invalid(message: str, errors: list[dict[str, str]] | None = None) -> ConnectorError:
    """INVALID_CONFIG; ``data["errors"]`` is always there (the whole config when no path)."""
    data: dict[str, Any] = {
        "message": message,
        "errors": errors if errors is not None else [{"path": "(root)", "message": message}],
        "retryable": False,
    }
    return ConnectorError(ConnectorErrorCode.INVALID_CONFIG, data)


def _path_text(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


_TYPE_NAMES = {
    "string": "a string",
    "array": "an array",
    "object": "an object",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a number",
}
_TEXT_HINT = (
    "must not contain control characters (line breaks, tabs, other C0/C1 codes, DEL) or lone "
    "surrogates"
)
_PATTERN_HINTS = {
    "endpoint": "must be a host, host:port or URL without a path; http:// only for loopback "
    "addresses",
    "allowedCountryCodes": 'must be a calling code ("86", "+852") or a two-letter region ("CN")',
}


def _problems(config: Any) -> Iterator[tuple[list[Any], str]]:
    """Every schema violation as (path, message). Messages never quote the config's values.

    Every error of the validator yields at least one problem (except ``contains``, which the
    caller reports by name), so a config the schema rejects can never pass for want of words.
    """
    for error in _validator().iter_errors(config):
        if _said_by_type(error):
            continue
        explained = list(_explain(error))
        if not explained and error.validator not in ("contains", "const"):
            explained = [(list(error.absolute_path), "is invalid")]
        yield from explained


def _said_by_type(error: Any) -> bool:
    """An ``enum`` miss on a value of the wrong type: the ``type`` problem beside it says it all."""
    declared = error.schema.get("type") if isinstance(error.schema, dict) else None
    if error.validator != "enum" or declared is None:
        return False
    kinds = [declared] if isinstance(declared, str) else declared
    return not any(_validator().is_type(error.instance, kind) for kind in kinds)


def _explain(error: Any) -> Iterator[tuple[list[Any], str]]:
    path = list(error.absolute_path)
    kind = error.validator
    if kind in ("contains", "const") and path == ["templates"]:
        return  # reported once, naming every missing usage type, by the caller
    if kind == "oneOf" and path[-1:] == ["templateCode"]:
        if isinstance(error.instance, (dict, str)):
            # The form meant (the object: templateCode.china, ...; or the string) says what.
            meant = 1 if isinstance(error.instance, dict) else 0
            for sub in error.context:
                if list(sub.schema_path)[:1] == [meant]:
                    yield from _explain(sub)
        else:
            yield path, "must be a non-empty string or an object {china, overseas}"
        return
    if kind == "required":
        for name in error.validator_value:
            if isinstance(error.instance, dict) and name not in error.instance:
                yield [*path, name], "is required"
        return
    if kind == "type":
        declared = error.validator_value
        kind = declared if isinstance(declared, str) else next(k for k in declared if k != "null")
        yield path, f"must be {_TYPE_NAMES.get(kind, kind)}"
    elif kind == "minLength":
        yield path, "must not be empty"
    elif kind == "enum":
        yield (
            path,
            "must be one of " + ", ".join(str(v) for v in error.validator_value if v is not None),
        )
    elif kind == "minimum":
        yield path, f"must be at least {error.validator_value}"
    elif kind == "maximum":
        yield path, f"must be at most {error.validator_value}"
    elif kind == "uniqueItems":
        yield path, "must not repeat a value"
    elif kind == "pattern" and error.validator_value == TEXT_PATTERN:
        yield path, _TEXT_HINT
    elif kind == "pattern":
        key = next((p for p in reversed(path) if isinstance(p, str)), "")
        yield path, _PATTERN_HINTS.get(key, "does not have the expected form")
    else:  # pragma: no cover - every keyword the schema uses is handled above
        yield path, f"is invalid ({kind})"


def missing_usage_types(
    config: dict[str, Any], required: tuple[str, ...] = REQUIRED_USAGE_TYPES
) -> list[str]:
    """The ``required`` usage types no template of ``config`` serves, in their order."""
    templates = config.get("templates")
    if not isinstance(templates, list):
        return []
    present = {
        t["usageType"]
        for t in templates
        if isinstance(t, dict) and isinstance(t.get("usageType"), str)
    }
    return [u for u in required if u not in present]


def _non_finite(config: dict[str, Any]) -> Iterator[tuple[list[Any], str]]:
    # JSON has no NaN or Infinity, but a Python dict can; the schema's bounds let NaN through.
    value = config.get("minSendIntervalSeconds")
    if isinstance(value, float) and not math.isfinite(value):
        yield ["minSendIntervalSeconds"], "must be a finite number"


# --- parsing --------------------------------------------------------------------------------


class _NotJson(ValueError):
    """NaN, Infinity or -Infinity: Python's json reads them, JSON has no such values."""


def _reject_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not a JSON value")


def _parse(config: Any) -> Any:
    if isinstance(config, (bytes, bytearray, memoryview)):
        if len(config) > MAX_CONFIG_TEXT:
            raise _invalid("config JSON text is larger than 1 MiB")
        try:
            config = bytes(config).decode("utf-8")
        except UnicodeDecodeError:
            raise _invalid("config is not UTF-8 JSON text") from None
    if isinstance(config, str):
        if len(config) > MAX_CONFIG_TEXT:
            raise _invalid("config JSON text is larger than 1 MiB")
        try:
            config = json.loads(config, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:  # where, never the text itself (it may hold secrets)
            where = f"line {exc.lineno} column {exc.colno}"
            raise _invalid(f"config is not valid JSON: {exc.msg} at {where}") from None
        except _NotJson as exc:
            raise _invalid(f"config is not valid JSON: {exc}") from None
        except (ValueError, RecursionError) as exc:  # int-digit limit, nesting
            raise _invalid(f"config is not valid JSON ({type(exc).__name__})") from None
    return config


# --- the full path --------------------------------------------------------------------------


def validate_config(config: Any) -> AliyunSmsConfig:
    """Validate a connector config (a dict, or JSON text) and return it with defaults applied.

    The result holds only the keys the schema knows (unknown keys are dropped, as Logto drops
    them), every template has its ``type`` (default 2) and ``strictPhoneRegionNumberCheck`` is
    set (default False). The input is not modified.

    Raises ``ConnectorError(INVALID_CONFIG)`` whose ``data["errors"]`` lists every problem as
    ``{"path": "templates[2].templateCode", "message": ...}``; the text names missing usage
    types the way Logto does. Neither quotes a value of the config, so no secret leaks.
    """
    config = _parse(config)
    if not isinstance(config, dict):
        raise _invalid(f"config must be a JSON object, not {_json_type(config)}")
    config = without_blank_options(config)
    if not depth_ok(config):
        raise _invalid(f"config is nested deeper than {MAX_DEPTH} levels")
    if _validator().is_valid(config) and not any(_non_finite(config)):
        return _with_defaults(config)
    found, missing, truncated = config_problems(config)
    raise invalid_config(found, missing_usage_text(missing) if missing else "", truncated)


def invalid_config(found: list[Problem], missing: str, truncated: bool = False) -> ConnectorError:
    """INVALID_CONFIG listing the problems found (at most MAX_LISTED_ERRORS), then ``missing``
    (the text naming missing usage types, ``""`` when none is); ``truncated``: not all counted,
    as a huge config is not worth a full walk."""
    errors = [{"path": _path_text(path), "message": message} for path, message in found]
    texts = [f"{e['path']} {e['message']}" for e in errors]
    if missing:
        errors.append({"path": "templates", "message": missing})
        texts.append(missing)
    shown = texts[:MAX_LISTED_ERRORS]
    more = f"; and {len(texts) - len(shown)} more" if len(texts) > len(shown) else ""
    count = str(len(texts))
    if truncated:
        count, more = f"{len(texts)}+", "; and more"
    return _invalid(
        f"Invalid config ({count} problem{'s' if len(texts) != 1 else ''}): "
        + "; ".join(shown)
        + more,
        errors[:MAX_LISTED_ERRORS],
    )


def without_blank_options(
    config: dict[str, Any], nullable: frozenset[str] = NULLABLE
) -> dict[str, Any]:
    """``config`` without the connector's optional keys (``nullable``) that hold ``None``."""
    if None not in config.values():
        return config
    return {k: v for k, v in config.items() if not (v is None and k in nullable)}


Problem = tuple[list[Any], str]
"""(path as keys and indexes, message): one thing wrong with a config."""


def config_problems(config: dict[str, Any]) -> tuple[list[Problem], list[str], bool]:
    """The problems of a config object (nested at most MAX_DEPTH): the schema's, in path
    order and each once; the required usage types it lacks; whether the list was cut short."""
    collected = list(islice(chain(_non_finite(config), _problems(config)), _MAX_COLLECTED + 1))
    truncated = len(collected) > _MAX_COLLECTED
    found = sorted(collected[:_MAX_COLLECTED], key=_path_order)
    unique = dict.fromkeys((tuple(path), message) for path, message in found)
    return (
        [(list(path), message) for path, message in unique],
        missing_usage_types(config),
        truncated,
    )


def missing_usage_text(missing: list[str]) -> str:
    """The problem of missing usage types, worded the way Logto words it."""
    return f"Template with UsageType ({', '.join(missing)}) should be provided!"


def _path_order(problem: tuple[list[Any], str]) -> list[tuple[int, Any]]:
    return [(0, part) if isinstance(part, int) else (1, str(part)) for part in problem[0]]


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "an array"
    return type(value).__name__


def _with_defaults(config: dict[str, Any]) -> AliyunSmsConfig:
    """The schema-valid config as plain JSON types, unknown keys dropped, defaults applied."""
    result: dict[str, Any] = {key: str(config[key]) for key in STRING_KEYS}
    templates = []
    for template in config["templates"]:
        code = template["templateCode"]
        if isinstance(code, dict):
            code = {"china": str(code["china"]), "overseas": str(code["overseas"])}
        else:
            code = str(code)
        templates.append(
            {
                "usageType": str(template["usageType"]),
                "templateCode": code,
                "type": int(template.get("type", DEFAULT_TEMPLATE_TYPE)),
            }
        )
    result["templates"] = templates
    result["strictPhoneRegionNumberCheck"] = bool(config.get("strictPhoneRegionNumberCheck", False))
    if "endpoint" in config:
        result["endpoint"] = str(config["endpoint"])
    for key in INT_KEYS:
        if key in config:
            result[key] = int(config[key])
    if "allowedCountryCodes" in config:
        result["allowedCountryCodes"] = [str(code) for code in config["allowedCountryCodes"]]
    if "limitsFailMode" in config:
        result["limitsFailMode"] = str(config["limitsFailMode"])
    if "minSendIntervalSeconds" in config:
        interval = config["minSendIntervalSeconds"]
        result["minSendIntervalSeconds"] = (
            float(interval) if isinstance(interval, float) else int(interval)
        )
    return cast(AliyunSmsConfig, result)
