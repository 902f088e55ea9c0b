"""``settings.ALIYUN_SMS`` read once and validated; re-read when the setting changes."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings

import logto_connector_aliyun_sms as aliyun_sms

from .._common import SETTING, load_config

_lock = threading.Lock()
_cached: tuple[Any, aliyun_sms.AliyunSmsConfig] | None = None


def get_config() -> aliyun_sms.AliyunSmsConfig:
    """The validated connector config (raises ``ConfigProblems`` naming each bad place)."""
    global _cached
    value = getattr(settings, SETTING, None)
    cached = _cached
    if cached is not None and cached[0] is value:
        return cached[1]
    config = load_config(value)
    with _lock:
        _cached = (value, config)
    return config
