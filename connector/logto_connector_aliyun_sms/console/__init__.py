"""``aliyun-sms console``: a local page to fill in, test-send and save a connector config.

Not imported by the connector package: it needs aiohttp, and only admins at a terminal use it.
"""

from __future__ import annotations

from .runner import ConsoleThread, Running, start
from .server import Console, create_app
from .store import MASK, ConfigStore

__all__ = ["MASK", "ConfigStore", "Console", "ConsoleThread", "Running", "create_app", "start"]
