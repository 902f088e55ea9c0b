"""Logto's own HTTP SMS connector (npm ``@logto/connector-http-sms``), run by node, pointed at the
relay: the code reaches the sandbox's outbox, and a refusal comes back as Logto reads it."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest
from relay_helpers import LOGTO_TOKEN

from js_packages import JS_DIR, install_js_packages

PACKAGE = JS_DIR / "node_modules" / "@logto" / "connector-http-sms" / "package.json"


@pytest.fixture(scope="module")
def node() -> str:
    """node, with tests/js's packages installed from the lock file when missing."""
    node = shutil.which("node")
    assert node is not None, "node is required to run Logto's HTTP SMS connector"
    install_js_packages(PACKAGE, "install Logto's HTTP SMS connector")
    return node


def logto_send(node: str, endpoint: str, authorization: str, data: dict[str, Any]) -> Any:
    config = {"endpoint": endpoint, "authorization": authorization}
    done = subprocess.run(
        [node, str(JS_DIR / "logto_http_sms.mjs"), json.dumps(config), json.dumps(data)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def test_logtos_http_sms_connector_through_the_relay(
    node: str, relay: Any, aliyun_sms_sandbox: Any
) -> None:
    data = {
        "to": "+8613800138000",
        "type": "Register",
        "payload": {"code": "604201", "locale": "zh-CN"},
        "ip": "203.0.113.7",
    }
    outcome = logto_send(node, f"{relay.url}/v1/logto", LOGTO_TOKEN, data)
    assert outcome["ok"] is True, outcome
    assert outcome["body"]["Code"] == "OK"
    [message] = aliyun_sms_sandbox.messages
    assert message["TemplateCode"] == "SMS_900000002"  # Register, mainland
    assert json.loads(message["TemplateParam"]) == {"code": "604201"}


def test_logto_sees_the_relays_refusal_as_general_with_the_raw_body(
    node: str, relay: Any, aliyun_sms_sandbox: Any
) -> None:
    data = {"to": "+8613800138000", "type": "SignIn", "payload": {"code": "604202"}}
    wrong = logto_send(node, f"{relay.url}/v1/logto", "Bearer not-the-token", data)
    assert wrong["ok"] is False
    assert wrong["code"] == "general"
    assert json.loads(wrong["data"]["message"]) == {
        "code": "unauthorized",
        "message": "Not authenticated: wrong credentials.",
    }
    assert aliyun_sms_sandbox.messages == []
