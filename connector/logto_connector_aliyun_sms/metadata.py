"""Logto-shaped connector metadata (``METADATA``) and the files it names."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

from .kit import TemplateType

if TYPE_CHECKING:
    from pathlib import Path

CONNECTOR_ID = "aliyun-short-message-service"
LOGO_FILE = "aliyun.svg"
README_FILE = "README.md"

# Logto's default templates: one entry per usage type, in TemplateType order (SignIn first).
_TEMPLATE_DEFAULTS = [
    {"usageType": t.value, "templateCode": "<template-code>"} for t in TemplateType
]

_STRICT_DESCRIPTION = (
    "When enabled, every phone number is assumed to include its country code, and that code alone "
    "decides whether the number is mainland Chinese. Users whose numbers were stored without a "
    "country code may then be unable to sign in. Enable it only if you send SMS outside mainland "
    "China."
)

METADATA: dict[str, Any] = {
    "id": CONNECTOR_ID,
    "target": "aliyun-sms",
    "platform": None,
    "name": {
        "en": "Aliyun Short Message Service",
        "zh-CN": "阿里云短信服务",
        "zh-TW": "阿里雲簡訊服務",
        "ja": "Aliyun ショートメッセージサービス",
        "ko": "Aliyun 단문 메시지 서비스",
        "tr-TR": "Aliyun Kısa Mesaj Servisi",
    },
    "logo": LOGO_FILE,
    "logoDark": None,
    "description": {
        "en": "Send sign-in and verification codes by SMS through Alibaba Cloud (Aliyun) "
        "Short Message Service, in mainland China and abroad.",
        "zh-CN": "通过阿里云短信服务发送登录与验证短信，支持中国大陆及海外号码。",
        "zh-TW": "透過阿里雲簡訊服務發送登入與驗證簡訊，支援中國大陸及海外號碼。",
        "ja": "Alibaba Cloud（Aliyun）ショートメッセージサービスで、サインインや認証コードの SMS を"
        "中国本土と海外の番号に送信します。",
        "ko": "Alibaba Cloud(Aliyun) 단문 메시지 서비스로 중국 본토와 해외 번호에 로그인 및 인증 "
        "코드 SMS를 보냅니다.",
        "tr-TR": "Giriş ve doğrulama kodlarını Alibaba Cloud (Aliyun) Kısa Mesaj Servisi ile "
        "Çin anakarasına ve yurt dışına SMS olarak gönderin.",
    },
    "readme": README_FILE,
    "formItems": [
        {
            "key": "accessKeyId",
            "label": "Access Key ID",
            "type": "Text",
            "required": True,
            "placeholder": "<access-key-id>",
        },
        {
            "key": "accessKeySecret",
            "label": "Access Key Secret",
            "type": "Text",
            "required": True,
            "placeholder": "<access-key-secret>",
            "isConfidential": True,
        },
        {
            "key": "signName",
            "label": "Signature Name",
            "type": "Text",
            "required": True,
            "placeholder": "<signature-name>",
        },
        {
            "key": "templates",
            "label": "Templates",
            "type": "Json",
            "required": True,
            "defaultValue": _TEMPLATE_DEFAULTS,
        },
        {
            "key": "strictPhoneRegionNumberCheck",
            "label": "Strict Phone Region Number Check",
            "type": "Switch",
            "defaultValue": False,
            "description": _STRICT_DESCRIPTION,
        },
        {
            "key": "endpoint",
            "label": "Endpoint",
            "type": "Text",
            "required": False,
            "placeholder": "dysmsapi.aliyuncs.com",
            "description": "Leave empty for dysmsapi.aliyuncs.com (China site, Dysmsapi "
            "2017-05-25, the only API this connector speaks). http:// is accepted only for "
            "loopback addresses, such as the local sandbox.",
        },
        {
            "key": "connectTimeout",
            "label": "Connect Timeout (ms)",
            "type": "Number",
            "required": False,
            "placeholder": "5000",
            "description": "Milliseconds to wait for a connection to Aliyun. Default 5000.",
        },
        {
            "key": "readTimeout",
            "label": "Read Timeout (ms)",
            "type": "Number",
            "required": False,
            "placeholder": "10000",
            "description": "Milliseconds to wait for Aliyun's answer. Default 10000. A send that "
            "times out is never retried, because Aliyun may already have sent it.",
        },
        {
            "key": "allowedCountryCodes",
            "label": "Allowed Countries",
            "type": "Json",
            "required": False,
            "placeholder": '["86", "HK"]',
            "description": 'Only send to numbers of these countries: calling codes ("86", '
            '"852") or ISO regions ("CN", "HK"). Leave empty to allow every country. A '
            "first defence against SMS pumping fraud, not a complete one.",
        },
        {
            "key": "minSendIntervalSeconds",
            "label": "Minimum Seconds Between Messages To One Number",
            "type": "Number",
            "required": False,
            "placeholder": "0",
            "description": "Refuse a second message to the same number within this many seconds. "
            "0 or empty turns it off. Counted in this process, unless the host shares limits "
            "across workers (ALIYUN_SMS_LIMITS_URL).",
        },
        {
            "key": "maxMessagesPerNumberPerDay",
            "label": "Messages Per Number Per Day",
            "type": "Number",
            "required": False,
            "placeholder": "10",
            "description": "At most this many messages to one number in any 24 hours. 0 or empty "
            "turns it off.",
        },
        {
            "key": "maxMessagesPerIpPerHour",
            "label": "Messages Per Client IP Per Hour",
            "type": "Number",
            "required": False,
            "placeholder": "20",
            "description": "At most this many messages requested from one client IP in any hour "
            "(IPv6: per /64). 0 or empty turns it off.",
        },
        {
            "key": "maxMessagesPerCountryPerHour",
            "label": "Messages Per Calling Code Per Hour",
            "type": "Number",
            "required": False,
            "placeholder": "100",
            "description": "At most this many messages to the numbers of one country calling code "
            "in any hour: the brake on SMS pumping fraud. 0 or empty turns it off.",
        },
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
        },
    ],
}
"""Logto ``ConnectorMetadata`` for this connector (camelCase keys, as JSON)."""


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
    from ._form_texts import form_texts, pick
    from ._schema import CONFIG_SCHEMA

    lang = resolve_language(language)
    texts = form_texts()["form"]
    metadata = copy.deepcopy(METADATA)
    for item in metadata["formItems"]:
        key = item["key"]
        text = texts[key]
        prop = CONFIG_SCHEMA["properties"][key]
        item["label"] = pick(text["label"], lang)
        if "placeholder" in text:
            item["placeholder"] = pick(text["placeholder"], lang)
        elif key == "templates":
            item["placeholder"] = json.dumps(TEMPLATES_EXAMPLE[:1], ensure_ascii=False)
        elif "default" in prop:
            item["placeholder"] = str(prop["default"])
        example = json.dumps(TEMPLATES_EXAMPLE, ensure_ascii=False)
        description = pick(text["description"], lang).replace("{example}", example)
        for bound in ("minimum", "maximum", "default"):
            description = description.replace("{" + bound + "}", str(prop.get(bound, "")))
        item["description"] = description
        item["tooltip"] = pick(text["tooltip"], lang)
    return metadata


def asset_path(name: str) -> Path:
    """Absolute path of a file shipped in the package: ``METADATA["logo"]`` or ``["readme"]``."""
    if name not in (LOGO_FILE, README_FILE):
        raise ValueError(f"not a shipped connector asset: {name!r}")
    from pathlib import Path

    return Path(__file__).with_name(name).resolve()


def asset_bytes(name: str) -> bytes:
    """Contents of a file shipped in the package: ``METADATA["logo"]`` or ``["readme"]``."""
    return asset_path(name).read_bytes()
