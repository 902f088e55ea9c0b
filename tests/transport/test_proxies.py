"""HTTPS_PROXY is honoured with NO_PROXY; loopback endpoints never go through a proxy."""

from __future__ import annotations

import select
import socket
import ssl
from collections.abc import Callable
from typing import Any

import pytest
from transport_helpers import CONFIG, DATA, TUNNELLED_HOST, Exchange, ok_answer, refused


def _ok(exchange: Exchange) -> None:
    while True:
        exchange.read_request()
        exchange.send(ok_answer())


def _tunnel_to(port: int) -> Callable[[Exchange], None]:
    """A CONNECT proxy that tunnels every request to 127.0.0.1:``port``, whatever it asks."""

    def handler(exchange: Exchange) -> None:
        exchange.read_request()
        with socket.create_connection(("127.0.0.1", port)) as upstream:
            exchange.send(b"HTTP/1.1 200 Connection established\r\n\r\n")
            pair = {exchange.stream: upstream, upstream: exchange.stream}
            while True:
                ready, _, _ = select.select(list(pair), [], [], 10)
                for side in ready:
                    data = side.recv(65536)
                    if not data:
                        return
                    pair[side].sendall(data)

    return handler


@pytest.fixture
def proxied(
    serve: Callable[..., Any], test_ca: ssl.SSLContext, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, Any]:
    """(TLS server, proxy in front of it); HTTPS_PROXY points at the proxy."""
    server = serve(_ok, test_ca)
    proxy = serve(_tunnel_to(server.port))
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
    return server, proxy


def test_https_proxy_carries_the_request_through_a_verified_tunnel(
    proxied: tuple[Any, Any], send: Any
) -> None:
    server, proxy = proxied
    result = send(DATA, dict(CONFIG, endpoint=f"https://{TUNNELLED_HOST}"))
    assert result["RequestId"] == "R-1"
    assert [head.split(b"\r\n")[0] for head in proxy.requests] == [
        f"CONNECT {TUNNELLED_HOST}:443 HTTP/1.1".encode()
    ]
    assert b"13812345678" not in b"".join(proxy.requests)  # the number stays in the tunnel
    assert len(server.requests) == 1


def test_no_proxy_hosts_connect_directly(
    proxied: tuple[Any, Any], send: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, proxy = proxied
    monkeypatch.setenv("NO_PROXY", "example.com,.transport.invalid")
    error = refused(send, f"https://{TUNNELLED_HOST}")  # direct: the name does not resolve
    assert error.data["maybeSent"] is False  # type: ignore[index]
    assert proxy.connections == 0


def test_loopback_endpoints_never_use_the_proxy(proxied: tuple[Any, Any], send: Any) -> None:
    server, proxy = proxied
    assert send(DATA, dict(CONFIG, endpoint=server.endpoint))["BizId"] == "B-1"
    assert proxy.connections == 0
    assert len(server.requests) == 1


def test_proxy_credentials_go_in_the_connect_request(
    proxied: tuple[Any, Any], send: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, proxy = proxied
    monkeypatch.setenv("HTTPS_PROXY", f"http://user%40corp:p%3Ass@127.0.0.1:{proxy.port}")
    assert send(DATA, dict(CONFIG, endpoint=f"https://{TUNNELLED_HOST}"))["RequestId"] == "R-1"
    (head,) = proxy.requests
    assert b"proxy-authorization: basic " in head.lower()
    assert b"dXNlckBjb3JwOnA6c3M=" in head  # user@corp:p:ss, decoded from the URL
    assert len(server.requests) == 1


@pytest.mark.parametrize("answer", [b"garbage, not HTTP\r\n\r\n", b""], ids=["not-http", "closed"])
def test_a_proxy_that_breaks_the_connect_is_not_sent(
    serve: Callable[..., Any], send: Any, monkeypatch: pytest.MonkeyPatch, answer: bytes
) -> None:
    """Only the tunnel's CONNECT was written: whatever the proxy answers, the SendSms never left
    (maybeSent false, retried)."""

    def broken(exchange: Exchange) -> None:
        exchange.read_request()
        if answer:
            exchange.send(answer)

    proxy = serve(broken)
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
    error = refused(send, f"https://{TUNNELLED_HOST}")
    assert error.data["maybeSent"] is False  # type: ignore[index]
    assert all(head.startswith(b"CONNECT ") for head in proxy.requests)
    assert len(proxy.requests) == 3  # MAX_ATTEMPTS tunnels asked for, nothing else
