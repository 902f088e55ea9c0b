"""The shipped JSON Schema of the MAS connector's config, and the rules read from it."""

from __future__ import annotations

import json
import os
from typing import Any

REQUIRED_USAGE_TYPES = (
    "Register",
    "SignIn",
    "ForgotPassword",
    "Generic",
    "UserPermissionValidation",
    "BindNewIdentifier",
    "OrganizationInvitation",
    "MfaVerification",
    "BindMfa",
)
"""The usage types every config needs a template for, in the order Logto names them."""
SYSTEM_TEMPLATES = {
    "100001": "sign-in, registration, generic",
    "100002": "change phone number",
    "100003": "reset password",
    "100004": "bind phone number",
    "100005": "verify phone number",
}
"""Aliyun's system templates (系统赠送模板) of the Message Authentication Service."""

_SCHEMA_FILE = "config.schema.json"
_REPO_SCHEMA = os.path.join("schema", "aliyun-sms-mas-connector.schema.json")


def _load_schema() -> dict[str, Any]:
    here = os.path.dirname(os.path.realpath(__file__))
    try:
        with open(os.path.join(here, _SCHEMA_FILE), encoding="utf-8") as file:
            schema: Any = json.load(file)
    except (OSError, ValueError):
        # A checkout where the symlink became a plain text file: the canonical file instead.
        repo = os.path.join(here, os.pardir, os.pardir, os.pardir, _REPO_SCHEMA)
        with open(os.path.realpath(repo), encoding="utf-8") as file:
            schema = json.load(file)
    if not isinstance(schema, dict):  # pragma: no cover - the shipped file is an object
        raise TypeError(f"{_SCHEMA_FILE} does not hold a JSON object")
    return schema


CONFIG_SCHEMA = _load_schema()
"""The JSON Schema (draft 2020-12) of the MAS connector's config, as shipped in the package."""

PROPS: dict[str, Any] = CONFIG_SCHEMA["properties"]
NULLABLE = frozenset(k for k, p in PROPS.items() if "null" in p["type"])
"""This connector's own optional keys (Logto lacks them): ``None`` there means absent."""
