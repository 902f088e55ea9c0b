"""The prepared-config cache: a config validated once, with what every send derives from it.

Hosts pass the same config again and again; validating and deriving the endpoint, the template
index and the client key once per distinct config keeps a send's overhead in microseconds.
"""

from __future__ import annotations

import copy
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, Generic, NamedTuple, TypeVar

from .._sdk import DYSMSAPI, ClientKey, SdkClient, client_for, client_key
from ..inputs.countries import allowed_countries
from ..inputs.endpoint import Endpoint, parse_endpoint
from ..kit import AliyunSmsConfig, Template
from ..limits.rules import Rules, rules_from
from .validate import validate_config

MAX_PREPARED = 64
"""Distinct configs remembered (least recently prepared forgotten first)."""
T = TypeVar("T")


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


class ContentCache(Generic[T]):
    """What ``build`` derives from a config, built once per distinct content (the ``size`` most
    recent remembered). The same config object passed again (the usual case: a host keeps its
    config) is recognised by identity plus an equality check against a snapshot, without
    re-serialising it. (Equality treats 1, 1.0 and True alike; only an in-place edit between
    such values could go unseen.) A config that cannot be serialised is built every time."""

    def __init__(self, build: Callable[[Any], T], size: int = MAX_PREPARED) -> None:
        self._build = build
        self._size = size
        self._by_content: OrderedDict[str, T] = OrderedDict()
        self._by_identity: OrderedDict[int, tuple[Any, Any, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, config: Any) -> T:
        """The built value for ``config``; raises what ``build`` raises."""
        seen = self._by_identity.get(id(config))
        if seen is not None and seen[0] is config and seen[1] == config:
            return seen[2]
        key = _cache_key(config)
        found = self._by_content.get(key) if key is not None else None
        if found is None:
            found = self._build(config)
        if key is not None:
            with self._lock:
                self._by_content[key] = found
                while len(self._by_content) > self._size:
                    self._by_content.popitem(last=False)
                if isinstance(config, dict):
                    self._by_identity[id(config)] = (config, copy.deepcopy(config), found)
                    while len(self._by_identity) > self._size:
                        self._by_identity.popitem(last=False)
        return found


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
    return _cache.get(config)


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
        config_client_key(valid, endpoint),
    )


def config_client_key(
    config: Mapping[str, Any], endpoint: Endpoint, product: str = DYSMSAPI
) -> ClientKey:
    """The SDK client key of a validated config (its AccessKey, timeouts and endpoint)."""
    return client_key(
        endpoint,
        config["accessKeyId"],
        config["accessKeySecret"],
        config.get("connectTimeout"),
        config.get("readTimeout"),
        product,
    )


_cache: ContentCache[PreparedConfig] = ContentCache(_prepare)
