"""Fixtures of the MAS connector's tests: Node with Logto's MAS connector from npm."""

from __future__ import annotations

import shutil

import pytest

from js_packages import JS_DIR, install_js_packages


@pytest.fixture(scope="session")
def node() -> str:
    """``node``, with tests/js/node_modules installed from the lock file (npm ci) if missing."""
    found = shutil.which("node")
    assert found is not None, "node is required to run Logto's MAS connector"
    install_js_packages(
        JS_DIR / "node_modules" / "@logto" / "connector-aliyun-sms-mas",
        "install Logto's MAS connector",
    )
    return found
