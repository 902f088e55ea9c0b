"""What the environment says about the network: the proxy for a host, the CA bundle to trust.

Proxies: ``HTTPS_PROXY`` (or ``https_proxy``) for https endpoints, skipped for hosts matched by
``NO_PROXY`` (or ``no_proxy``), and never used for a loopback address. Plain-http endpoints are
loopback only (``endpoint.py``), so they never use a proxy.

CA bundle: certifi's, as the SDK verifies, unless ``SSL_CERT_FILE`` names a PEM file, the
OpenSSL variable that Python's ``ssl``, curl and httpx honour too (a private CA, a TLS-inspecting
corporate proxy). Verification itself is never turned off.
"""

from __future__ import annotations

import os
import ssl
from functools import lru_cache
from urllib.parse import urlsplit

from ..inputs.endpoint import is_loopback

_PROXY_VARS = ("https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY")


def proxy_for(protocol: str, hostname: str) -> str | None:
    """The proxy URL for an https request to ``hostname``, or None to connect directly."""
    if protocol != "https":
        return None
    env = os.environ
    return _proxy(hostname, tuple(env.get(name) or "" for name in _PROXY_VARS))


@lru_cache(maxsize=64)
def _proxy(hostname: str, values: tuple[str, ...]) -> str | None:
    from urllib.request import proxy_bypass_environment  # type: ignore[attr-defined]

    proxy = values[0] or values[1]
    if not proxy or is_loopback(hostname):
        return None
    no_proxy = values[2] or values[3]
    if no_proxy and proxy_bypass_environment(hostname, {"no": no_proxy}):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def proxy_address(proxy: str) -> tuple[str, int, str | None]:
    """(host, port, ``Proxy-Authorization`` value or None) of a proxy URL."""
    import base64
    from urllib.parse import unquote

    parts = urlsplit(proxy)
    auth = None
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        auth = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    default_port = 443 if parts.scheme == "https" else 80
    return parts.hostname or "", parts.port or default_port, auth


def tls_context() -> ssl.SSLContext:
    """The verifying client context: ``SSL_CERT_FILE``'s CAs if set, else certifi's."""
    return _context(os.environ.get("SSL_CERT_FILE") or "")


@lru_cache(maxsize=4)
def _context(cafile: str) -> ssl.SSLContext:
    if not cafile:
        import certifi

        cafile = certifi.where()
    context = ssl.create_default_context(cafile=cafile)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context
