"""The SDK's sync transport: loopback endpoints reached directly, whatever HTTP_PROXY says.

The SDK reads HTTP_PROXY itself and ignores NO_PROXY, so a proxy set for the outside world would
swallow requests to a local sandbox. Its sync transport keeps one ``requests`` session per host
(``DaraCore._sessions``); for loopback hosts only, we register a session that never proxies.
"""

from __future__ import annotations

from typing import Any

import requests
from darabonba.core import DaraCore

from ..endpoint import Endpoint
from .constants import POOL_SIZE


class _DirectSession(requests.Session):
    def send(self, request: Any, **kwargs: Any) -> Any:
        kwargs["proxies"] = {}
        return super().send(request, **kwargs)


def bypass_proxy(endpoint: Endpoint) -> None:
    """Register a proxy-free session for this loopback endpoint with the SDK (once)."""
    key = f"{endpoint.protocol}://{endpoint.host}:80:pool={POOL_SIZE}"
    if key in DaraCore._sessions:
        return
    session = _DirectSession()
    session.trust_env = False
    session.mount(
        f"{endpoint.protocol}://",
        DaraCore.get_adapter(endpoint.protocol.upper(), None, pool_size=POOL_SIZE),
    )
    DaraCore._sessions.setdefault(key, session)
