"""The pages follow their language's terminology list (docs/<lang>/terminology.md).

Each list is a table between ``<!-- terms:start -->`` and ``<!-- terms:end -->``: the preferred
term, the banned variants (in backticks, comma-separated; ``/.../`` is a regular expression, any
other text is matched as written) and why. A banned variant in a page's prose (outside code
blocks, inline code and HTML comments) fails the test, naming the page, the line and the term to
use instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from _docblocks import DOCS, prose_of

LANGS = ("en", "ja", "zh-CN")
_ROW = re.compile(r"^\|(?P<preferred>[^|]*)\|(?P<banned>[^|]*)\|(?P<why>.*)\|\s*$")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+\1")
_COMMENT = re.compile(r"<!--.*?-->")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def rules(lang: str) -> list[tuple[re.Pattern[str], str, str]]:
    """(pattern, banned variant as written, preferred term) for every banned variant."""
    text = (DOCS / lang / "terminology.md").read_text("utf-8")
    table = text.split("<!-- terms:start -->", 1)[1].split("<!-- terms:end -->", 1)[0]
    found = []
    for line in table.strip().splitlines()[2:]:  # header and separator rows
        row = _ROW.match(line)
        assert row, f"docs/{lang}/terminology.md: not a table row: {line!r}"
        # banned variants are `...` spans: find them without the code-span rule's own regex
        for variant in re.findall(r"`([^`]+)`", row["banned"]):
            if len(variant) > 2 and variant.startswith("/") and variant.endswith("/"):
                pattern = re.compile(variant[1:-1])
            else:
                pattern = re.compile(re.escape(variant))
            found.append((pattern, variant, row["preferred"].strip()))
    return found


def prose(line: str) -> str:
    """A prose line without inline code, HTML comments and link targets."""
    return _LINK_TARGET.sub("]", _COMMENT.sub("", _CODE_SPAN.sub("", line)))


def violations(lang: str, page: Path) -> list[str]:
    found = []
    for line in prose_of(page):
        text = prose(line)
        for pattern, variant, preferred in rules(lang):
            if pattern.search(text):
                found.append(f"{page.name}: {variant!r} in {line.strip()[:80]!r}: use {preferred}")
    return found


def _pages(lang: str) -> list[Path]:
    return [p for p in sorted((DOCS / lang).glob("*.md")) if p.name != "terminology.md"]


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_has_a_list_with_rules(lang: str) -> None:
    assert len(rules(lang)) >= 5


@pytest.mark.parametrize(
    ("lang", "page"),
    [(lang, page) for lang in LANGS for page in _pages(lang)],
    ids=lambda value: value if isinstance(value, str) else value.name,
)
def test_pages_use_the_preferred_terms(lang: str, page: Path) -> None:
    assert violations(lang, page) == []


def test_the_check_flags_a_banned_word_only_in_prose(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "手机号打码后写入日志。\n`打码` in code is fine.\n\n```text\n打码\n```\n"
        "<!-- 打码 in a comment -->\n回环地址\n",
        "utf-8",
    )
    found = violations("zh-CN", page)
    assert len(found) == 2
    assert "脱敏" in found[0]
    assert "环回" in found[1]


# --- the terms issue 25 fixed stay fixed ------------------------------------------------------

PACKAGE = DOCS.parent / "connector" / "logto_connector_aliyun_sms"
FORM_TEXTS = PACKAGE / "texts" / "form_texts.json"
# every file of texts shown to users: the form, the console's page, the MAS connector's warnings
TEXT_FILES = (FORM_TEXTS, PACKAGE / "console" / "ui_texts.json", PACKAGE / "mas" / "texts.json")
SCHEMA = DOCS.parent / "schema" / "aliyun-sms-connector.schema.json"


def _banned(lang: str) -> set[str]:
    return {variant for _, variant, _ in rules(lang)}


def test_false_friends_and_chinese_words_stay_out_of_japanese() -> None:
    assert {"資質", "報備"} <= _banned("ja")
    found = [
        f"{page.name}: {line.strip()[:60]}"
        for page in _pages("ja")
        for line in prose_of(page)
        if "資質" in prose(line) or "報備" in prose(line)
    ]
    assert found == []


def test_chinese_translationese_is_banned() -> None:
    assert {"RAM 访问控制台", "两个区域", "带你"} <= _banned("zh-CN")


def test_every_language_writes_down_a_style_rule() -> None:
    headings = {"en": "## Style", "ja": "## 文体の決まり", "zh-CN": "## 行文规范"}
    for lang, heading in headings.items():
        text = (DOCS / lang / "terminology.md").read_text("utf-8")
        section = text.split(heading, 1)[1] if heading in text else ""
        assert section.count("\n- **") >= 3, f"{lang}: no style rule under {heading!r}"


def test_template_type_7_is_digital_sms_everywhere() -> None:
    import json

    schema = json.loads(SCHEMA.read_text("utf-8"))
    english = schema["$defs"]["template"]["properties"]["type"]["description"]
    assert "7 digital SMS" in english
    texts = json.loads(FORM_TEXTS.read_text("utf-8"))["schema"]["/$defs/template/properties/type"]
    expected = {
        "ja": "7 数字短信",
        "zh-CN": "7 数字短信",
        "zh-TW": "7 數字簡訊",
        "ko": "7 디지털 SMS",
        "tr-TR": "7 dijital SMS",
    }
    for lang, words in expected.items():
        assert words in texts["description"][lang], lang
    wrong = ("pure number", "数字のみ", "숫자 전용", "yalnızca rakam", "纯数字")
    every = [english, *texts["description"].values()]
    assert not [text for text in every if any(word in text for word in wrong)]


def _form_texts_in(lang: str) -> list[str]:
    import json

    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == lang and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in TEXT_FILES:
        walk(json.loads(path.read_text("utf-8")))
    return found


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh-TW", ("密鑰", "權限政策", "宿主")),  # Alibaba Cloud's Taiwan terms: 金鑰, 權限原則
        ("ko", ("브레이크", "모르는 키")),
    ],
)
def test_form_texts_use_the_local_terms(lang: str, words: tuple[str, ...]) -> None:
    texts = _form_texts_in(lang)
    assert len(texts) > 20
    assert [text for text in texts if any(word in text for word in words)] == []


def test_the_turkish_description_describes() -> None:
    """A connector's description says what it does ("gönderir"), it gives no order ("gönderin")."""
    import json

    description = json.loads(FORM_TEXTS.read_text("utf-8"))["connector"]["description"]["tr-TR"]
    assert description.rstrip(".").endswith("gönderir")
    assert not re.search(r"\w(?:in|ın|un|ün)\.$", description)


def test_the_test_number_hint_says_what_aliyun_says_today() -> None:
    """Aliyun ended test signatures (marked 测); its test page binds up to 5 test numbers."""
    from logto_connector_aliyun_sms.texts.hints import HINTS

    for lang, text in HINTS["test_number"].items():
        gone = ("test signature", "marked 测", "テスト用の署名", "「测」", "测试签名", "“测”")
        assert not [word for word in gone if word in text], lang
        assert "快速学习与测试" in text, lang
        assert "5" in text, lang
