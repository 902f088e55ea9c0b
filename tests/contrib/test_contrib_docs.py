"""The framework pages stay true: their settings are the tested project's, their code is the
tested code, and the three languages show the same blocks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("django-allauth.md", "django-two-factor-auth.md", "flask-security.md")
LANGS = ("en", "ja", "zh-CN")
BLOCK = re.compile(
    r"(?:<!-- not run: (?P<reason>[^>]*) -->\n)?```(?P<lang>\w*)\n(?P<code>.*?)```", re.S
)
SOURCE = re.compile(r"tests/contrib/\S+\.(?:py|html)")


def _blocks(lang: str, page: str) -> list[re.Match[str]]:
    return list(BLOCK.finditer((ROOT / "docs" / lang / page).read_text("utf-8")))


@pytest.mark.parametrize("page", PAGES)
def test_languages_show_the_same_blocks(page: str) -> None:
    def shape(lang: str) -> list[tuple[bool, str, str]]:
        return [(m["reason"] is None, m["lang"], m["code"]) for m in _blocks(lang, page)]

    for lang in LANGS[1:]:  # the reasons for not running are translated; the code is not
        assert shape(lang) == shape("en"), lang


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", LANGS)
def test_marked_code_is_the_tested_code(page: str, lang: str) -> None:
    for block in _blocks(lang, page):
        if block["reason"] is None:
            assert block["lang"] == "python", block.group(0)  # unmarked blocks run
            continue
        source = SOURCE.search(block["reason"])
        if source:
            assert block["code"] in (ROOT / source[0]).read_text("utf-8"), source[0]


@pytest.mark.parametrize("page", PAGES[:2])
def test_settings_blocks_are_the_tested_projects(page: str, django_db: None) -> None:
    from django.conf import settings

    from logto_connector_aliyun_sms.contrib._common import load_config

    blocks = [b for b in _blocks("en", page) if b["reason"] is None]
    assert blocks
    for block in blocks:
        names: dict[str, Any] = {}
        exec(block["code"], names)  # noqa: S102 - our own docs
        names.pop("__builtins__")
        config = names.pop("ALIYUN_SMS")
        if isinstance(config, dict):
            load_config(config)
        else:
            assert config.endswith(".json")
        for name, value in names.items():
            tested = getattr(settings, name)
            if isinstance(value, list):
                assert set(value) <= set(tested), name
            else:
                assert value == tested, name
