"""The MAS connector's Logto metadata (``METADATA``) and its one-language forms."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

CONNECTOR_ID = "aliyun-short-message-auth-service"
TEXTS_FILE = Path(__file__).with_name("texts.json")


@lru_cache(maxsize=1)
def texts() -> dict[str, Any]:
    """The parsed ``texts.json``: name, description and form texts in six languages."""
    loaded: dict[str, Any] = json.loads(TEXTS_FILE.read_text("utf-8"))
    return loaded


# Logto's form defaults: the system templates, in the order of Logto's MAS connector.
TEMPLATE_DEFAULTS: list[dict[str, str]] = [
    {"usageType": "SignIn", "templateCode": "100001"},
    {"usageType": "Register", "templateCode": "100001"},
    {"usageType": "ForgotPassword", "templateCode": "100003"},
    {"usageType": "OrganizationInvitation", "templateCode": "100001"},
    {"usageType": "Generic", "templateCode": "100001"},
    {"usageType": "UserPermissionValidation", "templateCode": "100005"},
    {"usageType": "BindNewIdentifier", "templateCode": "100002"},
    {"usageType": "MfaVerification", "templateCode": "100001"},
    {"usageType": "BindMfa", "templateCode": "100001"},
]


def _en(key: str, part: str) -> str:
    return str(texts()["form"][key][part]["en"])


def _build() -> dict[str, Any]:
    optional = [
        (
            "connectTimeout",
            "Connect Timeout (ms)",
            "5000",
            "Milliseconds to wait for a connection to Aliyun. Default 5000.",
        ),
        (
            "readTimeout",
            "Read Timeout (ms)",
            "10000",
            "Milliseconds to wait for Aliyun's answer. Default 10000. A send that times out is "
            "never retried, because Aliyun may already have sent it.",
        ),
        (
            "minSendIntervalSeconds",
            "Minimum Seconds Between Messages To One Number",
            "0",
            "Refuse a second message to the same number within this many seconds. 0 or empty "
            "turns it off.",
        ),
        (
            "maxMessagesPerNumberPerDay",
            "Messages Per Number Per Day",
            "10",
            "At most this many messages to one number in any 24 hours. 0 or empty turns it off.",
        ),
        (
            "maxMessagesPerIpPerHour",
            "Messages Per Client IP Per Hour",
            "20",
            "At most this many messages requested from one client IP in any hour (IPv6: per /64). "
            "0 or empty turns it off.",
        ),
        (
            "maxMessagesPerCountryPerHour",
            "Messages Per Hour",
            "100",
            "At most this many messages in any hour, to every number together. 0 or empty turns "
            "it off.",
        ),
    ]
    items: list[dict[str, Any]] = [
        {
            "key": "accessKeyId",
            "label": _en("accessKeyId", "label"),
            "type": "Text",
            "required": True,
            "placeholder": "<access-key-id>",
        },
        {
            "key": "accessKeySecret",
            "label": _en("accessKeySecret", "label"),
            "type": "Text",
            "required": True,
            "placeholder": "<access-key-secret>",
            "isConfidential": True,
        },
        {
            "key": "signName",
            "label": _en("signName", "label"),
            "type": "Text",
            "required": True,
            "placeholder": "<signature-name>",
            "description": _en("signName", "description"),
        },
        {
            "key": "templates",
            "label": _en("templates", "label"),
            "type": "Json",
            "required": True,
            "defaultValue": TEMPLATE_DEFAULTS,
            "description": _en("templates", "description"),
        },
        {
            "key": "endpoint",
            "label": _en("endpoint", "label"),
            "type": "Text",
            "required": False,
            "placeholder": "dypnsapi.aliyuncs.com",
            "description": _en("endpoint", "description"),
        },
    ]
    for key, label, placeholder, description in optional:
        items.append(
            {
                "key": key,
                "label": label,
                "type": "Number",
                "required": False,
                "placeholder": placeholder,
                "description": description,
            }
        )
    items.append(
        {
            "key": "limitsFailMode",
            "label": "When The Limits Store Is Down",
            "type": "Select",
            "required": False,
            "defaultValue": "open",
            "selectItems": [
                {"value": "open", "title": "Send anyway and log a warning"},
                {"value": "closed", "title": "Refuse to send"},
            ],
            "description": "Only matters when the host keeps limits in Redis: what a send does "
            "if Redis cannot be reached.",
        }
    )
    return {
        "id": CONNECTOR_ID,
        "target": "aliyun-sms-mas",
        "platform": None,
        "name": dict(texts()["name"]),
        "logo": "aliyun.svg",
        "logoDark": None,
        "description": dict(texts()["description"]),
        "readme": "README.md",
        "formItems": items,
    }


METADATA: dict[str, Any] = _build()
"""Logto ``ConnectorMetadata`` of the MAS connector (camelCase keys, as JSON)."""


def metadata_for(language: str) -> dict[str, Any]:
    """``METADATA`` with the form's labels and descriptions in one language (any BCP 47 tag;
    texts this connector lacks stay English)."""
    from ..texts.metadata import resolve_language

    lang = resolve_language(language)
    metadata = copy.deepcopy(METADATA)
    form = texts()["form"]
    for item in metadata["formItems"]:
        text = form.get(item["key"])
        if text is None:
            continue
        item["label"] = text["label"].get(lang) or text["label"]["en"]
        if "description" in item:
            item["description"] = text["description"].get(lang) or text["description"]["en"]
    return metadata
