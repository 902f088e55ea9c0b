"""Render the generated parts of the docs, in English, Japanese and Simplified Chinese.

- the config table in ``docs/<lang>/config.md``, from the JSON Schema's descriptions;
- the error table in ``docs/<lang>/errors.md``, from ``aliyun_errors.ANSWERS`` and its hints.

Each table sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers; everything
outside the markers is hand-written. Usage::

    .venv/bin/python docs/gen_config_reference.py          # rewrite the tables in place
    .venv/bin/python docs/gen_config_reference.py --check  # exit 1 if a table is out of date

English descriptions come from the schema itself. The other languages come from the package's
``form_texts.json`` (the same texts ``schema_for(language)`` uses), keyed by JSON Pointer, each
with a fingerprint of the English title and description it was translated from: when the
schema's text changes, the fingerprint no longer matches and ``--check`` (and
``tests/test_docs.py``) fail until the translation is updated.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from logto_connector_aliyun_sms import CONFIG_SCHEMA
from logto_connector_aliyun_sms.aliyun_errors import ANSWERS, hint
from logto_connector_aliyun_sms.texts.form_texts import fingerprint, form_texts
from logto_connector_aliyun_sms.texts.hints import HINTS
from logto_connector_aliyun_sms.texts.schema_texts import described_nodes, translation

DOCS = Path(__file__).resolve().parent
SCHEMA_FILE = DOCS.parent / "schema" / "aliyun-sms-connector.schema.json"
LANGS = ("en", "ja", "zh-CN")
CONFIG_TABLE = "config-table"
ERROR_TABLE = "error-table"

# --- words of the tables ----------------------------------------------------------------------

HEADERS = {
    CONFIG_TABLE: {
        "en": ("Key", "Type", "Required", "Default", "Description"),
        "ja": ("キー", "型", "必須", "既定値", "説明"),
        "zh-CN": ("配置项", "类型", "必填", "默认值", "说明"),
    },
    ERROR_TABLE: {
        "en": ("Aliyun `Code`", "ConnectorErrorCode", "Retry may help", "What the admin should do"),
        "ja": (
            "Aliyun の `Code`",
            "ConnectorErrorCode",
            "再送で解決しうるか",
            "管理者がすべきこと",
        ),
        "zh-CN": ("阿里云 `Code`", "ConnectorErrorCode", "重试可能有效", "管理员应如何处理"),
    },
}
WORDS = {
    "non-empty": {"en": "non-empty", "ja": "空文字不可", "zh-CN": "非空"},
    "yes": {"en": "yes", "ja": "はい", "zh-CN": "是"},
    "no": {"en": "no", "ja": "いいえ", "zh-CN": "否"},
}

# --- rendering ---------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def load_schema() -> dict[str, Any]:
    """The canonical schema file of the repository (the package ships a copy of it)."""
    if SCHEMA_FILE.exists():
        schema: dict[str, Any] = json.loads(SCHEMA_FILE.read_text("utf-8"))
        return schema
    return CONFIG_SCHEMA


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return node
    target: Any = schema
    for part in ref[2:].split("/"):
        target = target[part]
    resolved: dict[str, Any] = target
    return resolved


def _walk(
    schema: dict[str, Any], node: dict[str, Any], prefix: str
) -> Iterator[tuple[str, dict[str, Any], bool]]:
    required = set(node.get("required", []))
    for key, child in node.get("properties", {}).items():
        path = f"{prefix}{key}"
        yield path, child, key in required
        yield from _inside(schema, child, path)


def _inside(
    schema: dict[str, Any], node: dict[str, Any], path: str
) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """The documented keys nested in one property: array items, object variants."""
    items = node.get("items")
    if isinstance(items, dict):
        item = _resolve(schema, items)
        if "properties" in item:
            yield from _walk(schema, item, f"{path}[].")
        elif "description" in item:
            yield f"{path}[]", item, False
    for variant in node.get("oneOf", []):
        variant = _resolve(schema, variant)
        if "properties" in variant:
            yield from _walk(schema, variant, f"{path}.")


def config_rows(
    schema: dict[str, Any] | None = None,
) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """Every documented key: (path, schema node, required in its parent), in schema order."""
    schema = schema or load_schema()
    yield from _walk(schema, schema, "")


def _type(node: dict[str, Any], lang: str) -> str:
    if "oneOf" in node:
        return " \\| ".join(_type(variant, lang) for variant in node["oneOf"])
    if "enum" in node:
        return " \\| ".join(f"`{value}`" for value in node["enum"])
    kind = node.get("type", "")
    if isinstance(kind, list):  # ["integer", "null"]: null means absent, as documented
        kind = next(k for k in kind if k != "null")
    if kind == "array":
        items = node.get("items", {})
        name = items["$ref"].rsplit("/", 1)[-1] if "$ref" in items else items.get("type", "")
        return f"`{name}[]`"
    if kind == "object":
        return "`{" + ", ".join(node.get("properties", {})) + "}`"
    text = f"`{kind}`"
    if node.get("minLength") == 1:
        text += f" ({WORDS['non-empty'][lang]})"
    if "minimum" in node and "maximum" in node:
        text += f" {node['minimum']}–{node['maximum']}"
    return text


def pointers(schema: dict[str, Any]) -> dict[int, str]:
    """The JSON Pointer of every described node of ``schema``, by the node's identity."""
    return {id(node): pointer for pointer, node in described_nodes(schema)}


