"""Helpers of the MAS connector's tests: paths, and running Node scripts of tests/js."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
JS_DIR = ROOT / "tests" / "js"
LOGTO_MAS = JS_DIR / "logto_mas.mjs"


def run_node(node: str, *args: str) -> Any:
    """Run a script of tests/js; its JSON output."""
    done = subprocess.run(
        [node, *args], capture_output=True, text=True, timeout=120, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
