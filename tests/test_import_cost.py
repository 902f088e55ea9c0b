"""Listing the connector (METADATA, CONFIG_SCHEMA, validate_config) never loads the Aliyun SDK."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

HEAVY = ("alibabacloud", "Tea", "darabonba", "aiohttp", "requests", "redis")

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


def test_importtime_loads_no_sandbox_server_or_cli() -> None:
    """The issue's check: ``python -X importtime -c "import logto_connector_aliyun_sms"``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import logto_connector_aliyun_sms"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    assert "logto_connector_aliyun_sms" in imported
    unwanted = ("aliyun_sms_sandbox", "aiohttp", "logto_connector_aliyun_sms.cli", "requests")
    assert [name for name in imported if name.startswith(unwanted)] == []


def test_the_package_logger_prints_nothing_without_the_hosts_handler() -> None:
    script = (
        "import logging, logto_connector_aliyun_sms as m\n"
        "logging.getLogger('logto_connector_aliyun_sms').warning('a warning')\n"
        "assert any(isinstance(h, logging.NullHandler)"
        " for h in logging.getLogger('logto_connector_aliyun_sms').handlers)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stderr == ""


def test_warm_up_loads_the_sdk_ahead() -> None:
    script = (
        "import sys, logto_connector_aliyun_sms as m\n"
        "assert 'alibabacloud_dysmsapi20170525.client' not in sys.modules\n"
        "m.warm_up()\n"
        "assert 'alibabacloud_dysmsapi20170525.client' in sys.modules\n"
        "assert 'phonenumbers' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], timeout=120, check=True)
