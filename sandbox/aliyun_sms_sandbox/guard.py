"""Who may talk to the sandbox: a Host allow-list (DNS rebinding), same-origin admin changes.

A web page cannot read or change the sandbox through a name of its own that resolves to the
sandbox's address (DNS rebinding): such requests carry that name in ``Host`` and are refused.
Allowed without configuration: any IP address (a page's origin then *is* the sandbox's address,
so the browser's same-origin rule applies), ``localhost`` and names under ``.localhost``, and the
name the sandbox was bound to. More names: ``allowed_hosts`` / ``--allow-host`` (``.example.com``
allows the domain and its subdomains, ``*`` allows every name).

Admin changes (``/_sandbox/...`` other than GET) refuse a cross-site ``Origin`` and take bodies
only as ``application/json``, so a page elsewhere cannot change the sandbox with a form post.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from aiohttp import web

#: Bound to one of these, the sandbox is reachable from other machines.
WILDCARDS = frozenset({"", "0.0.0.0", "::"})  # noqa: S104
_NAME = re.compile(r"\*|\.?[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_CACHE_SIZE = 256


def is_exposed(host: str) -> bool:
    """True when binding ``host`` reaches beyond this machine (not a loopback address)."""
    if host.lower().rstrip(".") == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return True  # a wildcard ("") or a host name other than localhost


def host_name(header: str) -> str | None:
    """The name or address in a ``Host`` header, lower case, without port or brackets."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        rest = header[end + 1 :]
        if end < 0 or (rest and not rest.startswith(":")):
            return None
        return header[1:end] or None
    name = header.rsplit(":", 1)[0] if header.count(":") == 1 else header
    return name.rstrip(".") or None


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class HostCheck:
    """The ``Host`` allow-list: ``allows(header)`` for each request (answers are cached)."""

    def __init__(self, bound_host: str, extra: Iterable[str] = ()) -> None:
        names: set[str] = set()
        for entry in extra:
            if not isinstance(entry, str) or not _NAME.fullmatch(entry.lower().rstrip(".")):
                raise ValueError(
                    f"an allowed host is a name like 'sandbox.test', '.example.com' or '*', "
                    f"not {entry!r}"
                )
            names.add(entry.lower().rstrip("."))
        bound = host_name(bound_host) if bound_host not in WILDCARDS else None
        if bound:
            names.add(bound)
        self.allow_all = "*" in names
        self.names = frozenset(n for n in names if not n.startswith("."))
        self.suffixes = tuple(n for n in names if n.startswith("."))
        self._seen: dict[str, bool] = {}

    def allows(self, header: str | None) -> bool:
        """True for a request with this ``Host`` header (none at all: an HTTP/1.0 client)."""
        if header is None or self.allow_all:
            return True
        known = self._seen.get(header)
        if known is None:
            known = self._decide(header)
            if len(self._seen) >= _CACHE_SIZE:
                self._seen.clear()
            self._seen[header] = known
        return known

    def _decide(self, header: str) -> bool:
        name = host_name(header)
        if name is None:
            return False
        if name == "localhost" or name.endswith(".localhost") or name in self.names:
            return True
        if any(name.endswith(s) or name == s[1:] for s in self.suffixes):
            return True
        return _is_ip(name)


def host_refusal(header: str | None) -> web.Response:
    """403 for a name not on the allow-list, saying how to allow it."""
    name = host_name(header or "") or header
    return web.json_response(
        {
            "error": f"the Host {name!r} is not allowed (a guard against DNS rebinding); "
            "allow it with Sandbox(allowed_hosts=[...]) or --allow-host NAME"
        },
        status=403,
    )


def admin_refusal(request: web.BaseRequest) -> tuple[int, str] | None:
    """(status, reason) when an admin change comes from another site or is not JSON, else None."""
    if request.method in _SAFE_METHODS:
        return None
    headers = request.headers
    origin = headers.get("Origin")
    own = f"http://{headers.get('Host', '')}".lower()
    if origin is not None and origin.lower() != own:
        return 403, f"cross-site request refused: Origin {origin!r} is not this sandbox ({own})"
    if headers.get("Sec-Fetch-Site") == "cross-site":
        return 403, "cross-site request refused (Sec-Fetch-Site: cross-site)"
    if request.body_exists:
        media_type = headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if media_type != "application/json":
            return 415, (
                f"an admin request's body must be JSON, sent as Content-Type: application/json "
                f"(not {media_type or 'no type'!r})"
            )
    return None
