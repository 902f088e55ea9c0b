"""Fixtures of the delivery tests: hooks and remembered ids cleared; a real redis-server."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "limits"))

from receiver_server import ReceiverServer
from redis_server import RedisServer, redis_server_path_or_skip

import logto_connector_aliyun_sms as aliyun_sms
from delivery_fixtures import events, fresh_delivery  # noqa: F401 - fixtures
from receipts import TOKEN


@pytest.fixture(autouse=True)
def _fresh_delivery(request: pytest.FixtureRequest) -> None:
    """Every delivery test starts and ends with no callbacks and nothing remembered."""
    request.getfixturevalue("fresh_delivery")


@pytest.fixture
def receiver_url(aliyun_sms_sandbox: Any) -> Iterator[str]:
    """A DeliveryReceiver on loopback, the sandbox pushing its receipts there; its URL."""
    with ReceiverServer(aliyun_sms.DeliveryReceiver(token=TOKEN)) as server:
        url = server.url(TOKEN)
        aliyun_sms_sandbox.set_reports(url)
        yield url


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A redis-server of the delivery tests (skipped when missing, unless CI requires it)."""
    with RedisServer(redis_server_path_or_skip()) as server:
        yield server.url
