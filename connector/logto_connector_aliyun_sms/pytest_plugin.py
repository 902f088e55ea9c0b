"""pytest plugin (entry point ``pytest11``): the connector's part of the sandbox fixture.

When the sandbox (the ``sandbox`` extra) resets for a test, the connector's send limits are
forgotten and read time from the sandbox's clock, so ``sandbox.clock.advance(...)`` moves them.
Loaded by pytest only; importing it costs the package's light import.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.hookimpl(optionalhook=True)
def pytest_aliyun_sms_sandbox_reset(sandbox: Any) -> None:
    """Forget every count; the limits follow the sandbox's clock."""
    from .limits import reset_limits

    reset_limits(clock=sandbox.clock.time)
