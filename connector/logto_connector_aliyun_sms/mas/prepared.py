"""A MAS config validated once, with what every send derives from it (cached by content)."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any, NamedTuple

from .._sdk import DYPNSAPI, ClientKey, SdkClient, client_for, client_key
from ..inputs.endpoint import Endpoint, parse_endpoint
from ..limits.rules import Rules, rules_from
from .config import validate_config

DEFAULT_HOST = "dypnsapi.aliyuncs.com"
MAX_PREPARED = 64


class MasPrepared(NamedTuple):
    """A validated MAS config, its endpoint, template index, limits and SDK client key."""

    config: dict[str, Any]
    endpoint: Endpoint
    templates: dict[str, str]  # usageType -> template code (the first one wins, as in Logto)
    limits: Rules
    client_key: ClientKey

    def client(self) -> SdkClient:
        """The cached Dypnsapi SDK client for this config."""
        return client_for(self.client_key, self.config["accessKeySecret"])

    def __repr__(self) -> str:  # the config holds the secret
        return f"MasPrepared(endpoint={self.endpoint.url!r}, accessKeyId=...)"


_prepared: OrderedDict[str, MasPrepared] = OrderedDict()
_lock = threading.Lock()


def prepare_config(config: Any) -> MasPrepared:
    """Validate ``config`` (cached by content) and derive what a send needs."""
    try:
        key: str | None = config if isinstance(config, str) else json.dumps(config, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        key = None
    found = _prepared.get(key) if key is not None else None
    if found is not None:
        return found
    prepared = _prepare(config)
    if key is not None:
        with _lock:
            _prepared[key] = prepared
            while len(_prepared) > MAX_PREPARED:
                _prepared.popitem(last=False)
    return prepared


def _prepare(config: Any) -> MasPrepared:
    valid = validate_config(config)
    templates: dict[str, str] = {}
    for template in valid["templates"]:
        templates.setdefault(template["usageType"], template["templateCode"])
    endpoint = parse_endpoint(valid.get("endpoint") or DEFAULT_HOST)
    return MasPrepared(
        valid,
        endpoint,
        templates,
        rules_from(valid),
        client_key(
            endpoint,
            valid["accessKeyId"],
            valid["accessKeySecret"],
            valid.get("connectTimeout"),
            valid.get("readTimeout"),
            DYPNSAPI,
        ),
    )
