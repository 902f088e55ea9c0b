"""``check_config``: a config's errors and warnings, each placed at its field, as JSON.

Errors are exactly ``validate_config``'s problems (the same verdict, the same words); warnings
are what passes Logto yet will fail or surprise at the first send (``config_warnings``), in the
language of the form (texts in ``texts/form_texts.json``).
"""

from __future__ import annotations

import re
from typing import Any

from ..kit import ConnectorError, TemplateType
from .schema import REQUIRED_USAGE_TYPES
from .validate import (
    _parse,
    _path_text,
    config_problems,
    missing_usage_text,
    validate_config,
    without_blank_options,
)

_ALIYUN_CODE = re.compile(r"SMS_[0-9]{6,}")
_PLACEHOLDER = re.compile(r"<.*>|\$\{.*\}|\{\{.*\}\}|x{3,}|template[-_ ]?code|todo|changeme", re.I)
_MAINLAND = frozenset({"86", "+86", "CN"})
_USAGE_TYPES = tuple(t.value for t in TemplateType)
_LOOSE_USAGE = {re.sub(r"[\W_]", "", name).lower(): name for name in _USAGE_TYPES}


def check_config(config: Any, language: str = "en") -> dict[str, Any]:
    """Check a config (a dict, or JSON text) for a form: ``{"valid", "errors", "warnings"}``.

    ``valid`` is ``validate_config``'s verdict. Each error and warning is
    ``{"pointer": "/templates/0/templateCode", "key": "templates", "message": ...}``: the JSON
    Pointer of the value and the form item it belongs to (``""`` for the config as a whole).
    Error messages are ``validate_config``'s (English); warnings come in ``language`` (any
    BCP 47 tag, see ``resolve_language``). No message quotes a value of the config.
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
    warnings = config_warnings(parsed, language) if isinstance(parsed, dict) else []
    return {"valid": not errors, "errors": errors, "warnings": warnings}


def _root(error: ConnectorError) -> dict[str, str]:
    data = error.data if isinstance(error.data, dict) else {}
    return problem([], str(data.get("message", error.code.value)))


def _errors(config: Any, error: ConnectorError) -> list[dict[str, str]]:
    """``validate_config``'s problems, placed: the same list, each with its pointer and key."""
    data = error.data if isinstance(error.data, dict) else {}
    listed = data.get("errors") or []
    if not isinstance(config, dict) or (listed[:1] and listed[0].get("path") == "(root)"):
        return [_root(error)]  # not an object, or nested too deep
    found, missing, _ = config_problems(without_blank_options(config))
    errors = [problem(path, f"{_path_text(path)} {message}") for path, message in found]
    if missing:
        errors.append(problem(["templates"], missing_usage_text(missing)))
    return errors[: len(listed)] if listed else errors


def pointer(path: list[Any]) -> str:
    """The JSON Pointer (RFC 6901) of a path of keys and indexes: ``/templates/0/templateCode``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def problem(path: list[Any], message: str) -> dict[str, str]:
    """``{"pointer", "key", "message"}``: ``key`` is the form item (``""`` for the whole)."""
    key = path[0] if path and isinstance(path[0], str) else ""
    return {"pointer": pointer(path), "key": key, "message": message}


class _Warnings:
    """The warnings found so far, worded in one language."""

    def __init__(self, language: str) -> None:
        from ..texts.form_texts import form_texts, pick
        from ..texts.metadata import resolve_language

        language = resolve_language(language)
        self._texts = {k: pick(v, language) for k, v in form_texts()["warnings"].items()}
        self.found: list[dict[str, str]] = []

    def add(self, kind: str, path: list[Any], **fields: str) -> None:
        text = self._texts[kind].replace("{path}", _path_text(path))
        for name, value in fields.items():
            text = text.replace("{" + name + "}", value)
        self.found.append(problem(path, text))


def config_warnings(config: dict[str, Any], language: str = "en") -> list[dict[str, str]]:
    """What a config that Logto accepts may still get wrong at its first send.

    Placeholder or non-Aliyun-looking template codes, usage types Logto never sends (one that
    differs from a real one only by case or ``_`` above all) or repeats, templates with one
    code while ``allowedCountryCodes`` admits numbers outside mainland China, a secret that
    looks like an AccessKey ID, 【】 in ``signName``. Values of the wrong type are left to the
    errors; ``None`` for this connector's own optional keys is absent.
    """
    config = without_blank_options(config)
    warnings = _Warnings(language)
    templates = config.get("templates")
    if isinstance(templates, list):
        _templates(templates, _overseas_allowed(config), warnings)
    secret = config.get("accessKeySecret")
    if isinstance(secret, str) and (
        secret.startswith("LTAI") or secret == config.get("accessKeyId")
    ):
        warnings.add("secretLooksLikeId", ["accessKeySecret"])
    sign = config.get("signName")
    if isinstance(sign, str) and ("【" in sign or "】" in sign):
        warnings.add("bracketsInSignName", ["signName"])
    return warnings.found


def _overseas_allowed(config: dict[str, Any]) -> bool:
    """Whether ``allowedCountryCodes`` is given and admits a number outside mainland China."""
    codes = config.get("allowedCountryCodes")
    if not isinstance(codes, list) or not codes:
        return False  # absent or empty: Logto's behaviour, no allow-list set up
    return any(isinstance(c, str) and c.upper() not in _MAINLAND for c in codes)


def _templates(templates: list[Any], overseas: bool, warnings: _Warnings) -> None:
    seen: set[str] = set()
    for index, template in enumerate(templates):
        if not isinstance(template, dict):
            continue
        _usage_type(template.get("usageType"), ["templates", index, "usageType"], seen, warnings)
        code = template.get("templateCode")
        where: list[Any] = ["templates", index, "templateCode"]
        if isinstance(code, str):
            _code(code, where, warnings)
            if overseas:
                warnings.add("oneCodeAbroad", where)
        elif isinstance(code, dict):
            for part in ("china", "overseas"):
                if isinstance(code.get(part), str):
                    _code(code[part], [*where, part], warnings)


def _usage_type(usage: Any, where: list[Any], seen: set[str], warnings: _Warnings) -> None:
    if not isinstance(usage, str):
        return
    if usage in seen:
        warnings.add("repeatedUsageType", where, usageType=usage)
        return
    seen.add(usage)
    if usage in _USAGE_TYPES:
        return
    meant = _LOOSE_USAGE.get(re.sub(r"[\W_]", "", usage).lower())
    if meant is None:
        warnings.add("unknownUsageType", where, known=", ".join(_USAGE_TYPES))
    else:
        kind = "nearMissRequired" if meant in REQUIRED_USAGE_TYPES else "nearMiss"
        warnings.add(kind, where, meant=meant)


def _code(code: str, where: list[Any], warnings: _Warnings) -> None:
    if not code.strip():
        return  # an empty code is an error already
    if _PLACEHOLDER.search(code):
        warnings.add("placeholder", where)
    elif not _ALIYUN_CODE.fullmatch(code.strip()):
        warnings.add("notAliyunCode", where)
