"""The relay's Prometheus metrics (``prometheus-client``), in a registry of the app's own.

- ``aliyun_sms_relay_sends_total{route, connector, outcome}``: ``sent``, ``duplicate``,
  ``replay``, ``refused`` (bad input), ``limited``, ``failed``, ``maybe_sent``, ``unauthorized``;
- ``aliyun_sms_relay_send_seconds{route, connector}``: the send's time, as a histogram;
- ``aliyun_sms_relay_limit_refusals_total{route, limit}``: refusals by the send limits;
- ``aliyun_sms_relay_receipts_total{status}``: distinct delivery reports handled on
  ``/v1/receipts`` (their ``on_delivery`` callbacks done), by ``delivered`` / ``failed``;
- ``aliyun_sms_relay_receipt_requests_total{code}``: requests to ``/v1/receipts`` by the HTTP
  status answered (200; 403 a wrong token; 400 a body not Aliyun's; 500 a callback failed...).

With several worker processes, set ``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's
multiprocess mode): ``/metrics`` then adds up every worker's figures.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class RelayMetrics:
    """The counters and the histogram of one relay app."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self.sends = Counter(
            "aliyun_sms_relay_sends",
            "Requests through the relay by route, connector and outcome",
            ["route", "connector", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "aliyun_sms_relay_send_seconds",
            "Time to send one message through the connector",
            ["route", "connector"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.limit_refusals = Counter(
            "aliyun_sms_relay_limit_refusals",
            "Sends refused by the send limits, by route and limit",
            ["route", "limit"],
            registry=self.registry,
        )
        self.receipts = Counter(
            "aliyun_sms_relay_receipts",
            "Distinct delivery reports handled, by delivery status",
            ["status"],
            registry=self.registry,
        )
        self.receipt_requests = Counter(
            "aliyun_sms_relay_receipt_requests",
            "Requests to the receipts route, by HTTP status answered",
            ["code"],
            registry=self.registry,
        )

    def render(self) -> tuple[bytes, str]:
        """The text exposition and its content type (every worker's, in multiprocess mode)."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
