"""A MAS config validated once, with what every send derives from it (cached by content)."""

from __future__ import annotations

from typing import Any, NamedTuple

from .._sdk import DYPNSAPI, ClientKey, SdkClient, client_for
from ..config.prepared import ContentCache, config_client_key
from ..inputs.endpoint import Endpoint, parse_endpoint
from ..limits.rules import Rules, rules_from
from .config import validate_config

DEFAULT_HOST = "dypnsapi.aliyuncs.com"


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


def prepare_config(config: Any) -> MasPrepared:
    """Validate ``config`` (cached by content) and derive what a send needs."""
    return _cache.get(config)


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
        config_client_key(valid, endpoint, DYPNSAPI),
    )


_cache: ContentCache[MasPrepared] = ContentCache(_prepare)
