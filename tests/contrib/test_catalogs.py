"""The adapters' catalogs: every end-user text translated, the shipped .mo files what their
.po files say (compiled here with Babel, so CI needs no GNU gettext), language tags mapped."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest

from logto_connector_aliyun_sms.contrib import _common
from logto_connector_aliyun_sms.contrib._i18n import (
    CATALOGS,
    DOMAIN,
    LOCALE_DIR,
    catalog_for,
    translate,
)

TEXTS = [
    _common.SEND_RETRY,
    _common.RATE_LIMITED,
    _common.NUMBER_REFUSED,
    _common.SERVICE_UNAVAILABLE,
    _common.NOT_A_MOBILE,
    _common.COUNTRY_NOT_SERVED,
]


def _files(catalog: str) -> tuple[Path, Path]:
    folder = LOCALE_DIR / catalog / "LC_MESSAGES"
    return folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"


@pytest.mark.parametrize("catalog", CATALOGS)
def test_the_shipped_mo_is_the_po_compiled(catalog: str) -> None:
    from babel.messages.pofile import read_po

    po_path, mo_path = _files(catalog)
    with po_path.open("rb") as po:
        source = read_po(po)
    with mo_path.open("rb") as mo:
        shipped = gettext.GNUTranslations(mo)
    wanted = {m.id: m.string for m in source if m.id}
    assert set(wanted) == set(TEXTS), "the catalog and _common's texts differ"
    for msgid, msgstr in wanted.items():
        assert msgstr, f"{catalog}: untranslated: {msgid}"
        assert shipped.gettext(msgid) == msgstr, f"{catalog}: recompile the .mo ({msgid})"


def test_every_text_of_the_adapters_is_in_the_catalogs() -> None:
    assert set(_common.USER_TEXTS.values()) | {_common.NOT_A_MOBILE} <= set(TEXTS)
    assert _common.COUNTRY_NOT_SERVED in TEXTS


@pytest.mark.parametrize(
    ("tag", "catalog"),
    [
        ("zh-hans", "zh_Hans"),
        ("zh-CN", "zh_Hans"),
        ("zh_Hans_CN", "zh_Hans"),
        ("zh-hant", "zh_Hant"),
        ("zh-TW", "zh_Hant"),
        ("zh-HK", "zh_Hant"),
        ("ja-JP", "ja"),
        ("ko", "ko"),
        ("en-us", None),
        ("fr", None),
        (None, None),
    ],
)
def test_language_tags_find_their_catalog(tag: str | None, catalog: str | None) -> None:
    assert catalog_for(tag) == catalog


def test_translate_falls_back_to_english() -> None:
    assert translate(_common.SEND_RETRY, "de") == _common.SEND_RETRY
    assert translate(_common.SEND_RETRY, "zh-hans") == "验证码发送失败，请一分钟后重试。"
    assert translate("not in the catalog", "ja") == "not in the catalog"
