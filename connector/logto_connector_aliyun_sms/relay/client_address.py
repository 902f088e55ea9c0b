"""The client's address: the connection's peer, or ``X-Forwarded-For`` when the peer is one of
the configured proxies (``trustedProxies``), read from the right, past every trusted hop."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(
    peer: str | None, forwarded_for: str | None, proxies: Sequence[Network]
) -> str | None:
    """The address a limit per IP should count: ``peer`` unless a trusted proxy forwarded it."""
    if peer is None or not proxies or not forwarded_for or not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop.strip("[]")))
            except ValueError:
                return peer  # a forged or garbled hop: fall back to the proxy itself
    return hops[0] if hops else peer
