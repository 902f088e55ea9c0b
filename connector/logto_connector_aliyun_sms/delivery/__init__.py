"""Delivery status: ask Aliyun (``query_delivery``), receive its receipts (``DeliveryReceiver``)
and hear about each report once (``on_delivery``). Cheap to import: the SDK loads on first query.
"""

from .hooks import DeliveryHook, on_delivery
from .query import query_delivery, query_delivery_async
from .receiver import DeliveryReceiver
from .report import CHINA_TIME, DeliveryReport, DeliveryStatus

__all__ = [
    "CHINA_TIME",
    "DeliveryHook",
    "DeliveryReceiver",
    "DeliveryReport",
    "DeliveryStatus",
    "on_delivery",
    "query_delivery",
    "query_delivery_async",
]
