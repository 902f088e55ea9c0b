"""The HTTP side of delivery receipts: post each due batch to the report URL, tell the book.

Runs as a task in the sandbox's event loop. What is due, in which batches, and when a refused
push is tried again are the ``reports`` module's rules; this only carries them over HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

import aiohttp

from .reports import Batch
from .state import SandboxState

TICK_S = 0.02  # how often the queue is looked at (real seconds)
TIMEOUT_S = 3.0  # Aliyun waits about this long for an answer before counting a failure
_logger = logging.getLogger(__name__)


class ReportPusher:
    """Posts receipts while started; ``stop`` waits for the pushes in flight."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def start(self) -> None:
        """Begin pushing, in the running loop."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop pushing and close the connections."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self) -> None:
        while True:
            await self.push_due()
            await asyncio.sleep(TICK_S)

    async def push_due(self) -> None:
        """Push every batch due now (one after another, as Aliyun's pusher does per account)."""
        state = self.state
        with state.lock:
            url = state.report_url
            batches = state.reports.due(state.clock.time()) if url else []
        for batch in batches:
            assert url is not None
            status, body = await self._post(url, batch)
            with state.lock:
                state.reports.answered(batch, state.clock.time(), status, body)

    async def _post(self, url: str, batch: Batch) -> tuple[int | None, Any]:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=TIMEOUT_S), trust_env=False
            )
        data = json.dumps(batch.receipts, ensure_ascii=False).encode()
        try:
            async with self._session.post(
                url, data=data, headers={"Content-Type": "application/json;charset=utf-8"}
            ) as response:
                raw = await response.read()
                status = response.status
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            _logger.info("receipt push to the report URL failed: %s", type(exc).__name__)
            return None, None
        try:
            return status, json.loads(raw)
        except (ValueError, RecursionError):
            return status, None
