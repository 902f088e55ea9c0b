"""The shipped JSON Schema of the config (``config.schema.json``), and the rules read from it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

REQUIRED_USAGE_TYPES = ("Register", "SignIn", "ForgotPassword", "Generic")
"""The usage types every config needs a template for, in the order Logto names them."""
DEFAULT_TEMPLATE_TYPE = 2
MAX_DEPTH = 64
"""Values nested deeper than this (anywhere, even under unknown keys) make a config invalid."""

_SCHEMA_FILE = "config.schema.json"
_REPO_SCHEMA = os.path.join("schema", "aliyun-sms-connector.schema.json")


def _read_json(path: str) -> Any:
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def _load_schema() -> tuple[str, dict[str, Any]]:
    """The schema file's path and contents."""
    here = os.path.dirname(os.path.realpath(__file__))
    path = os.path.realpath(os.path.join(here, _SCHEMA_FILE))
    try:
        schema: Any = _read_json(path)
    except (OSError, ValueError):
        # A checkout where the symlink became a plain text file (git without symlink support):
        # read the canonical file in the source tree instead.
        path = os.path.realpath(os.path.join(here, os.pardir, os.pardir, os.pardir, _REPO_SCHEMA))
        schema = _read_json(path)
    if not isinstance(schema, dict):  # pragma: no cover - the shipped file is an object
        raise TypeError(f"{_SCHEMA_FILE} does not hold a JSON object")
    return path, schema


SCHEMA_FILE, CONFIG_SCHEMA = _load_schema()
"""The JSON Schema (draft 2020-12) of the connector config, as shipped in the package."""

PROPS: dict[str, Any] = CONFIG_SCHEMA["properties"]
TEXT_PATTERN: str = CONFIG_SCHEMA["$defs"]["text"]["pattern"]
"""The pattern of every free-text string: no control character, no lone surrogate."""
NULLABLE = frozenset(k for k, p in PROPS.items() if "null" in p["type"])
"""This connector's own optional keys (Logto lacks them): ``None`` there means absent."""
STRING_KEYS = ("accessKeyId", "accessKeySecret", "signName")
INT_KEYS = (
    "connectTimeout",
    "readTimeout",
    "maxMessagesPerNumberPerDay",
    "maxMessagesPerIpPerHour",
    "maxMessagesPerCountryPerHour",
)


def schema_path() -> Path:
    """Absolute path of the JSON Schema file shipped in the package, for tools in any language.

    It is the file ``CONFIG_SCHEMA`` was read from (in a source checkout whose symlink became a
    plain text file, the canonical one in ``schema/``).
    """
    return Path(SCHEMA_FILE)


def depth_ok(value: Any, depth: int = 0) -> bool:
    """Check nesting depth without recursion, so hostile input cannot exhaust the stack."""
    stack = [(value, depth)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            if level >= MAX_DEPTH:
                return False
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            if level >= MAX_DEPTH:
                return False
            stack.extend((v, level + 1) for v in item)
    return True
