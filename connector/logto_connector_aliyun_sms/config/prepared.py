"""The prepared-config cache: a config validated once, with what every send derives from it.

Hosts pass the same config again and again; validating and deriving the endpoint, the template
index and the client key once per distinct config keeps a send's overhead in microseconds.
"""

from __future__ import annotations

import copy
import json
import threading
from collections import OrderedDict
from typing import Any, NamedTuple

from .._sdk import ClientKey, SdkClient, client_for, client_key
from ..inputs.countries import allowed_countries
from ..inputs.endpoint import Endpoint, parse_endpoint
from ..kit import AliyunSmsConfig, Template
from ..limits.rules import Rules, rules_from
from .validate import validate_config

MAX_PREPARED = 64
"""Distinct configs remembered (least recently prepared forgotten first)."""


class PreparedConfig(NamedTuple):
    """A validated config with what every send derives from it, computed once."""

    config: AliyunSmsConfig
    endpoint: Endpoint
    templates: dict[str, Template]
    allowed: frozenset[str] | None
    limits: Rules
    client_key: ClientKey

    def client(self) -> SdkClient:
        """The cached SDK client for this config."""
        return client_for(self.client_key, self.config["accessKeySecret"])

    def __repr__(self) -> str:  # the config holds the secret
        return f"PreparedConfig(endpoint={self.endpoint.url!r}, accessKeyId={self.account!r})"

    @property
    def account(self) -> str:
        """The AccessKey ID: whose money a send spends."""
        return str(self.config["accessKeyId"])


_prepared: OrderedDict[str, PreparedConfig] = OrderedDict()
_lock = threading.Lock()
# The same config object passed again (the usual case: a host keeps its config) is recognised
# by identity plus an equality check against a snapshot, without re-serialising it. (Equality
# treats 1, 1.0 and True alike; only an in-place edit between such values could go unseen.)
_by_identity: OrderedDict[int, tuple[Any, Any, PreparedConfig]] = OrderedDict()


def _cache_key(config: Any) -> str | None:
    if isinstance(config, str):
        return config
    try:
        return json.dumps(config, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return None


def prepare_config(config: Any) -> PreparedConfig:
    """Validate ``config`` (cached by content) and derive the endpoint and template index.

    Raises ``ConnectorError(INVALID_CONFIG)`` as ``validate_config`` does.
    """
    seen = _by_identity.get(id(config))
    if seen is not None and seen[0] is config and seen[1] == config:
        return seen[2]
    key = _cache_key(config)
    prepared = _prepared.get(key) if key is not None else None
    if prepared is None:
        prepared = _prepare(config)
    if key is not None:
        with _lock:
            _prepared[key] = prepared
            while len(_prepared) > MAX_PREPARED:
                _prepared.popitem(last=False)
            if isinstance(config, dict):
                _by_identity[id(config)] = (config, copy.deepcopy(config), prepared)
                while len(_by_identity) > MAX_PREPARED:
                    _by_identity.popitem(last=False)
    return prepared


def _prepare(config: Any) -> PreparedConfig:
    valid = validate_config(config)
    templates: dict[str, Template] = {}
    for template in valid["templates"]:
        templates.setdefault(template["usageType"], template)  # the first one wins, as in Logto
    endpoint = parse_endpoint(valid.get("endpoint"))
    return PreparedConfig(
        valid,
        endpoint,
        templates,
        allowed_countries(valid.get("allowedCountryCodes")),
        rules_from(valid),
        client_key(
            endpoint,
            valid["accessKeyId"],
            valid["accessKeySecret"],
            valid.get("connectTimeout"),
            valid.get("readTimeout"),
        ),
    )
