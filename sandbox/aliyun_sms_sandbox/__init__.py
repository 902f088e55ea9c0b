"""A local Dysmsapi 2017-05-25 server that the official Aliyun SDK talks to, for tests.

``Sandbox`` runs it in a background thread, ``AsyncSandbox`` in the current event loop. Importing
this package is cheap: aiohttp is loaded only when one of these names is first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .clock import Clock
    from .faults import Fault
    from .runner import AsyncSandbox, Sandbox, SandboxExposedWarning
    from .seed import Seed
    from .state import SandboxState

__all__ = [
    "AsyncSandbox",
    "Clock",
    "Fault",
    "Sandbox",
    "SandboxExposedWarning",
    "SandboxState",
    "Seed",
]

_HOMES = {
    "AsyncSandbox": "runner",
    "Sandbox": "runner",
    "SandboxExposedWarning": "runner",
    "SandboxState": "state",
    "Clock": "clock",
    "Fault": "faults",
    "Seed": "seed",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
