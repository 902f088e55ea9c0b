"""The sandbox's starting state: the default seed, and seeds read from JSON.

JSON seed (``--seed FILE`` or ``Sandbox(seed=...)``)::

    {"replace": false,
     "accounts":   [{"accessKeyId": "...", "accessKeySecret": "...",
                     "balance": null, "dailyQuota": null, "enabled": true}],
     "signatures": [{"name": "My App", "approved": true}],
     "templates":  [{"code": "SMS_1", "content": "验证码${code}", "international": false,
                     "kind": "verification", "approved": true, "usageType": "SignIn"}],
     "giftSignatures": ["速通互联验证码"]}

Entries extend the default seed (same id, name or code: replaced); ``"replace": true`` starts from
nothing instead, and its first account and first approved signature become the defaults.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .mas import GIFT_SIGNATURES
from .models import Account, Signature, Template

DEFAULT_ACCESS_KEY_ID = "LTAI5tSandboxAccessKeyId"
#: The sandbox's own made-up secret: it opens nothing but this local server.
DEFAULT_ACCESS_KEY_SECRET = "SandboxSecretNotARealKey0123456789"  # noqa: S105
DEFAULT_SIGN_NAME = "Logto Sandbox"

# Logto's usage types (TemplateType), in Logto's order, with what each message is for.
_ACTIONS = {
    "SignIn": ("登录", "sign-in"),
    "Register": ("注册", "registration"),
    "ForgotPassword": ("重置密码", "password reset"),
    "OrganizationInvitation": ("加入组织", "organization invitation"),
    "Generic": ("身份验证", "verification"),
    "UserPermissionValidation": ("权限验证", "permission check"),
    "BindNewIdentifier": ("绑定新账号", "new identifier"),
    "MfaVerification": ("两步验证", "two-step verification"),
    "BindMfa": ("绑定两步验证", "two-step setup"),
}

USAGE_TYPES = tuple(_ACTIONS)
"""Logto's usage types: the default seed has a template pair for each."""


def mainland_code(index: int) -> str:
    """Template code of the default mainland template for the usage type at ``index`` (0-8)."""
    return f"SMS_9000000{index + 1:02d}"


def international_code(index: int) -> str:
    """Template code of the default international template for the usage type at ``index``."""
    return f"SMS_9000001{index + 1:02d}"


@dataclass
class Seed:
    """Accounts, signatures and templates, and which template serves which Logto usage type."""

    accounts: list[Account] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    templates: list[Template] = field(default_factory=list)
    usage_types: dict[str, str] = field(default_factory=dict)  # template code -> usageType
    gift_signatures: list[str] = field(default_factory=lambda: list(GIFT_SIGNATURES))
    """Dypnsapi's gift signatures (SendSmsVerifyCode refuses any other)."""


def default_seed() -> Seed:
    """One account, one approved verification signature, and for every Logto usage type an
    approved mainland and an approved international verification template."""
    seed = Seed(
        accounts=[Account(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET)],
        signatures=[Signature(DEFAULT_SIGN_NAME)],
    )
    for index, (usage, (zh, en)) in enumerate(_ACTIONS.items()):
        mainland = Template(
            mainland_code(index),
            f"您正在进行{zh}，验证码为${{code}}，5分钟内有效，请勿泄露于他人。",
        )
        overseas = Template(
            international_code(index),
            f"Your {en} code is ${{code}}. It expires in 5 minutes.",
            international=True,
        )
        seed.templates += [mainland, overseas]
        seed.usage_types[mainland.code] = seed.usage_types[overseas.code] = usage
    return seed


def load_seed(source: str | Path | Mapping[str, Any] | None) -> Seed:
    """The default seed, extended or replaced by a JSON file path or an already-parsed mapping.

    Raises ValueError naming the entry (``seed accounts[0]: ...``) for anything malformed.
    """
    if source is None:
        return default_seed()
    data: Any
    if isinstance(source, Mapping):
        data = source
    elif not isinstance(source, (str, Path)):
        raise ValueError("a seed is a JSON file path or a mapping")
    else:
        try:
            data = json.loads(Path(source).read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"seed {source} is not UTF-8 JSON: {exc}") from None
    if not isinstance(data, Mapping):
        raise ValueError("a seed must be a JSON object")
    seed = Seed() if data.get("replace") else default_seed()
    for where, entry in _entries(data, "accounts"):
        account = Account(
            access_key_id=_text(entry, "accessKeyId", where),
            access_key_secret=_text(entry, "accessKeySecret", where),
            balance=_count(entry, "balance", where),
            daily_quota=_count(entry, "dailyQuota", where),
            enabled=_flag(entry, "enabled", where),
        )
        seed.accounts = [a for a in seed.accounts if a.access_key_id != account.access_key_id]
        seed.accounts.append(account)
    for where, entry in _entries(data, "signatures"):
        if isinstance(entry, str) and entry:
            signature = Signature(entry)
        else:
            signature = Signature(_text(entry, "name", where), _flag(entry, "approved", where))
        seed.signatures = [s for s in seed.signatures if s.name != signature.name]
        seed.signatures.append(signature)
    for where, entry in _entries(data, "templates"):
        fields: dict[str, Any] = {
            "code": _text(entry, "code", where),
            "content": _text(entry, "content", where),
            "international": _flag(entry, "international", where, default=False),
            "kind": _field(entry, "kind", where) or "verification",
            "approved": _flag(entry, "approved", where),
        }
        try:
            template = Template(**fields)
        except ValueError as exc:  # the model's own rules (the kind), named for this entry
            raise ValueError(f"{where}: {exc}") from None
        seed.templates = [t for t in seed.templates if t.code != template.code]
        seed.templates.append(template)
        if entry.get("usageType") is not None:
            seed.usage_types[template.code] = _text(entry, "usageType", where)
    gifts = data.get("giftSignatures")
    if gifts is not None:
        if not isinstance(gifts, list) or not all(isinstance(g, str) and g for g in gifts):
            raise ValueError("seed 'giftSignatures' must be a list of non-empty strings")
        seed.gift_signatures = list(gifts)
    if not seed.accounts:
        raise ValueError("a seed needs at least one account")
    return seed


def _entries(data: Mapping[str, Any], key: str) -> list[tuple[str, Any]]:
    entries = data.get(key, [])
    if not isinstance(entries, list):
        raise ValueError(f"seed {key!r} must be a list")
    return [(f"seed {key}[{index}]", entry) for index, entry in enumerate(entries)]


def _field(entry: Any, key: str, where: str) -> Any:
    if not isinstance(entry, Mapping):
        raise ValueError(f"{where} must be a JSON object")
    return entry.get(key)


def _text(entry: Any, key: str, where: str) -> str:
    value = _field(entry, key, where)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{where}: {key!r} must be a non-empty string")
    return value


def _count(entry: Any, key: str, where: str) -> int | None:
    value = _field(entry, key, where)
    if value is not None and (type(value) is not int or value < 0):
        raise ValueError(f"{where}: {key!r} must be a whole number of messages (0 or more) or null")
    return value


def _flag(entry: Any, key: str, where: str, default: bool = True) -> bool:
    value = _field(entry, key, where)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ValueError(f"{where}: {key!r} must be true or false")
    return value
