"""A TCP proxy on loopback that delays every chunk by a fixed time and counts connections.

Puts a real Redis "5 ms away" (or anywhere) for tests: bytes keep their order, each direction
is delayed by ``delay_s``. Runs its own event loop in a thread, so it never shares the loop of
the test that uses it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from types import TracebackType


class DelayProxy:
    """``127.0.0.1:port`` forwards to ``127.0.0.1:upstream_port``, ``delay_s`` each way."""

    def __init__(self, upstream_port: int, delay_s: float) -> None:
        self.upstream_port = upstream_port
        self.delay_s = delay_s
        self.connections = 0  # accepted so far
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def url(self, db: int = 0, password: str | None = None) -> str:
        """A Redis URL through the proxy."""
        auth = f":{password}@" if password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/{db}"

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, chunk = await queue.get()
                if due > loop.time():
                    await asyncio.sleep(due - loop.time())
                if not chunk:
                    break
                writer.write(chunk)
                await writer.drain()
            writer.close()

        delivery = loop.create_task(deliver())
        try:
            while chunk := await reader.read(65536):
                queue.put_nowait((loop.time() + self.delay_s, chunk))
        except OSError:
            pass
        queue.put_nowait((loop.time() + self.delay_s, b""))
        with contextlib.suppress(OSError):
            await delivery

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            writer.close()
            return
        try:
            await asyncio.gather(self._pump(reader, up_writer), self._pump(up_reader, writer))
        except (OSError, asyncio.CancelledError):  # a side closed, or the proxy stops
            up_writer.close()
            writer.close()

    def __enter__(self) -> DelayProxy:
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0), self._loop
        )
        self._server = started.result(timeout=10)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        async def stop() -> None:
            assert self._server is not None
            self._server.close()
            tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
