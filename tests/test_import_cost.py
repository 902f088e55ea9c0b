"""Listing the connector (METADATA, CONFIG_SCHEMA, validate_config) never loads the Aliyun SDK."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

HEAVY = ("alibabacloud", "Tea", "darabonba", "aiohttp", "requests")

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import logto_connector_aliyun_sms as m

    m.METADATA["formItems"]
    m.CONFIG_SCHEMA["properties"]
    templates = [{"usageType": t.value, "templateCode": "SMS_1"} for t in m.TemplateType]
    config = {"accessKeyId": "id", "accessKeySecret": "s", "signName": "n", "templates": templates}
    m.validate_config(config)
    try:
        m.validate_config({"accessKeyId": 1})  # the full validator path (jsonschema)
    except m.ConnectorError:
        pass
    m.asset_bytes(m.METADATA["logo"])
    print(json.dumps(sorted(sys.modules)))
    """
)


def loaded_modules() -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=True
    )
    modules: list[str] = json.loads(done.stdout)
    return modules


def test_no_sdk_on_import() -> None:
    modules = loaded_modules()
    assert "logto_connector_aliyun_sms" in modules
    assert "jsonschema" in modules  # the script did reach the full validator
    heavy = [name for name in modules if name.split(".")[0].startswith(HEAVY)]
    assert heavy == []
