"""``check_config``: a config's errors and warnings, each placed at its field, as JSON.

Errors are exactly ``validate_config``'s problems (the same verdict, the same words); warnings
are what passes Logto yet will fail or surprise at the first send (see ``config_warnings``).
"""

from __future__ import annotations

import re
from typing import Any

from ._schema import REQUIRED_USAGE_TYPES
from .config import (
    _parse,
    _path_text,
    config_problems,
    missing_usage_text,
    validate_config,
    without_blank_options,
)
from .kit import ConnectorError, TemplateType

_AliyunCode = re.compile(r"SMS_[0-9]{6,}")
_PLACEHOLDER = re.compile(r"<.*>|\$\{.*\}|\{\{.*\}\}|x{3,}|template[-_ ]?code|todo|changeme", re.I)
_MAINLAND = frozenset({"86", "+86", "CN"})
_USAGE_TYPES = {t.value: t.value for t in TemplateType}
_LOOSE_USAGE = {re.sub(r"[\W_]", "", name).lower(): name for name in _USAGE_TYPES}


def pointer(path: list[Any]) -> str:
    """The JSON Pointer (RFC 6901) of a path of keys and indexes: ``/templates/0/templateCode``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _problem(path: list[Any], message: str) -> dict[str, str]:
    key = path[0] if path and isinstance(path[0], str) else ""
    return {"pointer": pointer(path), "key": key, "message": message}


def check_config(config: Any) -> dict[str, Any]:
    """Check a config (a dict, or JSON text) for a form: ``{"valid", "errors", "warnings"}``.

    ``valid`` is ``validate_config``'s verdict. Each error and warning is
    ``{"pointer": "/templates/0/templateCode", "key": "templates", "message": ...}``: the JSON
    Pointer of the value and the form item it belongs to (``""`` for the config as a whole).
    Error messages are ``validate_config``'s; no message quotes a value of the config.
    """
    try:
        parsed = _parse(config)
    except ConnectorError as error:  # not JSON text: one problem, the config as a whole
        return {"valid": False, "errors": [_root(error)], "warnings": []}
    errors: list[dict[str, str]] = []
    try:
        validate_config(parsed)
    except ConnectorError as error:
        errors = _errors(parsed, error)
    warnings = config_warnings(parsed) if isinstance(parsed, dict) else []
    return {"valid": not errors, "errors": errors, "warnings": warnings}


def _root(error: ConnectorError) -> dict[str, str]:
    data = error.data if isinstance(error.data, dict) else {}
    return _problem([], str(data.get("message", error.code.value)))


def _errors(config: Any, error: ConnectorError) -> list[dict[str, str]]:
    """``validate_config``'s problems, placed: the same list, each with its pointer and key."""
    data = error.data if isinstance(error.data, dict) else {}
    listed = data.get("errors") or []
    if not isinstance(config, dict) or (listed[:1] and listed[0].get("path") == "(root)"):
        return [_root(error)]  # not an object, or nested too deep
    found, missing, _ = config_problems(without_blank_options(config))
    errors = [_problem(path, f"{_path_text(path)} {message}") for path, message in found]
    if missing:
        errors.append(_problem(["templates"], missing_usage_text(missing)))
    return errors[: len(listed)] if listed else errors


def config_warnings(config: dict[str, Any]) -> list[dict[str, str]]:
    """What a config that Logto accepts may still get wrong at its first send.

    Placeholder or non-Aliyun-looking template codes, usage types Logto never sends (one that
    differs from a real one only by case or ``_`` above all) or repeats, templates with one
    code while ``allowedCountryCodes`` admits numbers outside mainland China, and a secret
    that looks like an AccessKey ID. Values of the wrong type are left to the errors.
    """
    config = without_blank_options(config)
    found: list[dict[str, str]] = []
    templates = config.get("templates")
    if isinstance(templates, list):
        found += _template_warnings(templates, _overseas_allowed(config))
    secret = config.get("accessKeySecret")
    looks_like_id = isinstance(secret, str) and secret.startswith("LTAI")
    if looks_like_id or (isinstance(secret, str) and secret == config.get("accessKeyId")):
        found.append(
            _problem(
                ["accessKeySecret"],
                "accessKeySecret looks like an AccessKey ID (it starts with LTAI or equals "
                "accessKeyId): paste the AccessKey Secret, the longer string shown beside it "
                "when the key was created",
            )
        )
    sign = config.get("signName")
    if isinstance(sign, str) and ("【" in sign or "】" in sign):
        found.append(
            _problem(["signName"], "signName should not hold 【】: Aliyun adds the brackets itself")
        )
    return found


def _overseas_allowed(config: dict[str, Any]) -> bool:
    """Whether ``allowedCountryCodes`` is given and admits a number outside mainland China."""
    codes = config.get("allowedCountryCodes")
    if not isinstance(codes, list) or not codes:
        return False  # absent or empty: Logto's behaviour, no allow-list set up
    return any(isinstance(c, str) and c.upper() not in _MAINLAND for c in codes)


def _template_warnings(templates: list[Any], overseas: bool) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    seen: set[str] = set()
    for index, template in enumerate(templates):
        if not isinstance(template, dict):
            continue
        found += _usage_type_warnings(template.get("usageType"), index, seen)
        code = template.get("templateCode")
        where = ["templates", index, "templateCode"]
        if isinstance(code, str):
            found += _code_warnings(code, where)
            if overseas:
                found.append(
                    _problem(
                        where,
                        f"{_path_text(where)} is one code for every number, but "
                        "allowedCountryCodes admits numbers outside mainland China, which need "
                        "an international template: give {china, overseas}, or allow only 86",
                    )
                )
        elif isinstance(code, dict):
            for part in ("china", "overseas"):
                if isinstance(code.get(part), str):
                    found += _code_warnings(code[part], [*where, part])
    return found


def _usage_type_warnings(usage: Any, index: int, seen: set[str]) -> list[dict[str, str]]:
    if not isinstance(usage, str):
        return []
    where = ["templates", index, "usageType"]
    if usage in seen:
        return [_problem(where, f"{_path_text(where)} repeats {usage}: only the first is used")]
    seen.add(usage)
    if usage in _USAGE_TYPES:
        return []
    meant = _LOOSE_USAGE.get(re.sub(r"[\W_]", "", usage).lower())
    if meant is not None:
        hint = f"Logto sends {meant} (case and spelling matter), so this template is never used"
        if meant in REQUIRED_USAGE_TYPES:
            hint = f"Logto sends {meant} (case and spelling matter): write {meant}"
        return [_problem(where, f"{_path_text(where)} is not {meant}: {hint}")]
    known = ", ".join(_USAGE_TYPES)
    return [
        _problem(
            where,
            f"{_path_text(where)} is not a message type Logto sends ({known}), "
            "so this template is never used",
        )
    ]


def _code_warnings(code: str, where: list[Any]) -> list[dict[str, str]]:
    if not code.strip():
        return []  # an empty code is an error already
    if _PLACEHOLDER.search(code):
        return [
            _problem(
                where,
                f"{_path_text(where)} is a placeholder: copy the real template code "
                "(模板 CODE, such as SMS_123456789) from the SMS console; Aliyun refuses a "
                "placeholder (isv.SMS_TEMPLATE_ILLEGAL)",
            )
        ]
    if not _AliyunCode.fullmatch(code.strip()):
        return [
            _problem(
                where,
                f"{_path_text(where)} does not look like an Aliyun template code "
                "(SMS_ and digits, such as SMS_123456789)",
            )
        ]
    return []
