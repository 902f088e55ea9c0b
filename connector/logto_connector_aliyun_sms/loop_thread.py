"""A server run on its own event loop in a background thread, for tests and scripts (the relay's
``RelayThread``, the console's ``ConsoleThread``)."""

from __future__ import annotations

import asyncio
import threading
from abc import ABC, abstractmethod
from contextlib import AsyncExitStack
from typing import TypeVar

_T = TypeVar("_T", bound="LoopThread")


class LoopThread(ABC):
    """``with Sub(...) as served:`` starts the server and waits until it listens (re-raising why
    it could not start); leaving stops it. Subclasses define ``_start``."""

    JOIN_S = 10.0
    """How long leaving waits for the thread to end."""

    def __init__(self, name: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    @abstractmethod
    async def _start(self, stack: AsyncExitStack) -> None:
        """Start serving; what must stop it goes on ``stack``."""

    def _run(self) -> None:
        try:
            self._loop.run_until_complete(self._main())
        finally:  # the connector's pooled HTTP session closes with the loop's async generators
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        async with AsyncExitStack() as stack:
            try:
                await self._start(stack)
            except BaseException as error:  # handed to the starting thread
                self._error = error
                self._ready.set()
                return
            self._ready.set()
            await self._stop.wait()

    def __enter__(self: _T) -> _T:
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error
        return self

    def __exit__(self, *exc: object) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(self.JOIN_S)
        self._loop.close()
