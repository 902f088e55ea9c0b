"""Fixtures of the relay tests: the sandbox (its fixture), a relay on a free loopback port."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "limits"))

from relay_helpers import relay_config

from delivery_fixtures import events, fresh_delivery  # noqa: F401 - fixtures
from logto_connector_aliyun_sms.relay import parse_relay_config
from logto_connector_aliyun_sms.relay.idempotency import MemoryClaims
from logto_connector_aliyun_sms.relay.runner import RelayThread

StartRelay = Callable[..., Any]


@pytest.fixture
def start_relay(aliyun_sms_sandbox: Any) -> Iterator[StartRelay]:
    """``start_relay(**relay config keys, app options...)`` -> a RelayThread on the sandbox."""
    stack: list[RelayThread] = []

    def start(
        *, app: dict[str, Any] | None = None, keepalive_s: float = 15, **top: Any
    ) -> RelayThread:
        connector = top.pop("connector", aliyun_sms_sandbox.connector_config())
        config = parse_relay_config(relay_config(connector, **top))
        options = {"claims": MemoryClaims(), **(app or {})}
        relay = RelayThread(config, keepalive_s=keepalive_s, **options).__enter__()
        stack.append(relay)
        return relay

    yield start
    for relay in reversed(stack):
        relay.__exit__(None, None, None)


@pytest.fixture
def relay(start_relay: StartRelay) -> Any:
    """A relay with every route (each with credentials), memory claims."""
    return start_relay()


@pytest.fixture(scope="session")
def redis_url_session() -> Iterator[str]:
    """A real redis-server for the session (skipped when missing, unless CI requires it)."""
    from redis_server import RedisServer, redis_server_path_or_skip

    with RedisServer(redis_server_path_or_skip()) as server:
        yield server.url


@pytest.fixture
def redis_url(redis_url_session: str) -> str:
    """The session's redis-server, emptied for this test."""
    import redis

    with redis.Redis.from_url(redis_url_session) as client:
        client.flushall()
    return redis_url_session
