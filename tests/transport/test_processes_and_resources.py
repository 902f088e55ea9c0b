"""Per-process pools after fork, no socket left behind (issue 14, cases 1, 7 and 8)."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import threading
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from transport_helpers import Exchange, ok_answer

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms._sdk import clear_clients

SENDS = 20
CHILDREN = 4


def _phone(process: int, i: int) -> str:
    return f"+8526{process:02d}{i:05d}"  # one number per send: the outbox tells whose it was


def _send_many(process: int, config: dict[str, Any], asynchronous: bool) -> list[dict[str, Any]]:
    results = []
    for i in range(SENDS):
        data = {"to": _phone(process, i), "type": "SignIn", "payload": {"code": "123456"}}
        if asynchronous:
            result = asyncio.run(aliyun_sms.send_message_async(data, config))
        else:
            result = aliyun_sms.send_message(data, config)
        results.append({"phone": _phone(process, i), **result})
    return results


def _fork(process: int, config: dict[str, Any], asynchronous: bool) -> tuple[int, int]:
    """A real child process that sends SENDS messages and writes its results to a pipe."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "w") as out:
                json.dump(_send_many(process, config, asynchronous), out)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_forked_processes_never_share_a_connection(
    aliyun_sms_sandbox: Any, asynchronous: bool
) -> None:
    """Case 1: the parent sends (its pool holds a connection), forks 4 children; parent and
    children each send 20 at once. Every result is the answer to its own request."""
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    loop = asyncio.new_event_loop()  # the async parent keeps its loop (and session) open
    try:
        first = {"to": _phone(99, 0), "type": "SignIn", "payload": {"code": "123456"}}
        if asynchronous:
            loop.run_until_complete(aliyun_sms.send_message_async(first, config))
        else:
            aliyun_sms.send_message(first, config)
        children = [_fork(process, config, asynchronous) for process in range(1, CHILDREN + 1)]
        results = _send_many(0, config, asynchronous)
        for pid, read in children:
            with os.fdopen(read) as pipe:
                text = pipe.read()
            _, status = os.waitpid(pid, 0)
            assert os.waitstatus_to_exitcode(status) == 0
            results += json.loads(text)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())  # closes the loop's session
        loop.close()
    assert len(results) == SENDS * (CHILDREN + 1)
    for result in results:
        (message,) = sb.messages_for(result["phone"])
        assert (result["RequestId"], result["BizId"]) == (message["RequestId"], message["BizId"])
    assert len({r["RequestId"] for r in results}) == len(results)
    assert len(sb.requests) == len(results) + 1  # nothing sent twice


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _settled_fds(bound: int, seconds: float = 3.0) -> int:
    """Open fds, once at most ``bound`` or after ``seconds``."""
    import time

    deadline = time.monotonic() + seconds
    while _fds() > bound and time.monotonic() < deadline:
        time.sleep(0.05)
    return _fds()


def test_clear_clients_closes_pooled_sockets(serve: Callable[..., Any]) -> None:
    """Case 7: 200 endpoints, one send each, clear_clients() after each: fds stay flat."""

    def ok(exchange: Exchange) -> None:
        while True:
            exchange.read_request()
            exchange.send(ok_answer())

    data = {"to": "13812345678", "type": "SignIn", "payload": {"code": "123456"}}
    from transport_helpers import CONFIG

    def one(server: Any) -> None:
        aliyun_sms.send_message(data, dict(CONFIG, endpoint=server.endpoint))
        clear_clients()
        server.close()  # its thread ends once the client closed the connection

    one(serve(ok))  # warm: imports, the SDK's own module-level state
    before = _fds()
    for _ in range(200):
        one(serve(ok))
    assert _fds() - before <= 4
    assert threading.active_count() < 20


