"""Many sends' commands on one asyncio Redis connection, each waiting for its own reply.

Redis answers the commands of a connection in the order they were written. So a send writes
its command and waits on a future; one reader task reads the replies in turn and hands each
to its future. Under load, commands and replies then share wake-ups and system calls, and no
send takes a connection from a pool. The connection is made by the client's own pool
(``pool.make_connection()``: its address, credentials, TLS, database and protocol) and is
owned here. Every reply has a deadline; a late reply, a broken connection or a failed write
fails every waiting send (replies come in order: the later ones would be later still), and the
next command opens a fresh connection.
"""

from __future__ import annotations

import asyncio
from collections import deque
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
        self._waiting: deque[asyncio.Future[Any]] = deque()
        self._reader: asyncio.Task[None] | None = None
        self._connecting = asyncio.Lock()
        self._closing: set[asyncio.Task[None]] = set()  # disconnects under way (kept alive)

    def _new_connection(self) -> Any:
        connection = self._pool.make_connection()
        # Writes then happen at once, in call order (no timed write task), and reads wait
        # without a socket timeout: each reply's deadline is kept here instead.
        connection.socket_timeout = None
        return connection

    async def call(self, command: bytes) -> Any:
        """Write ``command`` (see ``pack``) and return its reply; redis errors are raised."""
        connection = self._connection
        if not connection.is_connected:
            async with self._connecting:
                connection = self._connection
                if not connection.is_connected:
                    await asyncio.wait_for(connection.connect(), self.timeout_s)
        loop = asyncio.get_running_loop()
        reply: asyncio.Future[Any] = loop.create_future()
        self._waiting.append(reply)
        if self._reader is None:
            self._reader = loop.create_task(self._read(connection))
        timer = loop.call_later(self.timeout_s, self._late, reply)
        try:
            # connected and unchecked: written before this coroutine first suspends
            await connection.send_packed_command(command, check_health=False)
            return await reply
        except (redis.ConnectionError, redis.TimeoutError, OSError) as error:
            self._broken(connection, error)
            raise
        finally:
            timer.cancel()

    async def _read(self, connection: Any) -> None:
        waiting = self._waiting
        try:
            while waiting and connection is self._connection:
                try:
                    answer = await connection.read_response()
                except redis.ResponseError as error:  # an error reply: the connection is fine
                    answer = error
                reply = waiting.popleft()
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

    def _late(self, reply: asyncio.Future[Any]) -> None:
        if not reply.done():
            late = redis.TimeoutError(f"no reply from Redis within {self.timeout_s} s")
            self._broken(self._connection, late)

    def _broken(self, connection: Any, error: BaseException) -> None:
        """Fail every waiting send and start over on a fresh connection (once per connection)."""
        if connection is not self._connection:
            return
        self._connection = self._new_connection()
        waiting, self._waiting = self._waiting, deque()
        for reply in waiting:
            if not reply.done():
                reply.set_exception(error)
        reader, self._reader = self._reader, None
        if reader is not None and reader is not asyncio.current_task():
            reader.cancel()
        closing = asyncio.get_running_loop().create_task(connection.disconnect(nowait=True))
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)
