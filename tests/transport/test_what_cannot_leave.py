"""Requests that must never reach the wire, and errors that must not leak (issue 20), both paths.

A header value with a line break or a character outside Latin-1, an SDK that cannot sign, an
unreadable ``SSL_CERT_FILE``: a clean not-sent ConnectorError, and a raw loopback server that
records every byte it got sees none. A proxy's 407 never carries the proxy's credentials into
the error or the logs.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from transport_helpers import CONFIG, DATA, TUNNELLED_HOST, Exchange, ok_answer, refused

from logto_connector_aliyun_sms import ConnectorError
from logto_connector_aliyun_sms._sdk import (
    Outcome,
    SendFailure,
    client_for,
    client_key,
    send_sms_request,
)
from logto_connector_aliyun_sms.inputs.endpoint import parse_endpoint


def _record_raw(chunks: list[bytes]) -> Callable[[Exchange], None]:
    """Record every byte a connection carries (not only whole requests), then answer OK."""

    def handler(exchange: Exchange) -> None:
        exchange.stream.settimeout(0.5)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = exchange.stream.recv(65536)
                if not chunk:
                    break
                data += chunk
        finally:
            chunks.append(data)
        exchange.send(ok_answer(close=True))

    return handler


def _client_call(endpoint: str, key_id: str, secret: str, asynchronous: bool) -> SendFailure:
    """One SdkClient call (the transport itself, whatever the config checks would refuse)."""
    client = client_for(client_key(parse_endpoint(endpoint), key_id, secret), secret)
    request = send_sms_request("13812345678", "Test", "SMS_1", '{"code":"123456"}')

    def call() -> Any:
        if asynchronous:
            return asyncio.run(client.call_async("send_sms", request))
        return client.call("send_sms", request)

    with pytest.raises(SendFailure) as caught:
        call()
    return caught.value


BAD_IDS = {
    "crlf": "LTAI-id\r\nX-Injected: yes",
    "lf": "LTAI-id\nX-Injected: yes",
    "nul": "LTAI-id\x00",
    "lone-surrogate": "LTAI-\ud800-id",
    "not-latin-1": "LTAI-标识",
}


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("key_id", list(BAD_IDS.values()), ids=list(BAD_IDS))
def test_a_bad_header_value_never_reaches_the_wire(
    serve: Callable[..., Any], key_id: str, asynchronous: bool
) -> None:
    """The AccessKey ID goes into the Authorization header: refused before any connection,
    never retried, not sent; the server got no byte at all."""
    chunks: list[bytes] = []
    server = serve(_record_raw(chunks))
    failure = _client_call(server.endpoint, key_id, "transport-secret", asynchronous)
    assert failure.outcome is Outcome.NOT_SENT
    assert failure.data is not None
    assert (failure.data["maybeSent"], failure.data["retryable"]) == (False, False)
    assert "Authorization" in failure.data["errorDescription"]
    assert key_id not in str(failure)
    assert server.connections == 0
    assert b"X-Injected" not in b"".join(chunks)


@pytest.mark.parametrize(
    "key_id", [BAD_IDS["crlf"], BAD_IDS["lone-surrogate"]], ids=["crlf", "sur"]
)
def test_send_message_refuses_a_bad_key_id_with_a_connector_error(
    serve: Callable[..., Any], send: Any, key_id: str
) -> None:
    """Through send_message: a ConnectorError (whichever check refuses it first), no byte out."""
    chunks: list[bytes] = []
    server = serve(_record_raw(chunks))
    with pytest.raises(ConnectorError) as caught:
        send(DATA, dict(CONFIG, endpoint=server.endpoint, accessKeyId=key_id))
    assert type(caught.value) is ConnectorError  # the caller never sees the internal subclass
    assert caught.value.data is not None
    assert caught.value.data.get("maybeSent", False) is False
    assert server.connections == 0
    assert chunks == []


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_a_secret_the_sdk_cannot_sign_with_is_not_sent(
    serve: Callable[..., Any], asynchronous: bool
) -> None:
    """A lone surrogate in the secret: the SDK's signer raises UnicodeEncodeError before the
    transport has the request. A not-sent ConnectorError, not retried, naming no character."""
    server = serve(_record_raw([]))
    failure = _client_call(server.endpoint, "LTAI-id", "secret-\udc80-x", asynchronous)
    assert isinstance(failure, ConnectorError)
    assert failure.outcome is Outcome.NOT_SENT
    assert failure.data is not None
    assert (failure.data["maybeSent"], failure.data["retryable"]) == (False, False)
    assert "UnicodeEncodeError" in failure.data["errorDescription"]
    assert "\udc80" not in failure.data["errorDescription"]
    assert server.connections == 0


@pytest.mark.parametrize("content", [None, b"not a certificate\n"], ids=["missing", "not-pem"])
def test_an_unreadable_ssl_cert_file_is_not_sent(
    serve: Callable[..., Any],
    test_ca: ssl.SSLContext,
    send: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    content: bytes | None,
) -> None:
    """Nothing can leave without a CA bundle: maybeSent false, the variable named, no
    connection opened, not retried."""
    server = serve(_record_raw([]), test_ca)
    bundle = tmp_path / "corporate-ca.pem"
    if content is not None:
        bundle.write_bytes(content)
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    error = refused(send, server.endpoint)
    assert error.data is not None
    assert (error.data["maybeSent"], error.data["retryable"]) == (False, False)
    assert "SSL_CERT_FILE" in error.data["errorDescription"]
    assert str(bundle) in error.data["errorDescription"]
    assert server.connections == 0


def _proxy_407(exchange: Exchange) -> None:
    exchange.read_request()
    exchange.send(
        b"HTTP/1.1 407 Proxy Authentication Required\r\n"
        b'Proxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n'
    )


@pytest.mark.parametrize(
    ("user", "password"),
    [("alice", "pr0xy-Pa55word"), ("bob%40corp", "p%3Ass%2Fw0rd-long")],
    ids=["plain", "percent-encoded"],
)
def test_a_proxy_407_keeps_the_proxy_credentials_out_of_the_error(
    serve: Callable[..., Any],
    send: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    user: str,
    password: str,
) -> None:
    """A real proxy on loopback refuses the CONNECT with 407: not sent; neither the user nor
    the password (as written or decoded) in the error's text, repr, data or any log record."""
    from urllib.parse import unquote

    proxy = serve(_proxy_407)
    monkeypatch.setenv("HTTPS_PROXY", f"http://{user}:{password}@127.0.0.1:{proxy.port}")
    caplog.set_level(logging.DEBUG)
    error = refused(send, f"https://{TUNNELLED_HOST}")
    assert error.data is not None
    assert error.data["maybeSent"] is False
    assert "407" in error.data["errorDescription"]
    assert proxy.requests, "the CONNECT reached the proxy"
    assert b"proxy-authorization: basic" in proxy.requests[0].lower()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in {password, unquote(password), user, unquote(user)}:
        for text in (str(error), repr(error), logged):
            assert secret not in text
