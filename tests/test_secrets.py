"""Secrets and phone numbers stay out of logs, errors and reprs, even with DEBUG=sdk."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import ConnectorError

PHONE = "13812345678"


def _texts(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [
        (r.name, r.getMessage())
        for r in caplog.records
        if not r.name.startswith("aliyun_sms_sandbox")
    ]


def test_debug_sdk_logs_mask_numbers_and_signatures(
    aliyun_sms_sandbox: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEBUG", "sdk")
    caplog.set_level(logging.DEBUG)
    sb = aliyun_sms_sandbox
    aliyun_sms.send_message(
        {"to": PHONE, "type": "SignIn", "payload": {"code": "1234"}}, sb.connector_config()
    )
    texts = _texts(caplog)
    sdk_lines = [text for name, text in texts if name == "darabonba-core"]
    assert any("Authorization : ***" in text for text in sdk_lines), sdk_lines
    assert any("PhoneNumbers=138****5678" in text for text in sdk_lines)
    assert any("TemplateParam=***" in text for _, text in texts)
    for name, text in texts:
        assert PHONE not in text, (name, text)
        assert sb.access_key_secret not in text
        assert "%221234%22" not in text  # the verification code, URL-encoded


@pytest.mark.parametrize("secret", ["u", 'q"uote\\s', r"\u8be5"])
def test_odd_secrets_are_redacted_from_errors(aliyun_sms_sandbox: Any, secret: str) -> None:
    """Whatever the secret looks like, an echo of it is masked and the error still forms."""
    from logto_connector_aliyun_sms.send import _redact

    echoed = {"errorDescription": f"该签名 {secret} 不存在", "response": {"Message": [secret]}}
    error = _redact(ConnectorError("invalid_config", echoed), secret)
    assert error.data is not None
    assert error.data["response"] == {"Message": ["***"]}
    assert error.data["errorDescription"] == "该签名 *** 不存在"  # type: ignore[index]
    sb = aliyun_sms_sandbox
    sb.add_account("short-secret-key", secret)
    config = dict(sb.connector_config(), accessKeyId="short-secret-key", accessKeySecret=secret)
    config["signName"] = "签名不存在"
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.send_message({"to": PHONE, "type": "SignIn", "payload": {}}, config)
    assert caught.value.code is aliyun_sms.ConnectorErrorCode.INVALID_CONFIG


def test_errors_never_carry_the_secret(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    canary = "canary-" + sb.access_key_secret[::-1]
    configs = [
        dict(sb.connector_config(), accessKeySecret=canary),  # SignatureDoesNotMatch
        dict(sb.connector_config(), accessKeySecret=canary, accessKeyId="nobody"),
        dict(sb.connector_config(), accessKeySecret=canary, endpoint="http://127.0.0.1:9"),
        dict(sb.connector_config(), accessKeySecret=[canary]),  # invalid config
        dict(sb.connector_config(), accessKeySecret=canary, templates=canary),
    ]
    for config in configs:
        with pytest.raises(ConnectorError) as caught:
            aliyun_sms.send_message(
                {"to": PHONE, "type": "SignIn", "payload": {"code": "1234"}}, config
            )
        error = caught.value
        for text in (str(error), repr(error), json.dumps(error.data, default=str)):
            assert canary not in text


def test_metadata_and_schema_hold_no_secret(aliyun_sms_sandbox: Any) -> None:
    secret = aliyun_sms_sandbox.access_key_secret
    assert secret not in json.dumps(aliyun_sms.METADATA)
    assert secret not in json.dumps(aliyun_sms.CONFIG_SCHEMA)
    connector = aliyun_sms.create_connector(lambda _id: aliyun_sms_sandbox.connector_config())
    assert secret not in repr(connector)
