"""Where to send: the ``endpoint`` config key as (protocol, host[:port])."""

from __future__ import annotations

import ipaddress
from typing import NamedTuple
from urllib.parse import urlsplit

from ..kit import ConnectorError, ConnectorErrorCode

DEFAULT_HOST = "dysmsapi.aliyuncs.com"


class Endpoint(NamedTuple):
    """A Dysmsapi endpoint: ``protocol`` is ``"https"`` or (loopback only) ``"http"``."""

    protocol: str
    host: str  # host or host:port, as the SDK's Config.endpoint wants it

    @property
    def loopback(self) -> bool:
        """True for 127.0.0.0/8, ::1 and localhost: local test servers such as the sandbox."""
        return is_loopback(urlsplit(f"//{self.host}").hostname or "")

    @property
    def url(self) -> str:
        """The endpoint as a URL."""
        return f"{self.protocol}://{self.host}/"


def is_loopback(hostname: str) -> bool:
    """Whether a host name or address is this machine's loopback."""
    if hostname.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname.strip("[]")).is_loopback
    except ValueError:
        return False


def _invalid(value: str, reason: str) -> ConnectorError:
    return ConnectorError(
        ConnectorErrorCode.INVALID_CONFIG,
        {"message": f"endpoint {value!r}: {reason}", "retryable": False},
    )


def parse_endpoint(value: str | None) -> Endpoint:
    """Parse ``endpoint``: a host, ``host:port`` or URL; plain HTTP only for loopback."""
    if not value:
        return Endpoint("https", DEFAULT_HOST)
    text = value.strip()
    parts = urlsplit(text if "://" in text else f"https://{text}")
    if parts.scheme not in ("http", "https"):
        raise _invalid(value, "only https:// (or http:// to a loopback address) is supported")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise _invalid(value, "give a host, host:port or URL without a path")
    try:
        port = parts.port
    except ValueError:
        raise _invalid(value, "the port is not a number from 0 to 65535") from None
    host = parts.hostname
    if not host:
        raise _invalid(value, "no host")
    if parts.scheme == "http" and not is_loopback(host):
        raise _invalid(value, "plain http:// is allowed only for loopback addresses")
    shown = f"[{host}]" if ":" in host else host
    return Endpoint(parts.scheme, f"{shown}:{port}" if port is not None else shown)
