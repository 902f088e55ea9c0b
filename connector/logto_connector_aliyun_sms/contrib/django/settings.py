"""``settings.ALIYUN_SMS`` (and ``ALIYUN_SMS_CONNECTOR``) read once and validated; re-read when
either setting changes."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings

from .._common import CONNECTOR_SETTING, SETTING, Site, load_site

_lock = threading.Lock()
_cached: tuple[Any, Any, Site] | None = None


def get_config() -> Site:
    """The connector ``ALIYUN_SMS_CONNECTOR`` names (SendSms by default) with its validated
    config (raises ``ConfigProblems`` naming each bad place)."""
    global _cached
    value = getattr(settings, SETTING, None)
    name = getattr(settings, CONNECTOR_SETTING, None)
    cached = _cached
    if cached is not None and cached[0] is value and cached[1] == name:
        return cached[2]
    site = load_site(value, name)
    with _lock:
        _cached = (value, name, site)
    return site
