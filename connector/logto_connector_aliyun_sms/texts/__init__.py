"""Every text the connector shows an admin, in one place: the connector's metadata and config form
(``form_texts.json``, English included), the schema's texts in each language, the admin hints."""

from .hints import HINT_LANGUAGES, HINTS, hint_text
from .metadata import (
    METADATA,
    TEMPLATES_EXAMPLE,
    asset_bytes,
    asset_path,
    metadata_for,
    resolve_language,
)
from .schema_texts import schema_for

__all__ = [
    "HINTS",
    "HINT_LANGUAGES",
    "METADATA",
    "TEMPLATES_EXAMPLE",
    "asset_bytes",
    "asset_path",
    "hint_text",
    "metadata_for",
    "resolve_language",
    "schema_for",
]
