"""What each route accepts as proof that its platform sent the request, checked in constant time.

- a header compared verbatim (Logto's HTTP SMS connector: ``Authorization``, any value; Kratos'
  API key header),
- Bearer and Basic credentials (authentik's generic provider, Kratos' ``basic_auth``),
- Zitadel's ``ZITADEL-Signature: t=<unix>,v1=<hex HMAC-SHA256(key, "<t>.<raw body>")>``,
- Standard Webhooks (Supabase): ``webhook-id``, ``webhook-timestamp``, ``webhook-signature``
  (``v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<raw body>")>``, space-separated), with
  secrets written ``v1,whsec_<base64>`` (https://www.standardwebhooks.com/, spec section
  "Verifying webhook authenticity").

A check answers a ``Verdict``: accepted or not, why not (words safe to show anyone), and for the
signed schemes the id of the delivery (replay protection). No secret is in a repr.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

DEFAULT_TOLERANCE_S = 300
"""Zitadel's and Standard Webhooks' tolerance: a signature older (or newer) than this is stale."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: ``ok``, else ``reason``; ``delivery_id`` names a signed delivery."""

    ok: bool
    reason: str = ""
    delivery_id: str | None = None


ACCEPTED = Verdict(True)
MISSING = Verdict(False, "missing credentials")
WRONG = Verdict(False, "wrong credentials")


def same(presented: str | bytes, expected: str | bytes) -> bool:
    """Constant-time equality of two texts (as UTF-8 bytes)."""
    a = presented.encode() if isinstance(presented, str) else presented
    b = expected.encode() if isinstance(expected, str) else expected
    return hmac.compare_digest(a, b)


class Check(Protocol):
    """One route's authentication."""

    def check(self, headers: Mapping[str, str], body: bytes, now: float) -> Verdict:
        """Whether ``headers`` and ``body`` (raw bytes) prove the platform sent them."""
        ...  # pragma: no cover - a protocol

    def secrets(self) -> list[str]:
        """The values that must never appear in an answer or a log."""
        ...  # pragma: no cover - a protocol


@dataclass(frozen=True)
class HeaderValue:
    """A header whose whole value is the secret (Logto: ``Authorization``, verbatim)."""

    name: str
    value: str = field(repr=False)
    kind: str = "header"

    def check(self, headers: Mapping[str, str], body: bytes, now: float) -> Verdict:
        presented = headers.get(self.name)
        if presented is None:
            return MISSING
        return ACCEPTED if same(presented, self.value) else WRONG

    def secrets(self) -> list[str]:
        return [self.value]


@dataclass(frozen=True)
class Bearer:
    """``Authorization: Bearer <token>``."""

    token: str = field(repr=False)
    kind: str = "bearer"

    def check(self, headers: Mapping[str, str], body: bytes, now: float) -> Verdict:
        scheme, _, token = headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return MISSING
        return ACCEPTED if same(token.strip(), self.token) else WRONG

    def secrets(self) -> list[str]:
        return [self.token]


@dataclass(frozen=True)
class Basic:
    """``Authorization: Basic base64(username:password)``; both parts compared every time."""

    username: str
    password: str = field(repr=False)
    kind: str = "basic"

    def check(self, headers: Mapping[str, str], body: bytes, now: float) -> Verdict:
        scheme, _, encoded = headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic" or not encoded:
            return MISSING
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            return WRONG
        user, colon, password = decoded.partition(b":")
        user_ok = same(user, self.username)
        password_ok = same(password, self.password)
        return ACCEPTED if colon and user_ok and password_ok else WRONG

    def secrets(self) -> list[str]:
        return [self.password]


def _sign_hex(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ZitadelSignature:
    """``ZITADEL-Signature: t=<unix>,v1=<hex>[,v1=...]`` over ``"<t>.<raw body>"``.

    As Zitadel's own validator (zitadel-go ``pkg/actions``: header ``ZITADEL-Signature``,
    ``t``/``v1`` parts, 300 s tolerance): any ``v1`` that matches is accepted.
    """

    key: str = field(repr=False)
    tolerance_s: float = DEFAULT_TOLERANCE_S
    kind: str = "zitadel-signature"

    def check(self, headers: Mapping[str, str], body: bytes, now: float) -> Verdict:
        header = headers.get("ZITADEL-Signature")
        if not header:
            return MISSING
        stamp, signatures = "", []
        for part in header.split(","):
            name, _, value = part.strip().partition("=")
            if name == "t":
                stamp = value
            elif name == "v1":
                signatures.append(value)
        if not stamp.isdigit() or not signatures:
            return Verdict(False, "malformed signature")
        if abs(now - int(stamp)) > self.tolerance_s:
            return Verdict(False, "stale signature")
        expected = _sign_hex(self.key.encode(), stamp.encode() + b"." + body)
        matched = [sig for sig in signatures if same(sig, expected)]
        if not matched:
            return WRONG
        return Verdict(True, delivery_id=f"zitadel:{matched[0]}")

    def secrets(self) -> list[str]:
        return [self.key]


def webhook_secret_bytes(secret: str) -> bytes:
    """The key of a Standard Webhooks secret: ``v1,whsec_<base64>`` or ``whsec_<base64>``.

    Raises ValueError when it is not base64 (the message names no part of it).
    """
    text = secret.strip()
    text = text.removeprefix("v1,")
    text = text.removeprefix("whsec_")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("a Standard Webhooks secret is v1,whsec_ followed by base64") from None


@dataclass(frozen=True)
class StandardWebhooks:
    """Standard Webhooks' signature (Supabase Auth's hooks): ``webhook-id``,
    ``webhook-timestamp`` (unix seconds) and ``webhook-signature`` (space-separated
    ``v1,<base64>``) over ``"<id>.<timestamp>.<raw body>"``, HMAC-SHA256 with the secret's bytes.
    """

    secret: str = field(repr=False)
    tolerance_s: float = DEFAULT_TOLERANCE_S
    kind: str = "standard-webhooks"

    def __post_init__(self) -> None:
        webhook_secret_bytes(self.secret)  # refuse a malformed secret when the config is read

    def sign(self, delivery_id: str, timestamp: int, body: bytes) -> str:
        """The ``webhook-signature`` value a sender with this secret writes (for tests, docs)."""
        message = f"{delivery_id}.{timestamp}.".encode() + body
        digest = hmac.new(webhook_secret_bytes(self.secret), message, hashlib.sha256).digest()
        return "v1," + base64.b64encode(digest).decode()

    def check(self, headers: Mapping[str, str], body: bytes, now: float) -> Verdict:
        delivery_id = headers.get("webhook-id")
        stamp = headers.get("webhook-timestamp")
        header = headers.get("webhook-signature")
        if not delivery_id or not stamp or not header:
            return MISSING
        if not stamp.isdigit():
            return Verdict(False, "malformed signature")
        if abs(now - int(stamp)) > self.tolerance_s:
            return Verdict(False, "stale signature")
        expected = self.sign(delivery_id, int(stamp), body).encode()
        found = False
        for candidate in header.split():
            # compare every candidate: the time taken does not tell which one matched
            found |= candidate.startswith("v1,") and same(candidate.encode(), expected)
        if not found:
            return WRONG
        return Verdict(True, delivery_id=f"webhook:{delivery_id}")

    def secrets(self) -> list[str]:
        return [self.secret, self.secret.strip().removeprefix("v1,")]
