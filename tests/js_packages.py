"""tests/js: the npm packages some tests run under node (Logto's connectors, Ajv)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

JS_DIR = Path(__file__).resolve().parent / "js"


def install_js_packages(needed: Path, purpose: str) -> None:
    """Install tests/js's packages from the lock file (npm ci) when ``needed`` is missing;
    ``purpose`` completes "npm is required to ..." when npm is not there."""
    if needed.exists():
        return
    npm = shutil.which("npm")
    assert npm is not None, f"npm is required to {purpose}"
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=JS_DIR,
        check=True,
        timeout=300,
    )
