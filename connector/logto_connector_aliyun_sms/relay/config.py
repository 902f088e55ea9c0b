"""The relay's JSON config: the connector config, the connector id, and one entry per route.

::

    {"connector": {...} or "connector.json",      # a connector config, or the path of one
     "connectorId": "aliyun-short-message-service", # optional: which connector sends
     "trustedProxies": ["10.0.0.0/8"],              # optional: whose X-Forwarded-For is believed
     "codeLifetimeSeconds": 600,                    # optional: how long a code is sent once only
     "maxBodyBytes": 65536,                         # optional
     "receipts": {"token": "env:RECEIPTS_TOKEN"},   # optional: Aliyun's delivery receipts
     "routes": {
       "logto":     {"authorization": "Bearer ..."},
       "authentik": {"bearer": "..."} or {"basic": {"username": "...", "password": "..."}},
       "zitadel":   {"signingKey": "..."},
       "supabase":  {"secret": "v1,whsec_..."},
       "kratos":    {"basic": {...}} or {"apiKey": {"name": "X-Api-Key", "value": "..."}}}}

Every route also takes ``usageTypes`` (the platform's message type -> Logto's usage type, over
the platform's own table; ``"*"`` for the rest) and ``codeLifetimeSeconds``. A route that is
absent is disabled; a route with no credentials (``{}``) is open, which ``serve`` allows on
loopback with ``--insecure`` only. Any secret (every string in ``routes``, and the connector's
``accessKeyId`` / ``accessKeySecret``, the receipts token) may be written ``"env:NAME"``: read
from the environment. ``receipts`` opens ``/v1/receipts?token=...`` for Aliyun's delivery
receipts; its token is a secret of ``MIN_RECEIPTS_TOKEN`` characters at least.
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..kit import TemplateType
from .auth import Basic, Bearer, Check, HeaderValue, StandardWebhooks, ZitadelSignature

ENV_CONFIG = "ALIYUN_SMS_RELAY_CONFIG"
"""The environment variable ``app_from_env`` reads the relay config's path from."""
DEFAULT_CONNECTOR_ID = "aliyun-short-message-service"
DEFAULT_LIFETIME_S = 600
DEFAULT_MAX_BODY = 64 * 1024
PLATFORMS = ("logto", "authentik", "zitadel", "supabase", "kratos")
USAGE_TYPES = frozenset(t.value for t in TemplateType)
_ENV_PREFIX = "env:"
_CREDENTIAL_KEYS = ("accessKeyId", "accessKeySecret")
MIN_RECEIPTS_TOKEN = 16
"""The shortest receipts token accepted (``DeliveryReceiver``'s own minimum)."""


class RelayConfigError(ValueError):
    """The relay config cannot be used; the message says where and never holds a secret."""


@dataclass(frozen=True)
class RouteConfig:
    """One enabled route: its platform, its check (None: open), its type table and lifetime."""

    platform: str
    auth: Check | None
    usage_types: Mapping[str, str]
    code_lifetime_s: float

    @property
    def path(self) -> str:
        """``/v1/<platform>``."""
        return f"/v1/{self.platform}"


@dataclass(frozen=True)
class RelayConfig:
    """A checked relay config. ``connector`` holds the connector config (secrets: not in repr)."""

    connector: dict[str, Any] = field(repr=False)
    connector_id: str
    routes: Mapping[str, RouteConfig]
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    max_body_bytes: int = DEFAULT_MAX_BODY
    receipts: Mapping[str, Any] | None = field(default=None, repr=False)
    """``{"token": ...}`` (resolved from ``env:``) when the receipts route is on, else None."""

    def open_routes(self) -> list[str]:
        """The routes that accept requests without credentials."""
        return [name for name, route in self.routes.items() if route.auth is None]

    def secrets(self) -> list[str]:
        """Every secret of this config, to be masked wherever text leaves the relay."""
        found = [str(self.connector.get(key) or "") for key in _CREDENTIAL_KEYS]
        for route in self.routes.values():
            if route.auth is not None:
                found += route.auth.secrets()
        if self.receipts is not None:
            found.append(str(self.receipts.get("token") or ""))
        return [s for s in found if s]


