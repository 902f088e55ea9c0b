"""metadata_for, resolve_language, schema_for and schema_path: the form in every language."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import (
    CONFIG_SCHEMA,
    METADATA,
    check_config,
    metadata_for,
    resolve_language,
    schema_for,
    schema_path,
)
from logto_connector_aliyun_sms.texts import TEMPLATES_EXAMPLE
from logto_connector_aliyun_sms.texts.schema_texts import described_nodes
from test_metadata import VALIDATOR as LOGTO_METADATA

LANGUAGES = ["en", "ja", "zh-CN", "zh-TW", "ko", "tr-TR"]
OTHERS = LANGUAGES[1:]
# a character of each language's own script (or letters), so a text is not English left over
SCRIPT = {
    "ja": re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]"),  # kana, kanji
    "zh-CN": re.compile(r"[\u4e00-\u9fff]"),
    "zh-TW": re.compile(r"[\u4e00-\u9fff]"),
    "ko": re.compile(r"[\uac00-\ud7a3]"),  # hangul
    "tr-TR": re.compile(r"[çğıöşüÇĞİÖŞÜ]|\b(ve|bir|için|ya da)\b"),
}
TEXT_FIELDS = ("label", "placeholder", "description", "tooltip")


def items(language: str) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in metadata_for(language)["formItems"]}


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("en", "en"),
        ("EN-us", "en"),
        ("ja", "ja"),
        ("ja-JP", "ja"),
        ("ja_JP", "ja"),
        ("zh", "zh-CN"),
        ("zh-CN", "zh-CN"),
        ("zh-cn", "zh-CN"),
        ("zh-Hans", "zh-CN"),
        ("zh-hans", "zh-CN"),
        ("zh-Hans-SG", "zh-CN"),
        ("zh-SG", "zh-CN"),
        ("zh_SG", "zh-CN"),
        ("zh-Hant", "zh-TW"),
        ("zh-hant-tw", "zh-TW"),
        ("zh-Hant-CN", "zh-TW"),  # the script decides over the region
        ("zh-HK", "zh-TW"),
        ("zh-MO", "zh-TW"),
        ("zh-TW", "zh-TW"),
        ("ko", "ko"),
        ("ko-KR", "ko"),
        ("tr", "tr-TR"),
        ("TR", "tr-TR"),
        ("tr-CY", "tr-TR"),
        ("pt-BR", "en"),
        ("fr", "en"),
        ("", "en"),
        ("*", "en"),
    ],
)
def test_resolve_language(tag: str, language: str) -> None:
    assert resolve_language(tag) == language


def test_the_languages_are_the_metadatas() -> None:
    assert sorted(METADATA["name"]) == sorted(LANGUAGES)
    assert {resolve_language(lang) for lang in LANGUAGES} == set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_logto_valid_in_every_language(language: str) -> None:
    metadata = metadata_for(language)
    assert list(LOGTO_METADATA.iter_errors(metadata)) == []
    assert json.loads(json.dumps(metadata)) == metadata
    # the same form: keys, types, requirements, defaults and confidentiality as METADATA
    for mine, logtos in zip(metadata["formItems"], METADATA["formItems"], strict=True):
        for field in ("key", "type", "required", "defaultValue", "isConfidential"):
            assert mine.get(field) == logtos.get(field), (language, mine["key"], field)
    assert {k: v for k, v in metadata.items() if k != "formItems"} == {
        k: v for k, v in METADATA.items() if k != "formItems"
    }


def test_metadata_stays_as_it_was() -> None:
    before = copy.deepcopy(METADATA)
    for language in LANGUAGES:
        metadata_for(language)["formItems"][0]["label"] = "changed"
    assert before == METADATA


def test_metadata_is_the_english_form() -> None:
    """One source of texts: METADATA is metadata_for("en"), tooltips and all."""
    assert metadata_for("en") == METADATA
    assert metadata_for("en-GB") == METADATA
    assert all(item["tooltip"] and item["description"] for item in METADATA["formItems"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_item_has_every_text(language: str) -> None:
    for key, item in items(language).items():
        for field in TEXT_FIELDS:
            if field == "placeholder" and item["type"] == "Switch":
                continue
            assert str(item.get(field, "")).strip(), (language, key, field)
        assert item["description"] != item["tooltip"]


@pytest.mark.parametrize("language", OTHERS)
def test_written_in_the_language_not_left_in_english(language: str) -> None:
    english = items("en")
    for key, item in items(language).items():
        for field in ("description", "tooltip"):
            assert item[field] != english[key][field], (language, key, field)
            assert SCRIPT[language].search(item[field]), (language, key, field)
    labels = [item["label"] for item in items(language).values()]
    translated = [label for label in labels if SCRIPT[language].search(label)]
    # product names (AccessKey ID) stay as they are; everything else is translated
    assert len(translated) >= len(labels) - 2, (language, labels)


def test_chinese_in_two_scripts() -> None:
    simplified, traditional = items("zh-CN"), items("zh-TW")
    assert all(
        simplified[key]["description"] != traditional[key]["description"] for key in simplified
    )
    assert "发送" in simplified["templates"]["description"]
    assert "發送" in traditional["templates"]["description"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_number_items_state_range_and_default_from_the_schema(language: str) -> None:
    for key, item in items(language).items():
        if item["type"] != "Number":
            continue
        prop = CONFIG_SCHEMA["properties"][key]
        for bound in ("minimum", "maximum", "default"):
            assert str(prop[bound]) in item["description"], (language, key, bound)
        assert item["placeholder"] == str(prop["default"])
        assert "{" not in item["description"]


def test_the_schemas_defaults_are_the_ones_used() -> None:
    from logto_connector_aliyun_sms._sdk.constants import (
        DEFAULT_CONNECT_TIMEOUT_MS,
        DEFAULT_READ_TIMEOUT_MS,
    )

    props = CONFIG_SCHEMA["properties"]
    assert props["connectTimeout"]["default"] == DEFAULT_CONNECT_TIMEOUT_MS
    assert props["readTimeout"]["default"] == DEFAULT_READ_TIMEOUT_MS
    assert props["minSendIntervalSeconds"]["default"] == 0  # off


def test_number_texts_follow_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    prop = dict(CONFIG_SCHEMA["properties"]["readTimeout"], maximum=654321, default=4321)
    monkeypatch.setitem(CONFIG_SCHEMA["properties"], "readTimeout", prop)
    item = items("ja")["readTimeout"]
    assert "654321" in item["description"]
    assert "4321" in item["placeholder"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_templates_help_has_a_worked_example_that_passes(language: str) -> None:
    item = items(language)["templates"]
    example = json.dumps(TEMPLATES_EXAMPLE, ensure_ascii=False)
    assert example in item["description"]
    assert json.loads(item["placeholder"])[0]["templateCode"].startswith("SMS_")
    config = {
        "accessKeyId": "LTAI5tExample",
        "accessKeySecret": "an-example-secret",
        "signName": "Logto",
        "templates": json.loads(example),
    }
    assert check_config(config) == {"valid": True, "errors": [], "warnings": []}


def test_the_secret_stays_confidential_in_every_language() -> None:
    for language in LANGUAGES:
        confidential = [k for k, i in items(language).items() if i.get("isConfidential")]
        assert confidential == ["accessKeySecret"]


# --- the schema ---------------------------------------------------------------------------------


def rules(schema: Any) -> Any:
    """The schema without its words: what decides verdicts."""
    if isinstance(schema, dict):
        return {k: rules(v) for k, v in schema.items() if k not in ("title", "description")}
    if isinstance(schema, list):
        return [rules(v) for v in schema]
    return schema


def test_every_property_has_a_title_and_a_description() -> None:
    for pointer, node in described_nodes(CONFIG_SCHEMA):
        assert node.get("title"), pointer
    for key, prop in CONFIG_SCHEMA["properties"].items():
        assert prop["title"] == METADATA_LABELS[key]
        assert prop["description"]


METADATA_LABELS = {item["key"]: item["label"] for item in METADATA["formItems"]}


@pytest.mark.parametrize("language", LANGUAGES)
def test_schema_for_changes_words_only(language: str) -> None:
    schema = schema_for(language)
    Draft202012Validator.check_schema(schema)
    assert rules(schema) == rules(CONFIG_SCHEMA)
    english = dict(described_nodes(CONFIG_SCHEMA))
    for pointer, node in described_nodes(schema):
        if language == "en":
            assert node == english[pointer]
            continue
        for field in ("title", "description"):
            assert node[field] != english[pointer][field], (language, pointer, field)
        assert SCRIPT[language].search(node["description"]), (language, pointer)


def test_schema_titles_of_properties_are_the_form_labels() -> None:
    for language in OTHERS:
        schema, form = schema_for(language), items(language)
        for key, prop in schema["properties"].items():
            assert prop["title"] == form[key]["label"]


def test_schema_for_does_not_change_the_schema() -> None:
    before = copy.deepcopy(CONFIG_SCHEMA)
    schema_for("ja")["properties"]["signName"]["title"] = "changed"
    assert before == CONFIG_SCHEMA


def test_schema_path() -> None:
    path = schema_path()
    assert path.is_absolute()
    assert path.name.endswith(".json")
    assert json.loads(path.read_text("utf-8")) == CONFIG_SCHEMA


def test_public_names() -> None:
    for name in ("metadata_for", "resolve_language", "check_config", "schema_for", "schema_path"):
        assert name in aliyun_sms.__all__
        assert callable(getattr(aliyun_sms, name))
