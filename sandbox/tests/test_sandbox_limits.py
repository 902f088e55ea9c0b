"""The sandbox's bounds: header and body sizes, a capped outbox and request log (with counts of
what was dropped), and admin input that is checked, never a 500 (real HTTP)."""

from __future__ import annotations

import http.client
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sandbox_helpers import raw_request

from aliyun_sms_sandbox import Sandbox, SandboxState
from aliyun_sms_sandbox import state as state_module
from aliyun_sms_sandbox.bounded import BoundedLog, NonceBook
from aliyun_sms_sandbox.flow import DAY, FlowControl
from aliyun_sms_sandbox.server import MAX_BODY, MAX_FIELD
from logto_connector_aliyun_sms import SendMessageData, send_message


def _raw(sb: Sandbox, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
    """Send bytes as they are; the status and body of the answer."""
    connection = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=10)
    try:
        connection.connect()
        assert connection.sock is not None
        connection.sock.sendall(head + body)
        response = http.client.HTTPResponse(connection.sock, method="GET")
        response.begin()
        return response.status, response.read()
    finally:
        connection.close()


def _data(i: int) -> SendMessageData:
    return {"to": f"+852 6{i:07d}", "type": "SignIn", "payload": {"code": f"{1000 + i}"}}


# --- sizes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [MAX_FIELD * 2, 512 << 10])
def test_an_oversized_header_is_refused(sb: Sandbox, size: int) -> None:
    head = f"GET /_sandbox/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {'a' * size}\r\n\r\n"
    status, _ = _raw(sb, head.encode())
    assert status in (400, 431)
    assert raw_request(sb, "GET", "/_sandbox/stats")[0] == 200  # and serves on


def test_too_many_headers_are_refused(sb: Sandbox) -> None:
    fields = "".join(f"X-H{i}: {'a' * 100}\r\n" for i in range(100))
    status, _ = _raw(sb, f"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n{fields}\r\n".encode())
    assert status in (400, 431)


def test_an_oversized_request_line_is_refused(sb: Sandbox) -> None:
    status, _ = _raw(sb, f"GET /?x={'1' * (128 << 10)} HTTP/1.1\r\nHost: a\r\n\r\n".encode())
    assert status in (400, 414)


@pytest.mark.parametrize("path", ["/_sandbox/faults", "/?Action=SendSms"])
def test_an_oversized_body_is_refused(sb: Sandbox, path: str) -> None:
    body = b'{"kind": "drop", "message": "' + b"a" * MAX_BODY + b'"}'
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    status, _ = _raw(sb, head.encode(), body)
    assert status == 413
    assert sb.state.faults.pending() == []
    assert sb.requests == []


def test_a_chunked_body_is_bounded_too(sb: Sandbox) -> None:
    chunk = b"a" * (256 << 10)
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(6)) + b"0\r\n\r\n"
    head = (
        b"POST /_sandbox/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    assert _raw(sb, head, chunks)[0] == 413


# --- the outbox and the request log are capped -----------------------------------------------


def test_the_outbox_keeps_the_newest_and_counts_the_dropped() -> None:
    with Sandbox(max_messages=5, max_requests=4) as sb:
        config: Any = sb.connector_config()
        biz_ids = [send_message(_data(i), config)["BizId"] for i in range(8)]
        assert [m["BizId"] for m in sb.messages] == biz_ids[:2:-1]  # the newest 5, newest first
        assert (sb.messages_dropped, sb.requests_dropped) == (3, 4)
        assert [r["params"]["PhoneNumbers"] for r in sb.requests] == [
            f"8526{i:07d}" for i in range(4, 8)
        ]
        stats = raw_request(sb, "GET", "/_sandbox/stats")[2]
        assert (stats["messages_dropped"], stats["requests_dropped"]) == (3, 4)
        status, headers, outbox = raw_request(sb, "GET", "/_sandbox/messages")
        assert (status, len(outbox), headers["X-Sandbox-Messages-Dropped"]) == (200, 5, "3")
        assert raw_request(sb, "DELETE", "/_sandbox/messages")[2] == {"deleted": 5}
        assert sb.messages_dropped == 0
        sb.reset()
        assert sb.stats()["requests_dropped"] == 0


def test_large_messages_are_capped_by_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state_module, "MAX_LOG_BYTES", 1 << 20)
    state = SandboxState()
    account = state.default_account
    template = state.template_for("SignIn", international=True)
    padding = "x" * (300 << 10)  # extra TemplateParam keys are accepted and kept, as Aliyun does
    for i in range(10):
        params = {
            "PhoneNumbers": f"8526{i:07d}",
            "SignName": state.sign_name,
            "TemplateCode": template,
            "TemplateParam": json.dumps({"code": "1234", "pad": padding}),
        }
        assert state.send_sms(account, params).code == "OK"
    assert len(state.messages) == 3  # ~1 MiB of messages kept
    assert state.messages.dropped == 7
    assert [m.phone_number for m in state.messages][-1] == "85260000009"


