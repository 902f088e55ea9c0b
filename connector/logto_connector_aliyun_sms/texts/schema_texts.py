"""The config schema's titles and descriptions in a language (``schema_for``), for form builders."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

from ..config.schema import CONFIG_SCHEMA
from .form_texts import form_texts
from .metadata import resolve_language

_PATTERN_FIELD = re.compile(r"\{(\w+)\}")


def described_nodes(schema: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every subschema with a ``description``, with its JSON Pointer, in document order."""
    if isinstance(schema, dict):
        if "description" in schema:
            yield pointer, schema
        for key, value in schema.items():
            yield from described_nodes(value, f"{pointer}/{_escape(key)}")
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from described_nodes(value, f"{pointer}/{index}")


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def translation(pointer: str, language: str) -> tuple[str | None, str | None]:
    """The (title, description) of one schema node in ``language``; None where the data lacks it.

    Top-level properties take their form item's label as title.
    """
    texts = form_texts()
    entry = texts["schema"].get(pointer)
    if entry is not None:
        title = entry.get("title", {}).get(language)
        if title is None and pointer.count("/") == 2 and pointer.startswith("/properties/"):
            title = texts["form"][pointer.rsplit("/", 1)[1]]["label"].get(language)
        return title, entry["description"].get(language)
    for pattern, phrases in texts["schemaPatterns"].items():
        fields = _match(pattern, pointer)
        if fields is not None:
            return tuple(  # type: ignore[return-value]
                _fill(phrases[part].get(language), fields) for part in ("title", "description")
            )
    return None, None


def _match(pattern: str, pointer: str) -> dict[str, str] | None:
    """The ``{field}`` values when ``pointer`` fits ``pattern``, else None."""
    escaped = re.escape(pattern).replace(r"\{", "{").replace(r"\}", "}")
    found = re.fullmatch(_PATTERN_FIELD.sub(r"(?P<\1>[A-Za-z]+)", escaped), pointer)
    return found.groupdict() if found else None


def _fill(text: str | None, fields: dict[str, str]) -> str | None:
    if text is None:
        return None
    for name, value in fields.items():
        text = text.replace("{" + name + "}", value)
    return text


def schema_for(language: str) -> dict[str, Any]:
    """The config JSON Schema with every ``title`` and ``description`` in one language.

    ``language`` is any BCP 47 tag (see ``resolve_language``); the rules are unchanged, only
    the texts differ, so the result validates exactly as ``CONFIG_SCHEMA`` does.
    """
    lang = resolve_language(language)
    schema = copy.deepcopy(CONFIG_SCHEMA)
    if lang == "en":
        return schema
    for pointer, node in list(described_nodes(schema)):
        title, description = translation(pointer, lang)
        if title is not None and "title" in node:
            node["title"] = title
        if description is not None:
            node["description"] = description
    return schema
