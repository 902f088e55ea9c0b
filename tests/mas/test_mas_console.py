"""``aliyun-sms console --connector mas``: the page serves the MAS connector's form, checks
with its rules and test-sends through SendSmsVerifyCode (the sandbox, over real HTTP)."""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aliyun_sms_sandbox import AsyncSandbox
from logto_connector_aliyun_sms import mas
from logto_connector_aliyun_sms.console.runner import ConsoleThread
from logto_connector_aliyun_sms.console.store import MASK


def _call(console: ConsoleThread, method: str, path: str, body: Any = None, **headers: str) -> Any:
    parts = urlsplit(console.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        raw = None if body is None else json.dumps(body).encode()
        connection.request(method, path, body=raw, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
    finally:
        connection.close()
    if path == "/":
        return json.loads(text.split('id="boot">')[1].split("</script>")[0])
    return json.loads(text)


def _post(console: ConsoleThread, boot: dict[str, Any], path: str, body: Any) -> Any:
    origin = f"http://{urlsplit(console.url).netloc}"
    headers = {"Content-Type": "application/json", "X-Console-Token": boot["token"]}
    return _call(console, "POST", path, body, Origin=origin, **headers)


def test_the_console_serves_the_mas_connector(tmp_path: Path) -> None:
    path = tmp_path / "mas.json"
    with ConsoleThread(path, sandbox=AsyncSandbox, connector=mas.CONNECTOR_ID) as console:
        boot = _call(console, "GET", "/", **{"Accept-Language": "ja"})
        assert boot["metadata"]["id"] == mas.CONNECTOR_ID
        assert boot["metadata"] == mas.metadata_for("ja")
        values = boot["values"]
        assert values["accessKeySecret"] == MASK
        assert values["templates"][0] == {"usageType": "SignIn", "templateCode": "100001"}
        form = _call(console, "GET", "/api/form?lang=zh-CN")
        assert form["metadata"]["formItems"][2]["label"] == "短信签名"
        config = {**values}
        report = _post(console, boot, "/api/check", {"config": config, "lang": "en"})
        assert report["valid"] is True
        empty = _post(console, boot, "/api/check", {"config": {**config, "templates": []}})
        assert "UsageType (Register" in empty["errors"][0]["message"]
        sent = _post(console, boot, "/api/send", {"config": config, "phone": "+8613800138000"})
        assert sent["ok"] is True
        assert sent["result"]["Model"]["BizId"]
        refused = _post(console, boot, "/api/send", {"config": config, "phone": "+85261234567"})
        assert refused["ok"] is False
        assert refused["error"]["code"] == "invalid_request_parameters"
        saved = _post(console, boot, "/api/save", {"config": config})
        assert saved["ok"] is True
    stored = json.loads(path.read_text("utf-8"))
    assert mas.validate_config(stored)["signName"] == stored["signName"]
