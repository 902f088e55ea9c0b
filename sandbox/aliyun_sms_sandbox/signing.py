"""Aliyun request signatures as pure functions: ACS3-HMAC-SHA256 (V3) and RPC v1 HMAC-SHA1.

Used by the sandbox to verify requests, and by clients (benchmarks, tests) to sign them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

ACS3 = "ACS3-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
#: Headers an ACS3 request must sign.
REQUIRED_SIGNED_HEADERS = (
    "host",
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-content-sha256",
)
_AUTHORIZATION = re.compile(
    r"ACS3-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]*)\s*,"
    r"\s*Signature=([0-9a-fA-F]+)\s*"
)


def percent(value: str) -> str:
    """RFC 3986 percent-encoding as Aliyun uses it (space ``%20``, ``*`` ``%2A``, ``~`` kept)."""
    if _UNRESERVED.fullmatch(value):  # most names and values: nothing to encode
        return value
    return quote(value, safe="~")


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    """Sorted ``key=value`` pairs, both percent-encoded, joined by ``&``."""
    return "&".join(f"{percent(k)}={percent(v)}" for k, v in sorted(pairs, key=_key))


def _key(pair: tuple[str, str]) -> str:
    return pair[0]


def acs3_canonical_request(
    method: str,
    path: str,
    query_pairs: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
    signed_headers: Sequence[str],
    payload_hash: str,
) -> str:
    """The ACS3 canonical request; ``headers`` maps lower-case names to their (joined) values."""
    canonical_headers = "".join(
        f"{name}:{headers.get(name, '').strip()}\n" for name in signed_headers
    )
    return "\n".join(
        (
            method.upper(),
            path or "/",
            canonical_query(query_pairs),
            canonical_headers,
            ";".join(signed_headers),
            payload_hash,
        )
    )


def acs3_string_to_sign(canonical_request: str) -> str:
    """``ACS3-HMAC-SHA256`` and the hex SHA-256 of the canonical request."""
    # surrogateescape: header bytes that are not UTF-8 reach us as surrogates; hash the bytes
    digest = hashlib.sha256(canonical_request.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{ACS3}\n{digest}"


def acs3_signature(secret: str, string_to_sign: str) -> str:
    """Hex HMAC-SHA256 of the string to sign, keyed by the AccessKey secret."""
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Acs3Authorization:
    """The parts of an ``Authorization: ACS3-HMAC-SHA256 ...`` header."""

    access_key_id: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_acs3_authorization(header: str) -> Acs3Authorization | None:
    """Split an ACS3 ``Authorization`` header, or None when it is not one."""
    match = _AUTHORIZATION.fullmatch(header)
    if match is None:
        return None
    names = tuple(name for name in match[2].lower().split(";") if name)
    return Acs3Authorization(match[1], names, match[3].lower())


def sign_acs3(
    method: str,
    path: str,
    query_pairs: Sequence[tuple[str, str]],
    headers: Mapping[str, str],
    body: bytes,
    access_key_id: str,
    secret: str,
) -> str:
    """The ``Authorization`` value for a request signing every header in ``headers``.

    ``headers`` must already hold ``x-acs-content-sha256`` (the hex SHA-256 of ``body``).
    """
    lower = {name.lower(): value for name, value in headers.items()}
    names = sorted(lower)
    canonical = acs3_canonical_request(
        method, path, query_pairs, lower, names, hashlib.sha256(body).hexdigest()
    )
    signature = acs3_signature(secret, acs3_string_to_sign(canonical))
    return (
        f"{ACS3} Credential={access_key_id},SignedHeaders={';'.join(names)},Signature={signature}"
    )


def rpc_v1_string_to_sign(method: str, params: Mapping[str, str]) -> str:
    """``METHOD&%2F&`` plus the percent-encoded canonical query (without ``Signature``)."""
    pairs = ((k, v) for k, v in params.items() if k != "Signature")
    return f"{method.upper()}&{percent('/')}&{percent(canonical_query(pairs))}"


def rpc_v1_signature(secret: str, method: str, params: Mapping[str, str]) -> str:
    """Base64 HMAC-SHA1 of the RPC v1 string to sign, keyed by ``secret + '&'``."""
    string_to_sign = rpc_v1_string_to_sign(method, params)
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()
