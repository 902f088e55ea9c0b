"""What a config that Logto accepts can still get wrong at its first send: ``check_config``'s
warnings, each placed at its field, in the language of the form (texts in ``form_texts.json``)."""

from __future__ import annotations

import re
from typing import Any

from ._schema import REQUIRED_USAGE_TYPES
from .config import _path_text, without_blank_options
from .kit import TemplateType

_ALIYUN_CODE = re.compile(r"SMS_[0-9]{6,}")
_PLACEHOLDER = re.compile(r"<.*>|\$\{.*\}|\{\{.*\}\}|x{3,}|template[-_ ]?code|todo|changeme", re.I)
_MAINLAND = frozenset({"86", "+86", "CN"})
_USAGE_TYPES = tuple(t.value for t in TemplateType)
_LOOSE_USAGE = {re.sub(r"[\W_]", "", name).lower(): name for name in _USAGE_TYPES}


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
        from ._form_texts import form_texts, pick
        from .metadata import resolve_language

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