def _env(value: Any, where: str) -> Any:
    """``"env:NAME"`` -> the variable's value (refused when unset or empty)."""
    if isinstance(value, str) and value.startswith(_ENV_PREFIX):
        name = value[len(_ENV_PREFIX) :]
        resolved = os.environ.get(name)
        if not resolved:
            raise RelayConfigError(f"{where}: the environment variable {name} is not set")
        return resolved
    if isinstance(value, dict):
        return {k: _env(v, f"{where}.{k}") for k, v in value.items()}
    return value


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise RelayConfigError(f"{where}.{key} must be a non-empty string")
    return value


def _basic(entry: Any, where: str) -> Basic:
    if not isinstance(entry, dict):
        raise RelayConfigError(f"{where} must be an object {{username, password}}")
    return Basic(_text(entry, "username", where), _text(entry, "password", where))


def _auth(platform: str, entry: Mapping[str, Any], where: str) -> Check | None:
    """The route's check from its keys; None when it has none (an open route)."""
    if platform == "logto" and "authorization" in entry:
        return HeaderValue("Authorization", _text(entry, "authorization", where))
    if platform == "zitadel" and "signingKey" in entry:
        return ZitadelSignature(_text(entry, "signingKey", where))
    if platform == "supabase" and "secret" in entry:
        try:
            return StandardWebhooks(_text(entry, "secret", where))
        except ValueError as error:
            raise RelayConfigError(f"{where}.secret: {error}") from None
    if platform in ("authentik", "kratos") and "bearer" in entry:
        return Bearer(_text(entry, "bearer", where))
    if platform in ("authentik", "kratos") and "basic" in entry:
        return _basic(entry["basic"], f"{where}.basic")
    if platform == "kratos" and "apiKey" in entry:
        key = entry["apiKey"]
        if not isinstance(key, dict):
            raise RelayConfigError(f"{where}.apiKey must be an object {{name, value}}")
        return HeaderValue(_text(key, "name", f"{where}.apiKey"), _text(key, "value", where))
    return None


_ROUTE_KEYS = {
    "logto": {"authorization"},
    "authentik": {"bearer", "basic"},
    "zitadel": {"signingKey"},
    "supabase": {"secret"},
    "kratos": {"basic", "apiKey", "bearer"},
}
_COMMON_KEYS = {"usageTypes", "codeLifetimeSeconds"}


