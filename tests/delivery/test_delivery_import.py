"""The delivery names cost the package's import nothing heavy: no asyncio, no SDK, no redis."""

from __future__ import annotations

import json
import subprocess
import sys


def test_importing_the_delivery_names_loads_no_asyncio_sdk_or_redis() -> None:
    script = (
        "import json, sys\n"
        "from logto_connector_aliyun_sms import DeliveryReceiver, on_delivery, query_delivery\n"
        "DeliveryReceiver(token='x' * 32).handle('GET', {'token': 'x' * 32}, b'')\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    modules = json.loads(done.stdout)
    assert "logto_connector_aliyun_sms.delivery.receiver" in modules
    heavy = ("asyncio", "alibabacloud", "darabonba", "redis", "aiohttp", "inspect")
    assert [m for m in modules if m.split(".")[0] in heavy] == []
