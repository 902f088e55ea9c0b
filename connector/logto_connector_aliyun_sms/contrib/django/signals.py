"""``delivery_reported``: sent (``sender=None``, ``report=DeliveryReport``) for each distinct
delivery report the receipt view receives. A receiver that raises makes Aliyun push again."""

from __future__ import annotations

from django.dispatch import Signal

from ...delivery import DeliveryReport
from .._receipts import SignalHook

delivery_reported = Signal()


def _send(report: DeliveryReport) -> None:
    delivery_reported.send(sender=None, report=report)


connected = SignalHook(_send)
"""Keeps ``delivery_reported`` among the ``on_delivery`` callbacks (the view calls it)."""
