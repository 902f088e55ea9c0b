"""Run the sandbox: ``Sandbox`` (own thread and event loop) or ``AsyncSandbox`` (current loop)."""

from __future__ import annotations

import asyncio
import threading
import time
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from .clock import Clock
from .guard import HostCheck, is_exposed
from .pusher import ReportPusher
from .reports_api import ReportsAPI
from .seed import USAGE_TYPES, Seed, load_seed
from .server import RequestLog, SandboxServer
from .setup_api import SetupAPI
from .state import MAX_LOGGED_REQUESTS, MAX_MESSAGES, SandboxState

SeedSource = Seed | str | Path | Mapping[str, Any] | None


class SandboxExposedWarning(UserWarning):
    """The sandbox listens beyond this machine (bound to a wildcard or a non-loopback address)."""


def _url(address: Any) -> str:
    host, port = address[0], address[1]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _Listener:
    """The aiohttp site that serves one sandbox server on the current event loop, and the
    pusher of its delivery receipts."""

    def __init__(self, server: SandboxServer) -> None:
        self._server = server
        self._runner: web.ServerRunner | None = None
        self._pusher = ReportPusher(server.state)

    async def bind(self, host: str, port: int) -> tuple[int, list[str]]:
        """Start listening; the bound port (port 0 picks one) and the bound URLs."""
        # stopping does not wait for answers held back by a delay fault or the latency model
        runner = web.ServerRunner(
            self._server.make_server(), handle_signals=False, shutdown_timeout=0.5
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port, reuse_address=True)
        await site.start()
        self._runner = runner
        self._pusher.start()
        return int(runner.addresses[0][1]), [_url(address) for address in runner.addresses]

    async def close(self) -> None:
        """Stop listening and pushing, and close every connection (once)."""
        await self._pusher.stop()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()


class _SandboxAPI(ReportsAPI, SetupAPI):
    """What both runners offer; every method is safe to call from any thread."""

    state: SandboxState
    _server: SandboxServer
    host: str
    port: int
    #: Where the server listens, as bound (``http://0.0.0.0:8787``), once started.
    bound_urls: list[str]

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: SeedSource = None,
        *,
        on_request: RequestLog | None = None,
        allowed_hosts: Iterable[str] = (),
        max_messages: int = MAX_MESSAGES,
        max_requests: int = MAX_LOGGED_REQUESTS,
        report_url: str | None = None,
    ) -> None:
        """A sandbox on ``host:port`` (port 0: a free one), not yet started.

        ``seed``: a ``Seed``, a JSON file or a mapping extending the default; ``on_request``
        is called for every request; ``allowed_hosts`` adds ``Host`` names it answers to;
        ``max_messages`` and ``max_requests`` cap the outbox and the request log;
        ``report_url``: where delivery receipts are pushed, as Aliyun's SmsReport does.
        """
        if report_url is not None and not report_url.startswith(("http://", "https://")):
            raise ValueError("report_url must start with http:// or https://")
        self.host, self.port = host, port
        self.bound_urls = []
        hosts = HostCheck(host, allowed_hosts)
        self.state = SandboxState(
            seed if isinstance(seed, Seed) else load_seed(seed),
            max_messages=max_messages,
            max_requests=max_requests,
            report_url=report_url,
        )
        self._server = SandboxServer(self.state, on_request, hosts)
        self._listener = _Listener(self._server)

    @property
    def exposed(self) -> bool:
        """True when the sandbox is bound beyond loopback (reachable from other machines)."""
        return is_exposed(self.host)

    def _warn_if_exposed(self, stacklevel: int) -> None:
        if self.exposed:
            warnings.warn(
                SandboxExposedWarning(
                    f"the sandbox listens on {', '.join(self.bound_urls)}, beyond this machine: "
                    "whoever reaches it can read the outbox (numbers and codes) and change the "
                    "sandbox; bind 127.0.0.1 unless other machines must reach it"
                ),
                stacklevel=stacklevel,
            )

    @property
    def endpoint(self) -> str:
        """``http://host:port`` of the running server (a wildcard host reads as loopback)."""
        wildcards = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}  # noqa: S104
        host = wildcards.get(self.host, self.host)
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    @property
    def access_key_id(self) -> str:
        """The default account's AccessKeyId."""
        return self.state.default_account.access_key_id

    @property
    def access_key_secret(self) -> str:
        """The default account's secret (made up: it opens nothing but this sandbox)."""
        return self.state.default_account.access_key_secret

    @property
    def clock(self) -> Clock:
        """The injectable clock (``set``, ``advance``, ``now``, ``reset``)."""
        return self.state.clock

    def connector_config(self) -> dict[str, Any]:
        """A valid config for this connector, pointing at this sandbox (a fresh dict each call)."""
        return {
            "accessKeyId": self.access_key_id,
            "accessKeySecret": self.access_key_secret,
            "signName": self.state.sign_name,
            "templates": [
                {
                    "usageType": usage,
                    "templateCode": {
                        "china": self.state.template_for(usage, international=False),
                        "overseas": self.state.template_for(usage, international=True),
                    },
                }
                for usage in USAGE_TYPES
            ],
            "endpoint": self.endpoint,
        }

    def mas_config(self) -> dict[str, Any]:
        """A valid config for the Message Authentication Service connector (``mas``), pointing
        at this sandbox: its first gift signature, the system templates Logto's form proposes."""
        from .mas import LOGTO_TEMPLATES

        with self.state.lock:
            gifts = list(self.state.mas.gift_signatures)
        return {
            "accessKeyId": self.access_key_id,
            "accessKeySecret": self.access_key_secret,
            "signName": gifts[0] if gifts else "",
            "templates": [{"usageType": u, "templateCode": c} for u, c in LOGTO_TEMPLATES],
            "endpoint": self.endpoint,
        }

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Accepted messages, newest first (one record per number)."""
        return self.state.outbox()

    def messages_for(self, phone: str) -> list[dict[str, Any]]:
        """Accepted messages to ``phone`` (mainland prefixes ignored), newest first."""
        return self.state.outbox(phone)

    def clear_messages(self) -> int:
        """Empty the outbox; returns how many messages it held."""
        return self.state.clear_messages()

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every API request that reached the server, oldest first."""
        return self.state.request_log()

    def stats(self) -> dict[str, int]:
        """``connections_opened``, ``requests_served`` (API calls), ``open_connections``,
        ``messages_dropped``, ``requests_dropped``."""
        return self._server.stats()

    @property
    def messages_dropped(self) -> int:
        """Messages dropped from the outbox (oldest first) to keep it within ``max_messages``."""
        return self.state.messages.dropped

    @property
    def requests_dropped(self) -> int:
        """Requests dropped from the request log (oldest first) to stay within ``max_requests``."""
        return self.state.requests.dropped

    def reset(self) -> None:
        """Fresh seed; empty outbox, request log, faults, counters; real clock; no latency."""
        self.state.reset()


