"""Logto-shaped connector metadata: ``METADATA`` is ``metadata_for("en")``, every text read from
``form_texts.json`` (the one source of the form's texts, English included); the files it names."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

from ..config.schema import CONFIG_SCHEMA
from ..kit import TemplateType
from .form_texts import form_texts, pick

if TYPE_CHECKING:
    from pathlib import Path

CONNECTOR_ID = "aliyun-short-message-service"
LOGO_FILE = "aliyun.svg"
README_FILE = "README.md"

# Logto's default templates: one entry per usage type, in TemplateType order (SignIn first).
_TEMPLATE_DEFAULTS = [
    {"usageType": t.value, "templateCode": "<template-code>"} for t in TemplateType
]

# The form's shape, in Logto's order; every text (label, placeholder, description, tooltip,
# select titles) comes from form_texts.json in the language asked for.
_FORM_ITEMS: list[dict[str, Any]] = [
    {"key": "accessKeyId", "type": "Text", "required": True},
    {"key": "accessKeySecret", "type": "Text", "required": True, "isConfidential": True},
    {"key": "signName", "type": "Text", "required": True},
    {"key": "templates", "type": "Json", "required": True, "defaultValue": _TEMPLATE_DEFAULTS},
    {"key": "strictPhoneRegionNumberCheck", "type": "Switch", "defaultValue": False},
    {"key": "endpoint", "type": "Text", "required": False},
    {"key": "connectTimeout", "type": "Number", "required": False},
    {"key": "readTimeout", "type": "Number", "required": False},
    {"key": "allowedCountryCodes", "type": "Json", "required": False},
    {"key": "minSendIntervalSeconds", "type": "Number", "required": False},
    {"key": "maxMessagesPerNumberPerDay", "type": "Number", "required": False},
    {"key": "maxMessagesPerIpPerHour", "type": "Number", "required": False},
    {"key": "maxMessagesPerCountryPerHour", "type": "Number", "required": False},
    {
        "key": "limitsFailMode",
        "type": "Select",
        "required": False,
        "defaultValue": "open",
        "selectItems": ["open", "closed"],
    },
]
_NO_PLACEHOLDER = frozenset({"Switch"})
"""Widgets that show their value, never a placeholder."""

TEMPLATES_EXAMPLE: list[dict[str, Any]] = [
    {"usageType": "SignIn", "templateCode": "SMS_123456789"},
    {"usageType": "Register", "templateCode": "SMS_123456790"},
    {"usageType": "ForgotPassword", "templateCode": "SMS_123456791"},
    {
        "usageType": "Generic",
        "templateCode": {"china": "SMS_123456792", "overseas": "SMS_223456793"},
    },
]
"""The worked example the ``templates`` help text shows (a config with it passes silently)."""

# Chinese tags by script or region, to the two Chinese texts there are.
_CHINESE = {
    "hans": "zh-CN",
    "cn": "zh-CN",
    "sg": "zh-CN",
    "my": "zh-CN",
    "hant": "zh-TW",
    "tw": "zh-TW",
    "hk": "zh-TW",
    "mo": "zh-TW",
}


def resolve_language(tag: str) -> str:
    """The supported language that best fits a BCP 47 tag; ``"en"`` when none does.

    Case-insensitive, ``_`` read as ``-``: ``ja-JP`` -> ``ja``, ``tr`` -> ``tr-TR``,
    ``zh-Hans``/``zh-SG`` -> ``zh-CN``, ``zh-Hant``/``zh-HK`` -> ``zh-TW``, ``pt-BR`` -> ``en``.
    The supported languages are those of ``METADATA["name"]``.
    """
    known: list[str] = list(METADATA["name"])
    subtags = str(tag).strip().lower().replace("_", "-").split("-")
    for candidate in known:
        if candidate.lower() == "-".join(subtags):
            return candidate
    if subtags[0] == "zh":
        script = next((_CHINESE[s] for s in subtags[1:] if len(s) == 4 and s in _CHINESE), None)
        region = next((_CHINESE[s] for s in subtags[1:] if s in _CHINESE), "zh-CN")
        chinese = script or region
        if chinese in known:
            return chinese
    same = [k for k in known if k.split("-")[0].lower() == subtags[0]]
    return same[0] if same else "en"


def metadata_for(language: str) -> dict[str, Any]:
    """``METADATA`` with every label, placeholder, description and tooltip in one language.

    ``language`` is any BCP 47 tag (see ``resolve_language``). Number items state their range
    and default as the schema gives them; ``templates`` carries a worked example. The result is
    a new dict in Logto's ``ConnectorMetadata`` shape (``name`` and ``description`` keep every
    language, as Logto's i18n phrases do).
    """
    return _metadata(resolve_language(language))


def _metadata(lang: str) -> dict[str, Any]:
    texts = form_texts()
    return {
        "id": CONNECTOR_ID,
        "target": "aliyun-sms",
        "platform": None,
        "name": dict(texts["connector"]["name"]),
        "logo": LOGO_FILE,
        "logoDark": None,
        "description": dict(texts["connector"]["description"]),
        "readme": README_FILE,
        "formItems": [_form_item(item, texts["form"][item["key"]], lang) for item in _FORM_ITEMS],
    }


def _form_item(shape: dict[str, Any], text: dict[str, Any], lang: str) -> dict[str, Any]:
    key = shape["key"]
    prop = CONFIG_SCHEMA["properties"][key]
    item: dict[str, Any] = {"key": key, "label": pick(text["label"], lang), "type": shape["type"]}
    if "required" in shape:
        item["required"] = shape["required"]
    if "placeholder" in text:
        item["placeholder"] = pick(text["placeholder"], lang)
    elif key == "templates":
        item["placeholder"] = json.dumps(TEMPLATES_EXAMPLE[:1], ensure_ascii=False)
    elif "default" in prop and shape["type"] not in _NO_PLACEHOLDER:
        item["placeholder"] = str(prop["default"])
    if "defaultValue" in shape:
        item["defaultValue"] = copy.deepcopy(shape["defaultValue"])
    if "selectItems" in shape:
        titles = text["selectItems"]
        item["selectItems"] = [
            {"value": value, "title": pick(titles[value], lang)} for value in shape["selectItems"]
        ]
    if shape.get("isConfidential"):
        item["isConfidential"] = True
    example = json.dumps(TEMPLATES_EXAMPLE, ensure_ascii=False)
    description = pick(text["description"], lang).replace("{example}", example)
    for bound in ("minimum", "maximum", "default"):
        description = description.replace("{" + bound + "}", str(prop.get(bound, "")))
    item["description"] = description
    item["tooltip"] = pick(text["tooltip"], lang)
    return item


METADATA: dict[str, Any] = _metadata("en")
"""Logto ``ConnectorMetadata`` for this connector (camelCase keys, as JSON), in English: it is
``metadata_for("en")``."""


def asset_path(name: str) -> Path:
    """Absolute path of a file shipped in the package: ``METADATA["logo"]`` or ``["readme"]``."""
    if name not in (LOGO_FILE, README_FILE):
        raise ValueError(f"not a shipped connector asset: {name!r}")
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / name


def asset_bytes(name: str) -> bytes:
    """Contents of a file shipped in the package: ``METADATA["logo"]`` or ``["readme"]``."""
    return asset_path(name).read_bytes()
