"""The adapters' end-user texts in the language Django activated for the request."""

from __future__ import annotations

from django.utils.translation import get_language

from .._i18n import translate


def user_text(text: str) -> str:
    """``text`` (an English source text of ``contrib._common``) in the active language."""
    return translate(text, get_language())
