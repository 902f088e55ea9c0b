"""pytest plugin (entry point ``pytest11``): the ``aliyun_sms_sandbox`` fixture.

One server per test session, reset before every test, so each test sees the default seed, an
empty outbox and request log, no faults, the real clock and no latency. Cheap to import: the
server code loads only when a test asks for the fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .runner import Sandbox


@pytest.fixture(scope="session")
def aliyun_sms_sandbox_server() -> Iterator[Sandbox]:
    """The session's sandbox, in a background thread on a free loopback port."""
    from .runner import Sandbox

    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def aliyun_sms_sandbox(aliyun_sms_sandbox_server: Sandbox) -> Sandbox:
    """The session's sandbox with fresh state for this test."""
    aliyun_sms_sandbox_server.reset()
    return aliyun_sms_sandbox_server
