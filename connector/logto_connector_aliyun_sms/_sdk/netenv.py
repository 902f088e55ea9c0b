"""What the environment says about the network: the proxy for a host, the CA bundle to trust.

Proxies: ``HTTPS_PROXY`` (or ``https_proxy``) for https endpoints, skipped for hosts matched by
``NO_PROXY`` (or ``no_proxy``), and never used for a loopback address. Plain-http endpoints are
loopback only (``endpoint.py``), so they never use a proxy.

CA bundle: certifi's, as the SDK verifies, unless ``SSL_CERT_FILE`` names a PEM file, the
OpenSSL variable that Python's ``ssl``, curl and httpx honour too (a private CA, a TLS-inspecting
corporate proxy). Verification itself is never turned off, and TLS older than 1.2 is refused.
A ``SSL_CERT_FILE`` that cannot be read as PEM CA certificates is :class:`~.failures.CannotSend`
(nothing could leave), named by the variable and its path.
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


def proxy_address(proxy: str) -> tuple[str, str | None]:
    """(the proxy URL without its credentials, ``Proxy-Authorization`` value or None)."""
    import base64
    from urllib.parse import unquote

    parts = urlsplit(proxy)
    auth = None
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        auth = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{host}:{port}", auth


def without_proxy_credentials(text: str, proxy: str | None) -> str:
    """``text`` with the proxy's user and password taken out (raw and percent-encoded)."""
    from urllib.parse import unquote

    if not proxy:
        return text
    parts = urlsplit(proxy)
    for secret in (parts.password, parts.username):
        if secret:
            for form in {secret, unquote(secret)}:
                text = text.replace(form, "***")
    return text


def tls_context() -> ssl.SSLContext:
    """The verifying client context: ``SSL_CERT_FILE``'s CAs if set, else certifi's.

    Raises CannotSend when ``SSL_CERT_FILE`` cannot be read as CA certificates.
    """
    cafile = os.environ.get("SSL_CERT_FILE") or ""
    try:
        return _context(cafile)
    except (OSError, ssl.SSLError) as exc:
        from .failures import CannotSend

        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise CannotSend(
            f"SSL_CERT_FILE ({cafile}) cannot be read as PEM CA certificates: {reason}"
        ) from None


@lru_cache(maxsize=4)
def _context(cafile: str) -> ssl.SSLContext:
    if not cafile:
        import certifi

        cafile = certifi.where()
    context = ssl.create_default_context(cafile=cafile)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["http/1.1"])  # set once: httpcore sets the same per connection
    return context
