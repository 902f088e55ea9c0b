"""``aliyun-sms console``: a local page to fill in, test-send and save a connector config.

Not imported by the connector package. Importing this package is cheap too (the CLI reads its
options): aiohttp is loaded when one of these names is first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .runner import ConsoleThread, Running, serve, start
    from .server import Console, create_app
    from .store import MASK, ConfigStore

__all__ = [
    "MASK",
    "ConfigStore",
    "Console",
    "ConsoleThread",
    "Running",
    "create_app",
    "serve",
    "start",
]

_HOMES = {
    "MASK": "store",
    "ConfigStore": "store",
    "Console": "server",
    "create_app": "server",
    "ConsoleThread": "runner",
    "Running": "runner",
    "serve": "runner",
    "start": "runner",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
