"""The async side of the Redis store on one event loop: its client, the batch of one loop turn.

The hits of one turn of the loop go out together in one redis-py pipeline
(``transaction=False``): one connection of the pool, one write, the replies read in order,
each handed to its own hit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import redis

from .redis_script import HIT_SCRIPT, HIT_SHA


class Batch:
    """The hits of one turn of an event loop, sent together in one redis-py pipeline.

    A hit queues its script call and waits on a future; at the end of the turn the queued calls
    go out in one ``pipeline(transaction=False)`` (one connection of the pool, one write, the
    replies read in order), and each future gets its own reply. Under load, hits then share
    system calls and Redis's wake-ups; one hit alone is one round trip, as before.
    """

    def __init__(self, client: Any) -> None:
        self.client = client
        self._queued: list[tuple[list[str], list[str], asyncio.Future[Any]]] = []
        self._sending: set[asyncio.Task[None]] = set()

    def hit(self, keys: list[str], args: list[str]) -> asyncio.Future[Any]:
        """The script's reply to come (its exception, when the pipeline fails)."""
        loop = asyncio.get_running_loop()
        reply: asyncio.Future[Any] = loop.create_future()
        self._queued.append((keys, args, reply))
        if len(self._queued) == 1:  # the turn's first: send them all once the turn is over
            loop.call_soon(self._flush)
        return reply

    def _flush(self) -> None:
        queued, self._queued = self._queued, []
        task = asyncio.get_running_loop().create_task(self._send(queued))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(self, queued: list[tuple[list[str], list[str], asyncio.Future[Any]]]) -> None:
        try:
            async with self.client.pipeline(transaction=False) as pipe:
                for keys, args, _ in queued:
                    pipe.evalsha(HIT_SHA, len(keys), *keys, *args)
                replies = await pipe.execute(raise_on_error=False)
            missing = [
                at
                for at, reply in enumerate(replies)
                if isinstance(reply, redis.exceptions.NoScriptError)  # a new or flushed server
            ]
            if missing:  # EVAL sends the script along (and loads it), in one more round trip
                async with self.client.pipeline(transaction=False) as pipe:
                    for at in missing:
                        keys, args, _ = queued[at]
                        pipe.eval(HIT_SCRIPT, len(keys), *keys, *args)
                    again = await pipe.execute(raise_on_error=False)
                for at, reply in zip(missing, again, strict=True):
                    replies[at] = reply
        except asyncio.CancelledError:  # the loop is shutting down
            for _, _, reply in queued:
                reply.cancel()
            raise
        except Exception as error:  # every waiter gets what happened
            for _, _, reply in queued:
                if not reply.done():
                    reply.set_exception(error)
            return
        for (_, _, reply), answer in zip(queued, replies, strict=True):
            if reply.done():  # its sender gave up (its time limit)
                continue
            if isinstance(answer, BaseException):
                reply.set_exception(answer)
            else:
                reply.set_result(answer)


class LoopSide:
    """What the async path uses on one event loop: its client, the batch, the calls under way."""

    def __init__(self, client: Any, bound_s: float) -> None:
        self.client = client
        self.batch = Batch(client)
        self.bound_s = bound_s  # a call's whole time: pool wait, connect, answer
        self.probe: asyncio.Future[None] | None = None  # the first call while health is unknown
        self.limits: set[Any] = set()  # the time limits of the calls under way
        self.closer: AsyncGenerator[None, None] | None = None


async def close_at_shutdown(owned: Any) -> AsyncGenerator[None, None]:
    """Iterated once, so the loop knows it: ``asyncio.run`` closes it (and so the client built
    here with its pool, never the host's) when it shuts the loop down."""
    try:
        yield
    finally:
        await owned.aclose()
