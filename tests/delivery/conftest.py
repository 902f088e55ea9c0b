"""Fixtures of the delivery tests: hooks and remembered ids cleared; a real redis-server."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "limits"))

from redis_server import REQUIRE_ENV, RedisServer, redis_server_path

from logto_connector_aliyun_sms import limits
from logto_connector_aliyun_sms.delivery import dedupe, hooks


@pytest.fixture(autouse=True)
def _fresh_delivery() -> Iterator[None]:
    """No callbacks, nothing remembered, the memory limits store, before and after each test."""
    hooks.clear_hooks()
    dedupe.forget_all()
    limits.configure_limits("memory://")
    yield
    hooks.clear_hooks()
    dedupe.forget_all()
    limits.configure_limits()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A redis-server of the delivery tests (skipped when missing, unless CI requires it)."""
    path = redis_server_path()
    if path is None:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"redis-server is not installed and {REQUIRE_ENV}=1")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    with RedisServer(path) as server:
        yield server.url
