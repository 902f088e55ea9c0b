"""Shared fixtures for the sandbox tests: the raw official SDK pointed at the sandbox."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from alibabacloud_dysmsapi20170525 import models
from alibabacloud_dysmsapi20170525.client import Client
from darabonba.runtime import RuntimeOptions
from sandbox_helpers import SIGN, SIGN_IN, Send, make_client

from aliyun_sms_sandbox import Sandbox


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK ignores NO_PROXY: a proxy variable would send loopback calls to the proxy."""
    for name in (
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sb(aliyun_sms_sandbox: Sandbox) -> Sandbox:
    """The plugin's sandbox, fresh for this test."""
    return aliyun_sms_sandbox


@pytest.fixture
def client(sb: Sandbox) -> Client:
    """The SDK client with the default account's keys."""
    return make_client(sb)


@pytest.fixture(params=["sync", "async"])
def send(request: pytest.FixtureRequest, client: Client, sb: Sandbox) -> Send:
    """SendSms through the SDK, sync (``send_sms``) or async (``send_sms_async``).

    Defaults: a mainland number, the default signature and SignIn template, code 123456.
    """

    def call(runtime: RuntimeOptions | None = None, **fields: Any) -> models.SendSmsResponseBody:
        arguments = {
            "phone_numbers": "13812345678",
            "sign_name": SIGN,
            "template_code": SIGN_IN,
            "template_param": '{"code":"123456"}',
            **fields,
        }
        message = models.SendSmsRequest(**{k: v for k, v in arguments.items() if v is not None})
        runtime = runtime or RuntimeOptions()
        if request.param == "sync":
            response = client.send_sms_with_options(message, runtime)
        else:
            response = asyncio.run(client.send_sms_with_options_async(message, runtime))
        assert response.status_code == 200
        body: models.SendSmsResponseBody = response.body
        return body

    return call
