"""The adapters' end-user texts in the user's language: the catalogs in ``contrib/locale``.

English is the source; catalogs exist for ``zh_Hans``, ``zh_Hant``, ``ja`` and ``ko``. Each
framework says which language the user reads (Django's ``get_language()``, Flask-Babel's
``get_locale()``); ``catalog_for`` maps its tag (``zh-hans``, ``zh_CN``, ``zh-TW``, ``ja-JP``...)
to one of ours.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

#: Where the catalogs are: ``<lang>/LC_MESSAGES/aliyun_sms.po`` and the compiled ``.mo``.
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "aliyun_sms"
CATALOGS = ("zh_Hans", "zh_Hant", "ja", "ko")
_TRADITIONAL = {"hant", "tw", "hk", "mo"}


def catalog_for(language: str | None) -> str | None:
    """Our catalog for a language tag, or None (English)."""
    if not language:
        return None
    parts = language.replace("_", "-").lower().split("-")
    if parts[0] == "zh":
        return "zh_Hant" if _TRADITIONAL & set(parts[1:]) else "zh_Hans"
    return parts[0] if parts[0] in ("ja", "ko") else None


@cache
def _translations(catalog: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[catalog], fallback=True)


def translate(text: str, language: str | None) -> str:
    """``text`` (an English source text) in ``language``, English when there is no catalog."""
    catalog = catalog_for(language)
    return text if catalog is None else _translations(catalog).gettext(text)
