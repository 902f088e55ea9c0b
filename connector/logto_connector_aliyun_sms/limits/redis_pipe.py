"""Many sends' commands on one asyncio Redis connection, each waiting for its own reply.

Redis answers the commands of a connection in the order they were written. So a send queues
its command and waits on a future; the commands queued during one turn of the event loop are
written together, at the end of that turn, and one reader task reads the replies in turn and
hands each to its future. Under load, commands and replies then share wake-ups and system
calls (on both sides: Redis reads them in one go and answers in one go), and no send takes a
connection from a pool. The connection is made by the client's own pool
(``pool.make_connection()``: its address, credentials, TLS, database and protocol) and is
owned here. Every reply has a deadline; a late reply, a broken connection or a failed write
fails every waiting send (replies come in order: the later ones would be later still), and the
next command opens a fresh connection.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Coroutine
from typing import Any

import redis


def pack(*parts: bytes) -> bytes:
    """One command in RESP: an array of bulk strings."""
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        out += (b"$%d\r\n" % len(part), part, b"\r\n")
    return b"".join(out)


class CommandPipe:
    """Commands written in turn on one connection of ``pool``, replies read in turn."""

    def __init__(self, pool: Any, timeout_s: float) -> None:
        self._pool = pool
        self.timeout_s = timeout_s
        self._connection = self._new_connection()
        self._waiting: deque[tuple[asyncio.Future[Any], float]] = deque()  # reply, deadline
        self._watch: asyncio.TimerHandle | None = None  # fires at the oldest reply's deadline
        self._outbox: list[bytes] = []  # commands of this turn of the loop, not written yet
        self._reader: asyncio.Task[None] | None = None
        self._connecting = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()  # writes and disconnects under way

    def _new_connection(self) -> Any:
        connection = self._pool.make_connection()
        # Writes then happen at once (no timed write task: they keep their order), and reads
        # wait without a socket timeout: each reply's deadline is kept here instead.
        connection.socket_timeout = None
        return connection

    async def call(self, command: bytes) -> Any:
        """Send ``command`` (see ``pack``) and return its reply; redis errors are raised."""
        connection = self._connection
        if not connection.is_connected:
            async with self._connecting:
                connection = self._connection
                if not connection.is_connected:
                    await asyncio.wait_for(connection.connect(), self.timeout_s)
        loop = asyncio.get_running_loop()
        reply: asyncio.Future[Any] = loop.create_future()
        self._waiting.append((reply, loop.time() + self.timeout_s))
        self._outbox.append(command)
        if len(self._outbox) == 1:  # the turn's first: write them all once the turn is over
            loop.call_soon(self._flush, connection)
        if self._reader is None:
            self._reader = loop.create_task(self._read(connection))
        if self._watch is None:
            self._watch = loop.call_later(self.timeout_s, self._check_oldest)
        try:
            return await reply
        except (redis.ConnectionError, redis.TimeoutError, OSError) as error:
            self._broken(connection, error)
            raise

    def _flush(self, connection: Any) -> None:
        if connection is not self._connection:  # broken meanwhile: its senders were failed
            return
        commands, self._outbox = b"".join(self._outbox), []
        self._start(self._write(connection, commands))

    async def _write(self, connection: Any, commands: bytes) -> None:
        try:
            # connected and unchecked: written before this coroutine first suspends, so the
            # writes of two turns keep their order
            await connection.send_packed_command(commands, check_health=False)
        except (redis.ConnectionError, redis.TimeoutError, OSError) as error:
            self._broken(connection, error)

    def _start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _read(self, connection: Any) -> None:
        waiting = self._waiting
        try:
            while waiting and connection is self._connection:
                try:
                    answer = await connection.read_response()
                except redis.ResponseError as error:  # an error reply: the connection is fine
                    answer = error
                reply, _ = waiting.popleft()
                if reply.done():  # its sender was cancelled or timed out
                    continue
                if isinstance(answer, BaseException):
                    reply.set_exception(answer)
                else:
                    reply.set_result(answer)
        except (redis.RedisError, OSError) as error:
            self._broken(connection, error)
        finally:
            if self._reader is asyncio.current_task():
                self._reader = None

    def _check_oldest(self) -> None:
        """One timer for every reply: they come in order, so the oldest is the first late."""
        self._watch = None
        if not self._waiting:
            return
        loop = asyncio.get_running_loop()
        deadline = self._waiting[0][1]
        if loop.time() >= deadline:
            late = redis.TimeoutError(f"no reply from Redis within {self.timeout_s} s")
            self._broken(self._connection, late)
        else:
            self._watch = loop.call_at(deadline, self._check_oldest)

    def _broken(self, connection: Any, error: BaseException) -> None:
        """Fail every waiting send and start over on a fresh connection (once per connection)."""
        if connection is self._connection:
            self._start(self._detach(error).disconnect(nowait=True))

    def _detach(self, error: BaseException) -> Any:
        """Fail every waiting send; the next command opens a fresh connection. The old one."""
        connection, self._connection = self._connection, self._new_connection()
        self._outbox = []
        waiting, self._waiting = self._waiting, deque()
        for reply, _ in waiting:
            if not reply.done():
                reply.set_exception(error)
        reader, self._reader = self._reader, None
        if reader is not None and reader is not asyncio.current_task():
            reader.cancel()
        return connection

    async def close(self) -> None:
        """Close the connection (its event loop is ending); a later command opens a new one."""
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        closed = redis.ConnectionError("the limits connection was closed with its event loop")
        await self._detach(closed).disconnect(nowait=True)
