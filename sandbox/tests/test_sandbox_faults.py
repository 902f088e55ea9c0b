"""Every fault kind, observed from the official SDK's side (reference §5c)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_dysmsapi20170525 import models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi.exceptions import (
    ClientException,
    ServerException,
    ThrottlingException,
)
from darabonba.exceptions import UnretryableException
from darabonba.runtime import RuntimeOptions
from sandbox_helpers import china_day, raw_request, sign_in_request

from aliyun_sms_sandbox import Sandbox

REQUEST = sign_in_request()
Call = Callable[..., Any]


@pytest.fixture(params=["sync", "async"])
def call(request: pytest.FixtureRequest, client: Client) -> Call:
    """SendSms through the SDK, sync or async; returns the response body."""

    def run(runtime: RuntimeOptions | None = None) -> models.SendSmsResponseBody:
        runtime = runtime or RuntimeOptions()
        if request.param == "sync":
            return client.send_sms_with_options(REQUEST, runtime).body
        return asyncio.run(client.send_sms_with_options_async(REQUEST, runtime)).body

    return run


def test_error_4xx_is_client_exception(sb: Sandbox, call: Call) -> None:
    sb.inject_fault("error", status=403, code="Forbidden.RAM", message="no permission")
    with pytest.raises(ClientException) as caught:
        call()
    error = caught.value
    assert (error.code, error.status_code) == ("Forbidden.RAM", 403)
    assert "no permission" in error.message
    assert error.retry_after is None
    assert sb.messages == []
    assert [(r["status"], r["code"]) for r in sb.requests] == [(403, "Forbidden.RAM")]
    assert call().code == "OK"  # count=1: the next request is answered normally


def test_error_5xx_is_server_exception(sb: Sandbox, call: Call) -> None:
    sb.inject_fault("error")  # default: 503 ServiceUnavailable
    with pytest.raises(ServerException) as caught:
        call()
    assert (caught.value.code, caught.value.status_code) == ("ServiceUnavailable", 503)
    sb.inject_fault("error", status=500)
    with pytest.raises(ServerException) as caught:
        call()
    assert caught.value.code == "InternalError"


def test_error_with_status_200_is_a_business_answer(sb: Sandbox, call: Call) -> None:
    sb.inject_fault("error", status=200, code="isv.OUT_OF_SERVICE", message="业务停机")
    body = call()
    assert (body.code, body.message, body.biz_id) == ("isv.OUT_OF_SERVICE", "业务停机", None)
    sb.inject_fault("error", status=200)
    assert call().code == "isp.SYSTEM_ERROR"
    assert sb.messages == []


def test_throttle_carries_retry_after(sb: Sandbox, call: Call) -> None:
    sb.inject_fault("throttle", retry_after_ms=250)
    with pytest.raises(ThrottlingException) as caught:
        call()
    error = caught.value
    assert (error.code, error.status_code, error.retry_after) == ("Throttling.User", 400, 250)
    assert "flow control" in error.message
    sb.inject_fault("throttle")
    with pytest.raises(ThrottlingException) as caught:
        call()
    assert caught.value.retry_after == 1000


def test_error_with_retry_after_header(sb: Sandbox, call: Call) -> None:
    sb.inject_fault("error", status=503, retry_after_ms=40)
    with pytest.raises(ThrottlingException) as caught:
        call()
    assert (caught.value.code, caught.value.retry_after) == ("ServiceUnavailable", 40)


@pytest.mark.parametrize(
    ("kind", "status"), [("html", 502), ("empty", 200), ("truncated", 200), ("empty", 500)]
)
def test_unparsable_bodies(sb: Sandbox, call: Call, kind: str, status: int) -> None:
    sb.inject_fault(kind, status=status)  # type: ignore[arg-type]
    with pytest.raises(UnretryableException) as caught:
        call()
    assert not isinstance(caught.value, ClientException)
    assert (
        "json" in str(caught.value.inner_exception).lower() or "json" in repr(caught.value).lower()
    )
    assert sb.messages == []
    assert sb.requests[0]["status"] == status


def test_the_faulty_bodies_on_the_wire(sb: Sandbox) -> None:
    sb.inject_fault("html", count=3)
    status, headers, text = raw_request(sb, body=b"Action=SendSms")
    assert status == 502
    assert headers["Content-Type"].startswith("text/html")
    assert "<h1>502 Bad Gateway</h1>" in text
    sb.reset()
    sb.inject_fault("truncated")
    status, _, text = raw_request(sb, body=b"Action=SendSms")
    assert status == 200
    assert text.startswith('{"Code": "OK"')
    with pytest.raises(ValueError, match=r"Unterminated|Expecting|delimiter"):
        json.loads(text)


def test_delay_answers_normally_after_it(sb: Sandbox, call: Call) -> None:
    sb.inject_fault("delay", delay_ms=300)
    started = time.monotonic()
    assert call().code == "OK"
    assert time.monotonic() - started >= 0.3
    assert len(sb.messages) == 1


def test_delay_beyond_the_read_timeout(sb: Sandbox, call: Call) -> None:
    sb.inject_fault("delay", delay_ms=1500)
    started = time.monotonic()
    with pytest.raises(UnretryableException) as caught:
        call(RuntimeOptions(read_timeout=200))
    assert time.monotonic() - started < 1.4
    assert "timed out" in caught.value.message or "Timeout on reading" in caught.value.message
    # the delayed request was processed, as a slow Aliyun would: the message may have gone out
    assert sb.requests[0]["code"] == "OK"


def test_drop_closes_the_connection_unanswered(sb: Sandbox, call: Call) -> None:
    sb.inject_fault("drop")
    with pytest.raises(UnretryableException) as caught:
        call()
    assert "disconnected" in caught.value.message.lower()  # RemoteDisconnected / ServerDisconnected
    assert sb.messages == []
    assert sb.requests[0]["status"] is None
    assert call().code == "OK"


def test_count_and_action_filter(sb: Sandbox, client: Client) -> None:
    sb.inject_fault("error", count=2, status=500, action="QuerySendDetails")
    sb.inject_fault("error", count=2, status=503)
    query = models.QuerySendDetailsRequest(
        phone_number="13812345678",
        send_date=china_day(sb),
        page_size=10,
        current_page=1,
    )
    with pytest.raises(ServerException) as caught:
        client.query_send_details(query)
    assert caught.value.code == "InternalError"
    for _ in range(2):  # SendSms skips the QuerySendDetails fault and takes the next one
        with pytest.raises(ServerException) as caught:
            client.send_sms(REQUEST)
        assert caught.value.code == "ServiceUnavailable"
    assert client.send_sms(REQUEST).body.code == "OK"
    with pytest.raises(ServerException):
        client.query_send_details(query)
    assert client.query_send_details(query).body.total_count == "1"
    assert [r["status"] for r in sb.requests] == [500, 503, 503, 200, 500, 200]


def test_faults_over_http(sb: Sandbox, client: Client) -> None:
    status, _, answer = raw_request(
        sb,
        path="/_sandbox/faults",
        body=json.dumps({"kind": "throttle", "count": 2, "retry_after_ms": 5}).encode(),
    )
    assert status == 201
    assert answer["queued"]["kind"] == "throttle"
    status, _, pending = raw_request(sb, "GET", "/_sandbox/faults")
    assert pending == [{"kind": "throttle", "count": 2, "retry_after_ms": 5}]
    with pytest.raises(ThrottlingException):
        client.send_sms(REQUEST)
    assert raw_request(sb, "DELETE", "/_sandbox/faults")[0] == 200
    assert client.send_sms(REQUEST).body.code == "OK"
    status, _, answer = raw_request(sb, path="/_sandbox/faults", body=b'{"kind": "explode"}')
    assert status == 400
    assert "unknown fault kind" in answer["error"]
    status, _, answer = raw_request(sb, path="/_sandbox/faults", body=b'{"kinds": 1}')
    assert status == 400
