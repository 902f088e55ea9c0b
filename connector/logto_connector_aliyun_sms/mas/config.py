"""The MAS connector's config: ``validate_config`` and ``check_config`` on its own schema.

The same verdicts as Logto's ``aliyunSmsMasConfigGuard`` on every config Logto accepts, except
values that can never work (an empty key, signature or template code; a control character or a
lone surrogate in a text value, refused by the schema's ``$defs/text`` as the SendSms schema
refuses it); the optional keys of the SendSms connector that apply here (``endpoint``, timeouts,
limits) work the same way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ..config.check import problem
from ..config.schema import MAX_DEPTH, depth_ok
from ..config.validate import (
    _explain,
    _invalid,
    _parse,
    _path_text,
    invalid_config,
    missing_usage_types,
    without_blank_options,
)
from ..kit import ConnectorError
from ._schema import CONFIG_SCHEMA, NULLABLE, REQUIRED_USAGE_TYPES, SYSTEM_TEMPLATES

MAX_LISTED_ERRORS = 50
_STRING_KEYS = ("accessKeyId", "accessKeySecret", "signName")
_INT_KEYS = (
    "connectTimeout",
    "readTimeout",
    "maxMessagesPerNumberPerDay",
    "maxMessagesPerIpPerHour",
    "maxMessagesPerCountryPerHour",
)
_PLACEHOLDER = re.compile(r"<.*>|\$\{.*\}|\{\{.*\}\}|x{3,}|signature[-_ ]?name|todo|changeme", re.I)

Problem = tuple[list[Any], str]


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator  # imported on first use: keeps import cheap

    return Draft202012Validator(CONFIG_SCHEMA)


def missing_usage_text(missing: list[str]) -> str:
    """The problem of missing usage types, worded as Logto's MAS connector words it."""
    return f"UsageType ({', '.join(missing)}) should be provided in templates."


def config_problems(config: dict[str, Any]) -> tuple[list[Problem], list[str]]:
    """The schema's problems of a config object, in path order and each once; the required
    usage types it lacks."""
    found: list[Problem] = []
    interval = config.get("minSendIntervalSeconds")
    if isinstance(interval, float) and not math.isfinite(interval):
        found.append((["minSendIntervalSeconds"], "must be a finite number"))
    for error in _validator().iter_errors(config):
        explained = list(_explain(error))
        if not explained and error.validator not in ("contains", "const"):
            explained = [(list(error.absolute_path), "is invalid")]
        found.extend(explained)
        if len(found) > 4 * MAX_LISTED_ERRORS:
            break
    order = sorted(found, key=lambda p: [(0, x) if isinstance(x, int) else (1, x) for x in p[0]])
    unique = dict.fromkeys((tuple(path), message) for path, message in order)
    return [(list(path), message) for path, message in unique], missing_usage_types(
        config, REQUIRED_USAGE_TYPES
    )


def validate_config(config: Any) -> dict[str, Any]:
    """Validate a MAS connector config (a dict, or JSON text); the config with only the keys
    the schema knows (unknown keys dropped, as Logto drops them) and its ``None`` options gone.

    Raises ``ConnectorError(INVALID_CONFIG)`` whose ``data["errors"]`` lists every problem as
    ``{"path", "message"}``; missing usage types are named the way Logto names them. No message
    quotes a value of the config.
    """
    config = _parse(config)
    if not isinstance(config, dict):
        raise _invalid("config must be a JSON object")
    if not depth_ok(config):
        raise _invalid(f"config is nested deeper than {MAX_DEPTH} levels")
    config = without_blank_options(config, NULLABLE)
    found, missing = config_problems(config)
    if not found and not missing:
        return _cleaned(config)
    raise invalid_config(found, missing_usage_text(missing) if missing else "")


def _cleaned(config: dict[str, Any]) -> dict[str, Any]:
    """A schema-valid config as plain JSON types, unknown keys dropped."""
    result: dict[str, Any] = {key: str(config[key]) for key in _STRING_KEYS}
    result["templates"] = [
        {"usageType": str(t["usageType"]), "templateCode": str(t["templateCode"])}
        for t in config["templates"]
    ]
    if "endpoint" in config:
        result["endpoint"] = str(config["endpoint"])
    for key in _INT_KEYS:
        if key in config:
            result[key] = int(config[key])
    if "minSendIntervalSeconds" in config:
        interval = config["minSendIntervalSeconds"]
        result["minSendIntervalSeconds"] = (
            float(interval) if isinstance(interval, float) else int(interval)
        )
    if "limitsFailMode" in config:
        result["limitsFailMode"] = str(config["limitsFailMode"])
    return result


def check_config(config: Any, language: str = "en") -> dict[str, Any]:
    """Check a config for a form: ``{"valid", "errors", "warnings"}``, each problem
    ``{"pointer", "key", "message"}`` (as the SendSms connector's ``check_config``).

    Errors are ``validate_config``'s (English); warnings, in ``language`` (any BCP 47 tag), are
    what Logto accepts yet Aliyun will refuse: a template code that is not one of the system
    templates, a placeholder signature name.
    """
    try:
        parsed = _parse(config)
    except ConnectorError as error:
        return {"valid": False, "errors": [_root(error)], "warnings": []}
    try:
        validate_config(parsed)
    except ConnectorError as error:
        data = error.data if isinstance(error.data, dict) else {}
        listed = data.get("errors") or []
        if not isinstance(parsed, dict) or not depth_ok(parsed):
            errors = [_root(error)]
        else:
            found, missing = config_problems(without_blank_options(parsed, NULLABLE))
            errors = [problem(path, f"{_path_text(path)} {msg}") for path, msg in found]
            if missing:
                errors.append(problem(["templates"], missing_usage_text(missing)))
            errors = errors[: len(listed)] if listed else errors
        return {"valid": False, "errors": errors, "warnings": _warnings(parsed, language)}
    return {"valid": True, "errors": [], "warnings": _warnings(parsed, language)}


def _root(error: ConnectorError) -> dict[str, str]:
    data = error.data if isinstance(error.data, dict) else {}
    return problem([], str(data.get("message", error.code.value)))


def _warnings(config: Any, language: str) -> list[dict[str, str]]:
    if not isinstance(config, dict):
        return []
    from ..texts.metadata import resolve_language
    from .metadata import texts

    lang = resolve_language(language)
    words = {key: text.get(lang) or text["en"] for key, text in texts()["warnings"].items()}
    return list(_warning_iter(config, words))


def _warning_iter(config: dict[str, Any], words: dict[str, str]) -> Iterator[dict[str, str]]:
    sign = config.get("signName")
    if isinstance(sign, str) and _PLACEHOLDER.search(sign):
        yield problem(["signName"], words["placeholderSign"])
    templates = config.get("templates")
    codes = ", ".join(SYSTEM_TEMPLATES)
    for index, template in enumerate(templates if isinstance(templates, list) else []):
        code = template.get("templateCode") if isinstance(template, dict) else None
        if isinstance(code, str) and code and code.strip() not in SYSTEM_TEMPLATES:
            path = f"templates[{index}].templateCode"
            yield problem(
                ["templates", index, "templateCode"],
                words["notSystemTemplate"].replace("{path}", path).replace("{codes}", codes),
            )
