"""Fixtures of the MAS connector's tests: Node with Logto's MAS connector from npm."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from mas_helpers import JS_DIR


@pytest.fixture(scope="session")
def node() -> str:
    """``node``, with tests/js/node_modules installed from the lock file (npm ci) if missing."""
    found = shutil.which("node")
    assert found is not None, "node is required to run Logto's MAS connector"
    if not (JS_DIR / "node_modules" / "@logto" / "connector-aliyun-sms-mas").is_dir():
        npm = shutil.which("npm")
        assert npm is not None, "npm is required to install Logto's MAS connector"
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=JS_DIR,
            check=True,
            timeout=300,
        )
    return found