class AsyncSandbox(_SandboxAPI):
    """The sandbox in the running event loop: ``async with AsyncSandbox() as sb: ...``."""

    async def start(self) -> None:
        """Bind and start serving; ``port`` becomes the bound one.

        Bound beyond loopback, it warns (``SandboxExposedWarning``).
        """
        self.port, self.bound_urls = await self._listener.bind(self.host, self.port)
        self._warn_if_exposed(stacklevel=3)

    async def stop(self) -> None:
        """Stop serving and close every connection."""
        await self._listener.close()

    async def wait_for_reports(self, timeout: float = 5.0) -> bool:
        """Wait until every receipt due now was pushed and answered; False after ``timeout``."""
        deadline = time.monotonic() + timeout
        while not self.reports_idle():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    async def __aenter__(self) -> AsyncSandbox:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


class Sandbox(_SandboxAPI):
    """The sandbox in a background thread with its own event loop: ``with Sandbox() as sb: ...``."""

    _thread: threading.Thread | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _error: BaseException | None = None

    def start(self) -> None:
        """Start the server thread and wait until it listens."""
        if self._thread is not None:
            raise RuntimeError("this Sandbox is already running")
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name="aliyun-sms-sandbox", daemon=True
        )
        self._thread.start()
        ready.wait()
        if self._error is not None:
            self._thread.join()
            self._thread = None
            raise self._error
        self._warn_if_exposed(stacklevel=3)

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            self.port, self.bound_urls = loop.run_until_complete(
                self._listener.bind(self.host, self.port)
            )
        except BaseException as exc:  # reported to start()
            self._error = exc
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
            loop.run_until_complete(self._listener.close())
        finally:
            loop.close()

    def wait_for_reports(self, timeout: float = 5.0) -> bool:
        """Wait until every receipt due now was pushed and answered; False after ``timeout``."""
        deadline = time.monotonic() + timeout
        while not self.reports_idle():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def stop(self) -> None:
        """Stop the server and its thread."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        self._thread = None

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
