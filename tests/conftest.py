"""Suite-wide guards: the sandbox's secret is a canary that no log record may ever contain."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _secret_never_logged(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    """Every test that uses the sandbox runs with its secret as a canary, logging at DEBUG."""
    if "aliyun_sms_sandbox" not in request.fixturenames:
        yield
        return
    secret = request.getfixturevalue("aliyun_sms_sandbox").access_key_secret
    caplog.set_level(logging.DEBUG)
    yield
    for record in caplog.records:
        text = record.getMessage() + repr(record.__dict__)
        assert secret not in text, f"the secret leaked into a log record of {record.name}"