def _lifetime(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 1 <= value <= 86400:
        raise RelayConfigError(f"{where} must be a number of seconds from 1 to 86400")
    return float(value)


def _usage_types(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RelayConfigError(f"{where} must be an object: platform type -> Logto usage type")
    for key, usage in value.items():
        if usage not in USAGE_TYPES:
            known = ", ".join(sorted(USAGE_TYPES))
            raise RelayConfigError(f"{where}.{key}: {usage!r} is not a Logto usage type ({known})")
    return dict(value)


def _route(platform: str, entry: Any, default_lifetime: float) -> RouteConfig:
    where = f"routes.{platform}"
    if not isinstance(entry, dict):
        raise RelayConfigError(f"{where} must be an object ({{}} for an open route)")
    unknown = set(entry) - _ROUTE_KEYS[platform] - _COMMON_KEYS
    if unknown:
        allowed = ", ".join(sorted(_ROUTE_KEYS[platform] | _COMMON_KEYS))
        raise RelayConfigError(f"{where}: unknown key {sorted(unknown)[0]!r} (allowed: {allowed})")
    credentials = [key for key in entry if key in _ROUTE_KEYS[platform]]
    if len(credentials) > 1:
        raise RelayConfigError(f"{where}: give one of {' or '.join(credentials)}, not both")
    resolved = _env(entry, where)
    lifetime = resolved.get("codeLifetimeSeconds")
    return RouteConfig(
        platform,
        _auth(platform, resolved, where),
        _usage_types(resolved.get("usageTypes"), f"{where}.usageTypes"),
        default_lifetime
        if lifetime is None
        else _lifetime(lifetime, f"{where}.codeLifetimeSeconds"),
    )


def _connector(value: Any, base: Path | None) -> dict[str, Any]:
    if isinstance(value, str):
        path = Path(value)
        if not path.is_absolute() and base is not None:
            path = base / path
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise RelayConfigError(
                f"connector: cannot read {path}: {error.strerror or error}"
            ) from None
        except ValueError:
            raise RelayConfigError(f"connector: {path} is not JSON") from None
    if not isinstance(value, dict):
        raise RelayConfigError("connector must be a connector config (an object) or its path")
    connector = dict(value)
    for key in _CREDENTIAL_KEYS:
        connector[key] = _env(connector.get(key), f"connector.{key}")
    return connector


def _proxies(value: Any) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise RelayConfigError("trustedProxies must be a list of addresses or CIDR ranges")
    networks = []
    for item in value:
        try:
            networks.append(ipaddress.ip_network(str(item), strict=False))
        except ValueError:
            raise RelayConfigError(
                f"trustedProxies: {item!r} is not an address or CIDR range"
            ) from None
    return tuple(networks)


def _receipts(value: Any) -> dict[str, str] | None:
    """``{"token": ...}`` checked (the token resolved from ``env:``), or None when absent."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RelayConfigError('receipts must be an object {"token": ...}')
    unknown = set(value) - {"token"}
    if unknown:
        raise RelayConfigError(f"receipts: unknown key {sorted(unknown)[0]!r} (allowed: token)")
    token = _text(_env(value, "receipts"), "token", "receipts")
    if len(token) < MIN_RECEIPTS_TOKEN:
        raise RelayConfigError(
            f"receipts.token must be a secret of {MIN_RECEIPTS_TOKEN} characters at least "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return {"token": token}


_TOP_KEYS = {
    "connector",
    "connectorId",
    "routes",
    "trustedProxies",
    "codeLifetimeSeconds",
    "maxBodyBytes",
    "receipts",
}


def parse_relay_config(raw: Any, base: Path | None = None) -> RelayConfig:
    """Check a relay config (already parsed JSON); ``base``: where relative paths start."""
    if not isinstance(raw, dict):
        raise RelayConfigError("the relay config must be a JSON object")
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise RelayConfigError(
            f"unknown key {sorted(unknown)[0]!r} (allowed: {', '.join(sorted(_TOP_KEYS))})"
        )
    if "connector" not in raw:
        raise RelayConfigError("connector is required: a connector config or its path")
    connector_id = raw.get("connectorId", DEFAULT_CONNECTOR_ID)
    if not isinstance(connector_id, str):
        raise RelayConfigError("connectorId must be a string")
    routes_raw = raw.get("routes")
    if not isinstance(routes_raw, dict) or not routes_raw:
        raise RelayConfigError(f"routes must name at least one of {', '.join(PLATFORMS)}")
    for name in routes_raw:
        if name not in PLATFORMS:
            raise RelayConfigError(f"routes: unknown platform {name!r} ({', '.join(PLATFORMS)})")
    default_lifetime = _lifetime(
        raw.get("codeLifetimeSeconds", DEFAULT_LIFETIME_S), "codeLifetimeSeconds"
    )
    max_body = raw.get("maxBodyBytes", DEFAULT_MAX_BODY)
    if isinstance(max_body, bool) or not isinstance(max_body, int) or not 1024 <= max_body <= 2**20:
        raise RelayConfigError("maxBodyBytes must be a whole number from 1024 to 1048576")
    return RelayConfig(
        connector=_connector(raw["connector"], base),
        connector_id=connector_id,
        routes={
            name: _route(name, routes_raw[name], default_lifetime)
            for name in PLATFORMS
            if name in routes_raw
        },
        trusted_proxies=_proxies(raw.get("trustedProxies")),
        max_body_bytes=max_body,
        receipts=_receipts(raw.get("receipts")),
    )


def load_relay_config(path: str | os.PathLike[str]) -> RelayConfig:
    """Read and check a relay config file; connector paths are relative to its folder."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise RelayConfigError(f"cannot read {file}: {error.strerror or error}") from None
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise RelayConfigError(f"{file} is not JSON: {error}") from None
    return parse_relay_config(raw, file.parent)
