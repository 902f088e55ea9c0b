"""Run the relay: in the foreground until SIGINT/SIGTERM (``serve``), or in a thread
(``RelayThread``, for tests and scripts). Stopping lets in-flight sends finish (up to
``SHUTDOWN_S``)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .app import create_app
from .config import RelayConfig

SHUTDOWN_S = 30.0
"""How long stopping waits for requests in flight (a send takes seconds at most)."""
KEEPALIVE_S = 15.0
MAX_HEADER_BYTES = 8190
"""The longest request line and header field accepted (aiohttp's own default, said here)."""


def url_of(host: str, port: int) -> str:
    """``http://host:port`` (brackets for IPv6)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


async def start(
    app: web.Application,
    host: str,
    port: int,
    *,
    shutdown_s: float = SHUTDOWN_S,
    keepalive_s: float = KEEPALIVE_S,
) -> tuple[web.AppRunner, int]:
    """Serve ``app`` on ``host:port``; the runner (``cleanup()`` stops it) and the bound port.

    A connection that sends no complete request line and headers within ``keepalive_s`` is
    closed (aiohttp's keep-alive timer also runs before the first request)."""
    runner = web.AppRunner(
        app,
        handle_signals=False,
        shutdown_timeout=shutdown_s,
        access_log=None,  # the relay writes its own access log, with masked numbers
        keepalive_timeout=keepalive_s,
        max_line_size=MAX_HEADER_BYTES,
        max_field_size=MAX_HEADER_BYTES,
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner, int(runner.addresses[0][1])


def serve(
    config: RelayConfig,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    on_ready: Callable[[str], None] | None = None,
    **app_options: Any,
) -> None:
    """Serve until SIGINT or SIGTERM; ``on_ready(url)`` once listening."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
        runner, bound = await start(create_app(config, **app_options), host, port)
        try:
            if on_ready is not None:
                on_ready(url_of(host, bound))
            await stop.wait()
        finally:
            await runner.cleanup()

    asyncio.run(main())


class RelayThread:
    """The relay served from a background thread: ``with RelayThread(config) as relay:``."""

    def __init__(
        self,
        config: RelayConfig,
        *,
        port: int = 0,
        keepalive_s: float = KEEPALIVE_S,
        **app_options: Any,
    ) -> None:
        self.config = config
        self.port = port
        self.keepalive_s = keepalive_s
        self.app_options = app_options
        self.url = ""
        self.app: web.Application | None = None
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="aliyun-sms-relay", daemon=True)

    def _run(self) -> None:
        try:
            self._loop.run_until_complete(self._main())
        finally:  # the connector's pooled HTTP session closes with the loop's async generators
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        try:
            self.app = create_app(self.config, **self.app_options)
            runner, bound = await start(
                self.app, "127.0.0.1", self.port, shutdown_s=5, keepalive_s=self.keepalive_s
            )
        except BaseException as error:  # handed to the starting thread
            self._error = error
            self._ready.set()
            return
        self.url = url_of("127.0.0.1", bound)
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await runner.cleanup()

    def __enter__(self) -> RelayThread:
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error
        return self

    def __exit__(self, *exc: object) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(15)
        self._loop.close()
