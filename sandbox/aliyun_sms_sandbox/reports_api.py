"""The sandbox's delivery-receipt settings and inspection, shared by both runners."""

from __future__ import annotations

from typing import Any

from .state import SandboxState


class ReportsAPI:
    """Where receipts go, how they are pushed, and what was pushed; thread-safe."""

    state: SandboxState

    def set_reports(
        self,
        url: str | None = None,
        *,
        delay_s: float | None = None,
        batch_size: int | None = None,
        duplicate_rate: float | None = None,
        retry_delays: tuple[float, ...] | None = None,
    ) -> None:
        """Push delivery receipts to ``url`` ("" stops; None keeps the current one), each
        ``delay_s`` seconds of the sandbox's clock after its send (default 0), up to
        ``batch_size`` per push (100), ``duplicate_rate`` of them twice (0 to 1; default 0),
        and a refused push (not HTTP 200 with ``{"code": 0}``) again after each of
        ``retry_delays`` seconds of the clock (default 60, 300, 1800), then given up."""
        self.state.set_reports(
            url,
            delay_s=delay_s,
            batch_size=batch_size,
            duplicate_rate=duplicate_rate,
            retry_delays=retry_delays,
        )

    @property
    def report_url(self) -> str | None:
        """Where delivery receipts are pushed (None: nowhere)."""
        return self.state.report_url

    @property
    def pushes(self) -> list[dict[str, Any]]:
        """The receipt pushes made, oldest first: ``batch``, ``attempt``, ``receipts``,
        ``bizIds``, ``status`` (None: no answer), ``ok``, ``at`` (the clock's seconds)."""
        with self.state.lock:
            return [dict(p) for p in self.state.reports.pushes]

    def reports_idle(self) -> bool:
        """True when no receipt is due now and no push waits for its answer."""
        with self.state.lock:
            return self.state.reports.idle(self.state.clock.time())