def test_a_log_keeps_its_newest_entry_even_when_it_alone_is_too_big() -> None:
    log: BoundedLog[str] = BoundedLog(max_items=3, max_bytes=10)
    log.append("a", 4)
    log.append("b", 4)
    log.append("c", 50)
    assert (list(log), log.dropped) == (["c"], 2)
    assert list(reversed(log)) == ["c"]
    with pytest.raises(ValueError, match="at least 1"):
        BoundedLog(max_items=0, max_bytes=10)


# --- admin input: checked, a clear 400, never a 500 ------------------------------------------


def test_a_delivery_outcome_that_is_not_a_word_is_a_clear_400(sb: Sandbox) -> None:
    status, _, answer = raw_request(sb, path="/_sandbox/delivery", body=b'{"outcome": [1, 2]}')
    assert status == 400
    assert answer == {"error": "outcome must be delivered, failed or waiting, not [1, 2]"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
KEYS = [
    "kind", "count", "status", "code", "message", "delay_ms", "retry_after_ms", "action",
    "rtt_ms", "handshake_ms", "outcome", "errCode", "set", "advance", "skew", "reset",
]  # fmt: skip
bodies = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), json_values, max_size=4)
ROUTES = [
    ("POST", "/_sandbox/faults"),
    ("POST", "/_sandbox/latency"),
    ("POST", "/_sandbox/delivery"),
    ("POST", "/_sandbox/clock"),
    ("POST", "/_sandbox/reset"),
    ("DELETE", "/_sandbox/faults"),
    ("POST", "/_sandbox/nothing"),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    route=st.sampled_from(ROUTES),
    body=bodies | json_values | st.binary(max_size=30).map(lambda raw: raw.hex()),
)
def test_any_admin_body_is_answered_without_a_500(
    aliyun_sms_sandbox_server: Sandbox, route: tuple[str, str], body: Any
) -> None:
    sb = aliyun_sms_sandbox_server
    method, path = route
    raw = json.dumps(body).encode()
    status, _, answer = raw_request(sb, method, path, body=raw)
    assert status < 500, (route, body, answer)
    if status >= 400:
        assert isinstance(answer["error"], str)
        assert answer["error"]
    sb.reset()


@settings(max_examples=100, deadline=None)
@given(phone=st.text(max_size=20))
def test_any_outbox_filter_is_answered(aliyun_sms_sandbox_server: Sandbox, phone: str) -> None:
    from urllib.parse import quote

    sb = aliyun_sms_sandbox_server
    status, _, _ = raw_request(sb, "GET", "/_sandbox/messages", query="phone=" + quote(phone))
    assert status == 200


def test_flow_control_tracks_a_bounded_number_of_keys() -> None:
    flow = FlowControl(max_keys=3)
    now = 1_700_000_000.0
    flow.record(("old",), now - 2 * DAY)
    for name in ("a", "b", "c", "d"):
        flow.record((name,), now)
    assert len(flow) == 3  # the idle key went, then the older half of the rest
    assert flow.refusal(("d",), now + 1) is not None  # the newest keys keep their history
    assert flow.refusal(("a",), now + 1) is None  # forgotten


def test_the_nonce_book_is_bounded_and_still_refuses_replays() -> None:
    book = NonceBook(ttl=900, max_items=4)
    now = 1_700_000_000.0
    assert book.use("key", "n0", now)
    assert not book.use("key", "n0", now + 1)  # a replay
    assert book.use("other", "n0", now)  # another account's nonce
    long_nonce = "x" * 8000
    assert book.use("key", long_nonce, now)
    assert not book.use("key", long_nonce, now + 1)
    for i in range(20):
        assert book.use("key", f"fresh-{i}", now)
        assert len(book) <= 4
    assert not book.use("key", "fresh-19", now + 2)
