"""Retries only when nothing can have left: decided by where a send failed, on both paths."""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable
from typing import Any

from transport_helpers import Exchange, ok_answer, refused

from logto_connector_aliyun_sms import ConnectorErrorCode as E


def test_a_tls_error_after_the_request_went_out_is_maybe_sent_and_never_retried(
    serve: Callable[..., Any], test_ca: ssl.SSLContext, send: Any
) -> None:
    """Issue 14, case 2: the handshake completes, the whole SendSms is read, then non-TLS
    bytes come back (WRONG_VERSION_NUMBER on the client): one request, maybeSent true."""

    def garbage(exchange: Exchange) -> None:
        exchange.read_request()
        exchange.send_outside_tls(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")

    server = serve(garbage, test_ca)
    error = refused(send, server.endpoint)
    assert error.code is E.GENERAL
    assert error.data["maybeSent"] is True  # type: ignore[index]
    assert error.data["retryable"] is True  # type: ignore[index]
    assert len(server.requests) == 1
    assert server.connections == 1


def test_the_test_ca_is_trusted_through_ssl_cert_file(
    serve: Callable[..., Any], test_ca: ssl.SSLContext, send: Any
) -> None:
    def ok(exchange: Exchange) -> None:
        exchange.read_request()
        exchange.send(ok_answer(close=True))

    server = serve(ok, test_ca)
    from transport_helpers import CONFIG, DATA

    result = send(DATA, dict(CONFIG, endpoint=server.endpoint))
    assert (result["RequestId"], result["BizId"]) == ("R-1", "B-1")
    assert len(server.requests) == 1


def test_an_untrusted_certificate_is_not_sent_and_retried(
    serve: Callable[..., Any], test_ca: ssl.SSLContext, send: Any, monkeypatch: Any
) -> None:
    """A failed handshake proves nothing left: NotSent, retried (3 attempts), 0 requests."""
    monkeypatch.delenv("SSL_CERT_FILE")  # certifi's CAs do not know the test CA

    def ok(exchange: Exchange) -> None:
        exchange.read_request()
        exchange.send(ok_answer(close=True))

    server = serve(ok, test_ca)
    error = refused(send, server.endpoint)
    assert error.code is E.GENERAL
    assert error.data["maybeSent"] is False  # type: ignore[index]
    assert "CERTIFICATE_VERIFY_FAILED" in error.data["errorDescription"]  # type: ignore[index]
    assert server.requests == []
    assert server.connections == 3  # MAX_ATTEMPTS handshakes, no request


def test_a_reset_after_the_request_is_maybe_sent_and_never_retried(
    serve: Callable[..., Any], send: Any
) -> None:
    def reset(exchange: Exchange) -> None:
        import socket
        import struct

        exchange.read_request()
        exchange.stream.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    server = serve(reset)
    error = refused(send, server.endpoint)
    assert error.code is E.GENERAL
    assert error.data["maybeSent"] is True  # type: ignore[index]
    assert len(server.requests) == 1


def test_a_refused_connection_is_not_sent(send: Any) -> None:
    started = time.monotonic()
    error = refused(send, "http://127.0.0.1:9")
    assert time.monotonic() - started < 2
    assert (error.data["maybeSent"], error.data["retryable"]) == (False, True)  # type: ignore[index]


def test_a_keep_alive_connection_closed_by_the_server_is_not_reused(
    serve: Callable[..., Any], send: Any
) -> None:
    """The server answers without ``Connection: close`` and then closes: the next send sees the
    pooled connection is gone before writing, and opens a new one. Two sends, two requests."""

    def once(exchange: Exchange) -> None:
        exchange.read_request()
        exchange.send(ok_answer())

    server = serve(once)
    from transport_helpers import CONFIG, DATA

    config = dict(CONFIG, endpoint=server.endpoint)
    if send.__name__ == "send_sync":
        send(DATA, config)
        time.sleep(0.2)  # the server has closed it by now
        assert send(DATA, config)["RequestId"] == "R-1"
    else:
        import asyncio

        import logto_connector_aliyun_sms as aliyun_sms

        async def twice() -> None:
            await aliyun_sms.send_message_async(DATA, config)
            await asyncio.sleep(0.2)
            await aliyun_sms.send_message_async(DATA, config)

        asyncio.run(twice())
    assert len(server.requests) == 2
    assert server.connections == 2
