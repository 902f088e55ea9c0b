"""Run a console: in the current event loop (``serve``), or in a thread for tests and scripts."""

from __future__ import annotations

import asyncio
import contextlib
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from ..cli._connectors import SMS_ID, Chosen
from ..loop_thread import LoopThread
from .server import Console, create_app
from .store import ConfigStore


@dataclass
class Running:
    """A started console: its URL, its state and, with a sandbox, the sandbox."""

    url: str
    console: Console
    sandbox: Any


async def start(
    stack: AsyncExitStack,
    config_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    sandbox: Any = None,
    connector: str = SMS_ID,
) -> Running:
    """Start a console whose shutdown ``stack`` owns.

    ``sandbox``: a factory of an async context manager with ``endpoint`` and
    ``connector_config()`` (the sandbox distribution's ``AsyncSandbox``): started here, it
    receives the test sends.
    """
    box = await stack.enter_async_context(sandbox()) if sandbox is not None else None
    prefill = Chosen(connector).sandbox_config(box) if box is not None else None
    console = Console(ConfigStore.open(config_path, prefill), box.endpoint if box else None)
    console.connector = connector
    runner = web.AppRunner(create_app(console), handle_signals=False, shutdown_timeout=0.5)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = int(runner.addresses[0][1])
    console.bound(host, bound)
    shown = f"[{host}]" if ":" in host else host
    return Running(f"http://{shown}:{bound}/", console, box)


class ConsoleThread(LoopThread):
    """A console (and its sandbox) served from a background thread: ``with ConsoleThread(p):``."""

    def __init__(
        self,
        config_path: str | Path,
        *,
        sandbox: Any = None,
        port: int = 0,
        connector: str = SMS_ID,
    ) -> None:
        super().__init__("aliyun-sms-console")
        self._args = (config_path, sandbox, port, connector)
        self.running: Running | None = None

    async def _start(self, stack: AsyncExitStack) -> None:
        path, sandbox, port, connector = self._args
        self.running = await start(stack, path, sandbox=sandbox, port=port, connector=connector)

    @property
    def url(self) -> str:
        """The page's URL."""
        assert self.running is not None
        return self.running.url


def serve(
    config_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    sandbox: Any = None,
    on_ready: Any = None,
    connector: str = SMS_ID,
) -> None:
    """Serve a console until Ctrl-C or SIGTERM; ``on_ready(running)`` once it listens."""

    async def main() -> None:
        import signal

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
                loop.add_signal_handler(signum, stop.set)
        async with AsyncExitStack() as stack:
            running = await start(
                stack, config_path, host=host, port=port, sandbox=sandbox, connector=connector
            )
            if on_ready is not None:
                on_ready(running)
            await stop.wait()

    asyncio.run(main())
