"""The adapters' log lines: the failure's cause, "may have been sent" when it may have been,
RequestId when there is one, and one mask for one number however it was typed."""

from __future__ import annotations

import re
from typing import Any

import pytest

from logto_connector_aliyun_sms.contrib._common import Delivery, load_site, masked


@pytest.mark.parametrize(
    "typed",
    ["+8613611111111", "8613611111111", "13611111111", "86 136 1111 1111", "+86 136-1111-1111"],
)
def test_one_number_one_mask(typed: str) -> None:
    assert masked(typed) == "136****1111"


def test_a_number_the_connector_refuses_is_masked_on_its_digits() -> None:
    assert masked("+86 10 6552 9988") == "861****9988"
    assert "6552" not in masked("+86 10 6552 9988")


def _send(sandbox: Any, phone: str) -> Any:
    site = load_site(sandbox.connector_config(), None)
    return Delivery("test", phone, "SignIn", {"code": "123456"}, lambda: site).send()


def test_a_dropped_connection_logs_its_cause_and_that_it_may_have_been_sent(
    aliyun_sms_sandbox: Any, caplog: pytest.LogCaptureFixture
) -> None:
    aliyun_sms_sandbox.inject_fault("drop", count=5, action="SendSms")
    sent = _send(aliyun_sms_sandbox, "86 136 1111 1111")
    assert sent.outcome == "retry"
    [line] = [r.getMessage() for r in caplog.records if r.name.endswith("contrib")]
    assert line.startswith("test: SMS to 136****1111 (SignIn) ")
    assert "general None" not in line
    assert sent.error.data["maybeSent"] is True
    assert " may have been sent: general: no answer from Aliyun" in line
    # the cause, as the transport reports it: the network error's type and its words
    cause = sent.error.data["errorDescription"].removeprefix("no answer from Aliyun: ")
    assert re.fullmatch(r"no answer: [A-Z]\w+: .*[Dd]isconnected.*", cause, re.S), cause
    assert f"no answer from Aliyun: {cause}" in line
    assert line.endswith("the message may have been sent already: check before sending again")


def test_an_aliyun_refusal_logs_code_request_id_and_hint(
    aliyun_sms_sandbox: Any, caplog: pytest.LogCaptureFixture
) -> None:
    aliyun_sms_sandbox.set_balance(0)
    sent = _send(aliyun_sms_sandbox, "+8613611111111")
    assert sent.outcome == "unavailable"
    [line] = [r.getMessage() for r in caplog.records if r.name.endswith("contrib")]
    request_id = sent.error.data["RequestId"]
    assert f"RequestId {request_id}" in line
    assert "isv.AMOUNT_NOT_ENOUGH" in line
    assert "136****1111" in line
    assert "13611111111" not in line
    assert aliyun_sms_sandbox.access_key_secret not in line
