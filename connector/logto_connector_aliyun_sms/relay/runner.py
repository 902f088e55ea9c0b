"""Run the relay: in the foreground until SIGINT/SIGTERM (``serve``), or in a thread
(``RelayThread``, for tests and scripts). Stopping lets in-flight sends finish (up to
``SHUTDOWN_S``)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import Any

from aiohttp import web

from ..loop_thread import LoopThread
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


class RelayThread(LoopThread):
    """The relay served from a background thread: ``with RelayThread(config) as relay:``."""

    JOIN_S = 15.0

    def __init__(
        self,
        config: RelayConfig,
        *,
        port: int = 0,
        keepalive_s: float = KEEPALIVE_S,
        **app_options: Any,
    ) -> None:
        super().__init__("aliyun-sms-relay")
        self.config = config
        self.port = port
        self.keepalive_s = keepalive_s
        self.app_options = app_options
        self.url = ""
        self.app: web.Application | None = None

    async def _start(self, stack: AsyncExitStack) -> None:
        self.app = create_app(self.config, **self.app_options)
        runner, bound = await start(
            self.app, "127.0.0.1", self.port, shutdown_s=5, keepalive_s=self.keepalive_s
        )
        stack.push_async_callback(runner.cleanup)
        self.url = url_of("127.0.0.1", bound)