def description(node: dict[str, Any], pointer: str, lang: str) -> str:
    """The description of one key in one language (English straight from the schema)."""
    english: str = node.get("description", "")
    if lang == "en":
        return english
    return translation(pointer, lang)[1] or english


def render_config_table(lang: str) -> str:
    """The config reference table for one language, as Markdown."""
    head = HEADERS[CONFIG_TABLE][lang]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    schema = load_schema()
    where = pointers(schema)
    for path, node, required in config_rows(schema):
        default = f"`{str(node['default']).lower()}`" if "default" in node else ""
        cells = [
            f"`{path}`",
            _type(node, lang),
            "✓" if required else "",
            default,
            _cell(description(node, where[id(node)], lang)),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_error_table(lang: str) -> str:
    """The Aliyun code -> ConnectorErrorCode table for one language, as Markdown."""
    head = HEADERS[ERROR_TABLE][lang]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for code, answer in ANSWERS.items():
        cells = [
            f"`{code}`",
            f"`{answer.error.value}`",
            WORDS["yes" if answer.retryable else "no"][lang],
            _cell(hint(code, lang) or ""),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def problems() -> list[str]:
    """What keeps the tables from being generated faithfully: missing or stale translations."""
    found = []
    schema = load_schema()
    where = pointers(schema)
    for path, node, _ in config_rows(schema):
        if "description" not in node or "title" not in node:
            found.append(f"schema: {path} needs a title and a description")
    entries = form_texts()["schema"]
    for pointer, node in described_nodes(schema):
        entry = entries.get(pointer)
        if entry is not None:
            now = fingerprint(node.get("title", ""), node["description"])
            if entry["source"] != now:
                found.append(
                    f"form_texts.json: {pointer or '(root)'} was translated from an older English "
                    f"text (fingerprint {entry['source']}, now {now})"
                )
        for lang in form_texts()["languages"][1:]:
            title, text = translation(pointer, lang)
            if text is None or (title is None and "title" in node):
                found.append(f"form_texts.json: {pointer or '(root)'} has no {lang}")
    found.extend(
        f"form_texts.json: {pointer} is not in the schema"
        for pointer in entries
        if pointer not in where.values()
    )
    found.extend(
        f"aliyun_errors: {code} has no {lang} hint"
        for code, answer in ANSWERS.items()
        for lang in LANGS
        if lang not in HINTS.get(answer.hint, {})
    )
    return found


def markers(name: str) -> tuple[str, str]:
    """The start and end markers of a generated block."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def generated_block(text: str, name: str) -> str | None:
    """The text between a block's markers (stripped), or None when the markers are missing."""
    start, end = markers(name)
    match = re.search(re.escape(start) + r"\n(.*?)\n?" + re.escape(end), text, re.S)
    return match.group(1).strip() if match else None


def replace_block(text: str, name: str, body: str) -> str:
    """``text`` with the block between ``name``'s markers replaced by ``body``."""
    start, end = markers(name)
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise ValueError(f"markers {start} ... {end} not found")
    return pattern.sub(lambda _: f"{start}\n{body}\n{end}", text, count=1)


TARGETS = {
    CONFIG_TABLE: ("config.md", render_config_table),
    ERROR_TABLE: ("errors.md", render_error_table),
}


def expected(docs: Path = DOCS) -> dict[Path, str]:
    """Every generated file as it should read."""
    out: dict[Path, str] = {}
    for name, (filename, render) in TARGETS.items():
        for lang in LANGS:
            path = docs / lang / filename
            current = out.get(path) or path.read_text("utf-8")
            out[path] = replace_block(current, name, render(lang))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail instead of rewriting")
    args = parser.parse_args(argv)
    issues = problems()
    if issues:
        print("\n".join(issues), file=sys.stderr)
        return 1
    stale = []
    for path, text in expected().items():
        if path.read_text("utf-8") == text:
            continue
        stale.append(path)
        if not args.check:
            path.write_text(text, "utf-8")
    for path in stale:
        verb = "out of date" if args.check else "rewritten"
        print(f"{path.relative_to(DOCS.parent)}: {verb}", file=sys.stderr)
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    raise SystemExit(main())
