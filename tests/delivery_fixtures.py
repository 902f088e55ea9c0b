"""Fixtures of the tests that follow delivery receipts (tests/delivery, the relay's receipts):
import them into a conftest or a test module to use them there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import DeliveryReport, limits
from logto_connector_aliyun_sms.delivery import dedupe, hooks


@pytest.fixture
def fresh_delivery() -> Iterator[None]:
    """No callbacks, nothing remembered, the memory limits store, before and after the test."""
    hooks.clear_hooks()
    dedupe.forget_all()
    limits.configure_limits("memory://")
    yield
    hooks.clear_hooks()
    dedupe.forget_all()
    limits.configure_limits()


@pytest.fixture
def events() -> list[DeliveryReport]:
    """The reports the ``on_delivery`` callbacks got, in order."""
    seen: list[DeliveryReport] = []
    aliyun_sms.on_delivery(seen.append)
    return seen