def test_a_send_in_flight_survives_clear_clients(serve: Callable[..., Any]) -> None:
    """clear_clients() (or an evicted client) while another thread's send waits for its answer:
    that send still gets its answer; its connection closes once it is done."""
    from transport_helpers import CONFIG, DATA

    asked = threading.Event()

    def slow(exchange: Exchange) -> None:
        exchange.read_request()
        asked.set()
        exchange.server.stopped.wait(0.5)
        exchange.send(ok_answer())
        exchange.stream.recv(1)  # until the client closes

    server = serve(slow)
    config = dict(CONFIG, endpoint=server.endpoint)
    results: list[Any] = []
    thread = threading.Thread(target=lambda: results.append(aliyun_sms.send_message(DATA, config)))
    thread.start()
    assert asked.wait(5)
    clear_clients()  # the send is in flight
    thread.join(5)
    assert [result["RequestId"] for result in results] == ["R-1"]
    assert len(server.requests) == 1
    for worker in server.threads:
        worker.join(2)  # the server's side ends only when the client closed its connection
    assert not any(worker.is_alive() for worker in server.threads)


def _documented_close(send: Callable[[], Any]) -> None:
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(send())
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def _runner(send: Callable[[], Any]) -> None:
    with asyncio.Runner() as runner:  # type: ignore[attr-defined]
        runner.run(send())


LOOP_ENDINGS = {
    "asyncio.run": lambda send: asyncio.run(send()),
    "Runner": _runner,
    "shutdown_asyncgens+close": _documented_close,
}


@pytest.mark.parametrize("ending", list(LOOP_ENDINGS))
def test_sessions_close_with_their_loop(
    aliyun_sms_sandbox: Any, ending: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Case 8 (issue 20): 100 event loops that end the documented way, gc off: each loop's
    session is closed as the loop shuts down (aiohttp's public API only), no fd growth, no
    ResourceWarning, no "Unclosed" report from aiohttp."""
    if ending == "Runner" and not hasattr(asyncio, "Runner"):
        pytest.skip("asyncio.Runner: Python 3.11+")
    from logto_connector_aliyun_sms._sdk.aio_transport import open_sessions

    config = aliyun_sms_sandbox.connector_config()
    data = {"to": "+85268326366", "type": "SignIn", "payload": {"code": "1234"}}  # no flow limit
    end = LOOP_ENDINGS[ending]

    def one_loop() -> None:
        end(lambda: aliyun_sms.send_message_async(data, config))
        assert open_sessions() == 0

    one_loop()
    gc.collect()  # what earlier tests left to the collector is reported before this one counts
    caplog.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.disable()
        try:
            before = _fds()
            for _ in range(100):
                one_loop()
            after = _fds()
        finally:
            gc.enable()
        gc.collect()
    assert after - before <= 2
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    assert [r for r in caught_records(caplog) if "Unclosed" in r] == []
    assert len(aliyun_sms_sandbox.requests) == 101


def caught_records(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records]


def test_a_loop_closed_without_shutdown_asyncgens_leaves_its_session_to_the_gc(
    aliyun_sms_sandbox: Any,
) -> None:
    """As documented: ``loop.close()`` alone cannot close a session (that needs the loop), so
    the garbage collector does, once the next loop's first send forgets it: no fd growth."""
    config = aliyun_sms_sandbox.connector_config()
    data = {"to": "+85268326366", "type": "SignIn", "payload": {"code": "1234"}}

    def one_loop() -> None:
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(aliyun_sms.send_message_async(data, config))
        finally:
            loop.close()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # aiohttp's, for each collected session
        one_loop()
        gc.collect()
        before = _fds()
        for _ in range(50):
            one_loop()
        gc.collect()
        after = _settled_fds(before + 4)  # the sandbox's side closes once it sees the close
        asyncio.run(aliyun_sms.send_message_async(data, config))  # lets the last one go
        gc.collect()  # here, where its warnings are expected, not in a later test
    assert after - before <= 4
    assert len(aliyun_sms_sandbox.requests) == 52
