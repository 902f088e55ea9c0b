"""The connector config: the shipped JSON Schema and ``validate_config``."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from .kit import ConnectorError, ConnectorErrorCode

REQUIRED_USAGE_TYPES = ("Register", "SignIn", "ForgotPassword", "Generic")
DEFAULT_TEMPLATE_TYPE = 2
_MAX_CONFIG_TEXT = 1 << 20  # a config given as JSON text is at most 1 MiB
_MAX_DEPTH = 64


def _load_schema() -> dict[str, Any]:
    text = Path(__file__).with_name("config.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


CONFIG_SCHEMA: dict[str, Any] = _load_schema()
"""The JSON Schema (draft 2020-12) of the connector config, as shipped in the package."""


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator  # imported on first use: keeps import cheap

    return Draft202012Validator(CONFIG_SCHEMA, format_checker=None)


def _invalid(message: str, errors: list[dict[str, str]] | None = None) -> ConnectorError:
    data: dict[str, Any] = {"message": message}
    if errors is not None:
        data["errors"] = errors
    return ConnectorError(ConnectorErrorCode.INVALID_CONFIG, data)


def _path_text(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


def _depth_ok(value: Any, depth: int = 0) -> bool:
    """Iteratively check nesting depth, so hostile input cannot exhaust the stack."""
    stack = [(value, depth)]
    while stack:
        item, level = stack.pop()
        if level > _MAX_DEPTH:
            return False
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return True


def _missing_usage_types(config: dict[str, Any]) -> list[str]:
    templates = config.get("templates")
    if not isinstance(templates, list):
        return []
    present = {t.get("usageType") for t in templates if isinstance(t, dict)}
    return [u for u in REQUIRED_USAGE_TYPES if u not in present]


def _problems(config: Any) -> Iterator[dict[str, str]]:
    for error in sorted(_validator().iter_errors(config), key=lambda e: list(e.absolute_path)):
        if error.validator == "contains":
            continue  # reported once, by name, below
        yield {"path": _path_text(error.absolute_path), "message": _error_message(error)}


def _error_message(error: Any) -> str:
    if error.validator == "oneOf" and list(error.absolute_path)[-1:] == ["templateCode"]:
        return "must be a non-empty string or an object {china, overseas} of non-empty strings"
    if error.validator == "minLength" and error.validator_value == 1:
        return "must not be empty"
    message: str = error.message
    return message if len(message) <= 300 else message[:297] + "..."


def _parse(config: Any) -> Any:
    if isinstance(config, (bytes, bytearray)):
        try:
            config = config.decode("utf-8")
        except UnicodeDecodeError:
            raise _invalid("config is not UTF-8 JSON") from None
    if isinstance(config, str):
        if len(config) > _MAX_CONFIG_TEXT:
            raise _invalid("config JSON text is larger than 1 MiB")
        try:
            config = json.loads(config)
        except (ValueError, RecursionError) as exc:
            raise _invalid(f"config is not valid JSON: {type(exc).__name__}") from None
    return config


def validate_config(config: Any) -> dict[str, Any]:
    """Validate a connector config (a dict, or JSON text) and return it with defaults applied.

    Raises ``ConnectorError(INVALID_CONFIG)`` whose data lists every problem with its path
    (``templates[2].templateCode``). Unknown keys are tolerated and dropped, as Logto does.
    """
    config = _parse(config)
    if not isinstance(config, dict):
        raise _invalid(f"config must be a JSON object, not {type(config).__name__}")
    if not _depth_ok(config):
        raise _invalid(f"config is nested deeper than {_MAX_DEPTH} levels")
    if _validator().is_valid(config):
        return _with_defaults(config)
    errors = list(_problems(config))
    missing = _missing_usage_types(config)
    messages = []
    if missing:
        text = f"Template with UsageType ({', '.join(missing)}) should be provided!"
        errors.append({"path": "templates", "message": text})
        messages.append(text)
    if errors:
        messages.insert(0, f"Invalid config: {len(errors)} problem(s)")
        raise _invalid(" ".join(messages), errors)
    return _with_defaults(config)


def _with_defaults(config: dict[str, Any]) -> dict[str, Any]:
    known = CONFIG_SCHEMA["properties"]
    result = {key: copy.deepcopy(value) for key, value in config.items() if key in known}
    result.setdefault("strictPhoneRegionNumberCheck", False)
    template_keys = CONFIG_SCHEMA["$defs"]["template"]["properties"]
    templates = []
    for template in result["templates"]:
        clean = {key: value for key, value in template.items() if key in template_keys}
        clean.setdefault("type", DEFAULT_TEMPLATE_TYPE)
        if isinstance(clean["templateCode"], dict):
            code = clean["templateCode"]
            clean["templateCode"] = {"china": code["china"], "overseas": code["overseas"]}
        templates.append(clean)
    result["templates"] = templates
    return result
