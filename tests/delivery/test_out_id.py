"""data["outId"]: sent as SendSms's OutId only when given, echoed in the delivery reports."""

from __future__ import annotations

from typing import Any

import pytest

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode

DATA = {"to": "13812345678", "type": "SignIn", "payload": {"code": "123456"}}


def _sends(sandbox: Any) -> list[dict[str, Any]]:
    return [r for r in sandbox.requests if r["action"] == "SendSms"]


def test_out_id_is_sent_and_echoed(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    sent = aliyun_sms.send_message({**DATA, "outId": "signin-42_a"}, config)
    assert _sends(sb)[0]["params"]["OutId"] == "signin-42_a"
    assert sb.messages[0]["OutId"] == "signin-42_a"
    [report] = aliyun_sms.query_delivery(config, DATA["to"], biz_id=sent["BizId"])
    assert report["out_id"] == "signin-42_a"


def test_without_out_id_nothing_is_added(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    aliyun_sms.send_message(DATA, sb.connector_config())
    assert "OutId" not in _sends(sb)[0]["params"]


@pytest.mark.parametrize("out_id", ["", "x" * 65, "订单1", "a b", "a/b", 42, ["a"]])
def test_a_bad_out_id_is_refused_before_sending(aliyun_sms_sandbox: Any, out_id: Any) -> None:
    sb = aliyun_sms_sandbox
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.send_message({**DATA, "outId": out_id}, sb.connector_config())
    assert caught.value.code == ConnectorErrorCode.INVALID_REQUEST_PARAMETERS
    assert "outId" in caught.value.data["message"]
    assert _sends(sb) == []
