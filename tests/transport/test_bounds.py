"""Bounded in time and size, never redirected (issue 14, cases 3, 4 and 5), on both paths."""

from __future__ import annotations

import asyncio
import threading
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from transport_helpers import CONFIG, DATA, Exchange, ok_answer, refused

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import ConnectorErrorCode as E

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"


def _drip(first: bytes, byte: bytes) -> Callable[[Exchange], None]:
    """Send ``first``, then one ``byte`` every 50 ms until the client goes away (30 s at most)."""

    def handler(exchange: Exchange) -> None:
        exchange.read_request()
        exchange.send(first)
        for _ in range(600):
            if exchange.server.stopped.wait(0.05):
                return
            exchange.send(byte)

    return handler


@pytest.mark.parametrize(
    ("first", "byte"),
    [
        (b"HTTP/1.1 200 OK\r\n", b"X-Slow: a\r\n"),  # headers without end
        (HEAD + b"Content-Length: 100000\r\n\r\n{", b" "),  # a body that never completes
        (HEAD + b"Transfer-Encoding: chunked\r\n\r\n", b"1\r\n \r\n"),  # chunk after chunk
    ],
    ids=["headers", "body", "chunks"],
)
def test_a_dripping_server_cannot_hold_a_send_past_its_timeouts(
    serve: Callable[..., Any], send: Any, first: bytes, byte: bytes
) -> None:
    """Case 3: connect and read timeouts of 1 s; the send ends within about 1 s, not 60."""
    server = serve(_drip(first, byte))
    started = time.monotonic()
    error = refused(send, server.endpoint)
    elapsed = time.monotonic() - started
    assert elapsed < 2.5  # connect (1 s) + read (1 s), plus slack for a busy machine
    assert elapsed > 0.9  # the read timeout was what stopped it
    assert error.data["maybeSent"] is True  # type: ignore[index]
    assert len(server.requests) == 1


def _big(framing: str, sent: list[int]) -> Callable[[Exchange], None]:
    """A 400 MB answer, announced (Content-Length), chunked, or until the connection closes."""
    size = 400 * 1024 * 1024
    block = b" " * 65536

    def handler(exchange: Exchange) -> None:
        exchange.read_request()
        data = block
        if framing == "length":
            exchange.send(HEAD + f"Content-Length: {size}\r\n\r\n".encode())
        elif framing == "chunked":
            exchange.send(HEAD + b"Transfer-Encoding: chunked\r\n\r\n")
            data = b"10000\r\n" + block + b"\r\n"
        else:
            exchange.send(HEAD + b"Connection: close\r\n\r\n")
        while sent[0] < size:
            exchange.send(data)
            sent[0] += len(data)

    return handler


@pytest.mark.parametrize("framing", ["length", "chunked", "close"])
def test_a_400_mb_answer_is_refused_quickly_with_bounded_memory(
    serve: Callable[..., Any], send: Any, framing: str
) -> None:
    """Case 4: the answer is cut at 1 MiB: invalid_response, maybeSent, in well under a second
    of reading, a few MiB of memory at most, and the server could not push much past the cap."""
    sent = [0]
    server = serve(_big(framing, sent))
    tracemalloc.start()
    started = time.monotonic()
    try:
        error = refused(send, server.endpoint, readTimeout=10000)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.code is E.INVALID_RESPONSE
    assert error.data["maybeSent"] is True  # type: ignore[index]
    assert "1048576" in error.data["errorDescription"]  # type: ignore[index]
    assert len(server.requests) == 1
    assert elapsed < 3
    assert peak < 16 * 1024 * 1024
    assert sent[0] < 32 * 1024 * 1024  # what the kernel buffers took, not 400 MB


def _redirect(status: str, location: str) -> Callable[[Exchange], None]:
    def handler(exchange: Exchange) -> None:
        while True:
            exchange.read_request()
            exchange.send(
                f"HTTP/1.1 {status}\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n".encode()
            )

    return handler


@pytest.mark.parametrize("status", ["301 Moved", "302 Found", "303 See Other", "307 Temp", "308 P"])
@pytest.mark.parametrize("where", ["other host", "same origin"])
def test_redirects_are_not_followed(
    serve: Callable[..., Any], send: Any, status: str, where: str
) -> None:
    """Case 5: a 3xx is an invalid_response; exactly one request, none at the target."""

    def target_handler(exchange: Exchange) -> None:
        exchange.read_request()
        exchange.send(ok_answer(close=True))

    target = serve(target_handler)
    origin_holder: list[Any] = []
    lock = threading.Lock()

    def origin_handler(exchange: Exchange) -> None:
        with lock:
            port = origin_holder[0].port
        location = target.endpoint + "/" if where == "other host" else f"http://127.0.0.1:{port}/"
        _redirect(status, location)(exchange)

    origin = serve(origin_handler)
    origin_holder.append(origin)
    error = refused(send, origin.endpoint)
    assert error.code is E.INVALID_RESPONSE
    assert error.data["maybeSent"] is True  # type: ignore[index]
    assert "redirect" in error.data["errorDescription"]  # type: ignore[index]
    assert len(origin.requests) == 1
    assert target.requests == []


@pytest.mark.parametrize(
    "answer",
    [
        b"garbage that is no status line\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n"
        + b"".join(b"X-Pad-%d: %s\r\n" % (i, b"a" * 12000) for i in range(95)),
    ],
    ids=["not-http", "headers-over-the-cap"],
)
def test_an_answer_that_is_not_one_is_invalid_response(
    serve: Callable[..., Any], send: Any, answer: bytes
) -> None:
    def handler(exchange: Exchange) -> None:
        exchange.read_request()
        exchange.send(answer + b"\r\n")

    server = serve(handler)
    error = refused(send, server.endpoint)
    assert error.code is E.INVALID_RESPONSE
    assert error.data["maybeSent"] is True  # type: ignore[index]
    assert len(server.requests) == 1


def _cookie_setter(exchange: Exchange) -> None:
    while True:
        exchange.read_request()
        cookie = b"Set-Cookie: acw_tc=from-the-gateway; Path=/\r\n"
        exchange.send(ok_answer().replace(b"\r\n\r\n", b"\r\n" + cookie + b"\r\n", 1))


def test_a_cookie_set_by_the_server_is_never_sent_back(serve: Callable[..., Any]) -> None:
    """As the SDK, which opens a fresh session per request: no state rides from send to send,
    even on one kept-alive connection of one event loop's session."""
    server = serve(_cookie_setter)
    # a host name: cookies from a bare IP address are refused by cookie jars anyway
    config = dict(CONFIG, endpoint=f"http://localhost:{server.port}")

    async def two_sends() -> None:
        await aliyun_sms.send_message_async(DATA, config)
        await aliyun_sms.send_message_async(DATA, config)

    asyncio.run(two_sends())
    aliyun_sms.send_message(DATA, config)
    aliyun_sms.send_message(DATA, config)
    assert len(server.requests) == 4
    assert all(b"cookie:" not in head.lower() for head in server.requests)
