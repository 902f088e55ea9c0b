"""METADATA: Logto's ConnectorMetadata shape, this connector's values, and the shipped files."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import METADATA, TemplateType, asset_bytes, asset_path
from logto_usage_types import LOGTO_USAGE_TYPES

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "connector" / "logto_connector_aliyun_sms"
SVG = "{http://www.w3.org/2000/svg}"

# Written from the contract (@logto/connector-kit 5.x): the metadata object and its form items.
I18N_PHRASE = {
    "type": "object",
    "required": ["en"],
    "propertyNames": {"pattern": "^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$"},
    "additionalProperties": {"type": "string", "minLength": 1},
}
FORM_ITEM = {
    "type": "object",
    "required": ["key", "label", "type"],
    "additionalProperties": False,
    "properties": {
        "key": {"type": "string", "minLength": 1},
        "label": {"type": "string", "minLength": 1},
        "type": {
            "enum": ["Text", "Number", "MultilineText", "Switch", "Select", "MultiSelect", "Json"]
        },
        "required": {"type": "boolean"},
        "placeholder": {"type": "string"},
        "defaultValue": {},
        "description": {"type": "string"},
        "tooltip": {"type": "string"},
        "isConfidential": {"type": "boolean"},
        "showConditions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["targetKey"],
                "additionalProperties": False,
                "properties": {"targetKey": {"type": "string"}, "expectValue": {}},
            },
        },
        "selectItems": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["value", "title"],
                "additionalProperties": False,
                "properties": {"value": {}, "title": {"type": "string"}},
            },
        },
    },
    "allOf": [
        {
            "if": {"properties": {"type": {"enum": ["Select", "MultiSelect"]}}},
            "then": {"required": ["selectItems"]},
            "else": {"not": {"required": ["selectItems"]}},
        },
        {
            "if": {"required": ["isConfidential"]},
            "then": {"properties": {"type": {"enum": ["Text", "MultilineText"]}}},
        },
    ],
}
METADATA_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": [
        "id",
        "target",
        "platform",
        "name",
        "description",
        "logo",
        "logoDark",
        "readme",
        "formItems",
    ],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "target": {"type": "string", "minLength": 1},
        "platform": {"type": "null"},
        "name": I18N_PHRASE,
        "description": I18N_PHRASE,
        "logo": {"type": "string", "minLength": 1},
        "logoDark": {"type": ["string", "null"]},
        "readme": {"type": "string", "minLength": 1},
        "formItems": {"type": "array", "items": FORM_ITEM},
        "configTemplate": {"type": "string"},
        "customData": {"type": "object"},
        "isStandard": {"type": "boolean"},
    },
}
VALIDATOR = Draft202012Validator(METADATA_SCHEMA)


def form_item(key: str) -> dict[str, Any]:
    return next(item for item in METADATA["formItems"] if item["key"] == key)


def test_the_metadata_schema_is_itself_valid() -> None:
    Draft202012Validator.check_schema(METADATA_SCHEMA)


def test_metadata_matches_logtos_shape() -> None:
    assert list(VALIDATOR.iter_errors(METADATA)) == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda m: m["name"].pop("en"), "name"),
        (lambda m: m.update(platform="Web"), "platform"),
        (lambda m: m["formItems"][0].update(type="Password"), "formItems"),
        (lambda m: m["formItems"][0].pop("label"), "formItems"),
        (lambda m: m["formItems"][0].update(type="Select"), "formItems"),
        (lambda m: m["formItems"][3].update(isConfidential=True), "formItems"),
        (lambda m: m.update(extra=1), ""),
    ],
)
def test_the_metadata_schema_has_teeth(change: Any, where: str) -> None:
    broken = copy.deepcopy(METADATA)
    change(broken)
    errors = list(VALIDATOR.iter_errors(broken))
    assert errors
    assert any((list(e.absolute_path)[:1] or [""])[0] == where for e in errors)


def test_identity() -> None:
    assert METADATA["id"] == "aliyun-short-message-service"
    assert METADATA["target"] == "aliyun-sms"
    assert METADATA["platform"] is None
    assert METADATA["logo"] == "aliyun.svg"
    assert METADATA["logoDark"] is None
    assert METADATA["readme"] == "README.md"


def test_languages() -> None:
    languages = ["en", "zh-CN", "zh-TW", "ja", "ko", "tr-TR"]
    assert list(METADATA["name"]) == languages
    assert list(METADATA["description"]) == languages
    # each language says something of its own, not a copy of the English text
    assert len(set(METADATA["name"].values())) == len(languages)
    assert len(set(METADATA["description"].values())) == len(languages)


def test_logtos_form_items_first_in_logtos_order() -> None:
    expected = [
        ("accessKeyId", "Text", "<access-key-id>"),
        ("accessKeySecret", "Text", "<access-key-secret>"),
        ("signName", "Text", "<signature-name>"),
        ("templates", "Json", '[{"usageType": "SignIn", "templateCode": "SMS_123456789"}]'),
        ("strictPhoneRegionNumberCheck", "Switch", None),
    ]
    items = METADATA["formItems"][:5]
    assert [(i["key"], i["type"], i.get("placeholder")) for i in items] == expected
    assert [i.get("required", False) for i in items] == [True, True, True, True, False]


def test_default_templates() -> None:
    templates = form_item("templates")["defaultValue"]
    assert templates == [
        {"usageType": usage_type.value, "templateCode": "<template-code>"}
        for usage_type in TemplateType
    ]
    assert [t["usageType"] for t in templates] == LOGTO_USAGE_TYPES


def test_the_default_form_is_a_valid_config_once_filled_in() -> None:
    config = {
        item["key"]: item["defaultValue"]
        for item in METADATA["formItems"]
        if "defaultValue" in item
    }
    config.update(accessKeyId="id", accessKeySecret="secret", signName="Logto")
    result = aliyun_sms.validate_config(config)
    assert len(result["templates"]) == 9
    assert result["strictPhoneRegionNumberCheck"] is False


def test_strict_switch() -> None:
    item = form_item("strictPhoneRegionNumberCheck")
    assert item["defaultValue"] is False
    assert "country code" in item["description"]
    assert "sign in" in item["description"]


def test_only_the_secret_is_confidential() -> None:
    confidential = [i["key"] for i in METADATA["formItems"] if i.get("isConfidential")]
    assert confidential == ["accessKeySecret"]


def test_form_items_and_schema_properties_match() -> None:
    schema = aliyun_sms.CONFIG_SCHEMA
    keys = [item["key"] for item in METADATA["formItems"]]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(schema["properties"])
    assert {i["key"] for i in METADATA["formItems"] if i.get("required")} == set(schema["required"])
    for key in set(schema["properties"]) - set(schema["required"]):
        assert form_item(key).get("description"), f"optional key {key} needs a description"
    assert "endpoint" in keys


def test_form_types_fit_the_schema_types() -> None:
    fitting = {
        "string": {"Text", "MultilineText", "Select"},
        "boolean": {"Switch"},
        "integer": {"Number"},
        "number": {"Number"},
        "array": {"Json", "MultiSelect"},
    }
    for key, prop in aliyun_sms.CONFIG_SCHEMA["properties"].items():
        kinds = [prop["type"]] if isinstance(prop["type"], str) else prop["type"]
        (kind,) = [k for k in kinds if k != "null"]  # null: an optional key of ours left blank
        item = form_item(key)
        assert item["type"] in fitting[kind], key
        if item["type"] == "Select":  # offers exactly the schema's choices (null: left blank)
            choices = [choice["value"] for choice in item["selectItems"]]
            assert choices == [v for v in prop["enum"] if v is not None], key


def test_metadata_is_json() -> None:
    assert json.loads(json.dumps(METADATA)) == METADATA
    json.dumps(METADATA, ensure_ascii=True, allow_nan=False)


@pytest.mark.parametrize("name", [METADATA["logo"], METADATA["readme"]])
def test_assets_load(name: str) -> None:
    path = asset_path(name)
    assert path.is_absolute()
    assert path.is_file()
    assert path.parent == PACKAGE.resolve()
    assert asset_bytes(name) == path.read_bytes()
    assert len(asset_bytes(name)) > 200


def test_only_shipped_assets() -> None:
    for name in ("../pyproject.toml", "metadata.py", "/etc/passwd", ""):
        with pytest.raises(ValueError, match="not a shipped connector asset"):
            asset_path(name)


def test_logo_is_well_formed_svg() -> None:
    root = ET.fromstring(asset_bytes("aliyun.svg"))  # noqa: S314 - our own file
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 64 64"
    tags = {element.tag for element in root.iter()}
    assert f"{SVG}title" in tags
    assert f"{SVG}script" not in tags
    assert f"{SVG}image" not in tags
    # self-contained: no external references a console would have to fetch
    for element in root.iter():
        for attribute, value in element.attrib.items():
            assert "://" not in value or attribute == "xmlns", (element.tag, attribute)


def test_readme_documents_every_config_key_and_the_differences() -> None:
    text = asset_bytes("README.md").decode("utf-8")
    for key in aliyun_sms.CONFIG_SCHEMA["properties"]:
        assert f"`{key}`" in text, key
    assert "stricter than Logto" in text
