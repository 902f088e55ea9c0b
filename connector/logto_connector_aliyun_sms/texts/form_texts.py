"""The texts of the config form and of the schema in every language (``form_texts.json``)."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

TEXTS_FILE = Path(__file__).with_name("form_texts.json")


@lru_cache(maxsize=1)
def form_texts() -> dict[str, Any]:
    """The parsed ``form_texts.json``: languages, form item texts and schema texts."""
    texts: dict[str, Any] = json.loads(TEXTS_FILE.read_text("utf-8"))
    return texts


def pick(phrase: dict[str, str], language: str) -> str:
    """The phrase's text in ``language``, or its English text."""
    return phrase.get(language) or phrase["en"]


def fingerprint(title: str, description: str) -> str:
    """The first 8 hex digits of SHA-256 of a title and description: what was translated."""
    return hashlib.sha256(f"{title}\n{description}".encode()).hexdigest()[:8]
