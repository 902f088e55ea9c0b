"""Who is calling: ACS3-HMAC-SHA256 (``Authorization`` header) or RPC v1 (``Signature`` param).

Answers as Aliyun's gateway does: unknown AccessKeyId 404, everything else 400.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from . import signing
from .answers import Answer, missing, pop_error
from .models import Account
from .state import SandboxState

Scheme = Literal["ACS3", "V1"]
MAX_SKEW = 15 * 60
_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z")


@dataclass
class Incoming:
    """A request as the wire delivered it, decoded but not yet trusted."""

    method: str
    path: str
    query: list[tuple[str, str]]
    form: list[tuple[str, str]]
    headers: Mapping[str, str]  # lower-case names; repeated headers joined by ","
    body: bytes = b""
    params: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.params = dict(self.query)
        self.params.update(self.form)

    @property
    def scheme(self) -> Scheme | None:
        """Which signature scheme the request uses, if any."""
        if "authorization" in self.headers:
            return "ACS3"
        if "Signature" in self.params or "AccessKeyId" in self.params:
            return "V1"
        return None


@lru_cache(maxsize=1024)
def parse_timestamp(text: str) -> float | None:
    """Epoch seconds of an ISO 8601 UTC timestamp (``2024-05-01T08:00:00Z``), or None."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    parts = [int(x) for x in match.groups()]
    if not (1 <= parts[1] <= 12 and 1 <= parts[2] <= 31 and parts[3] < 24 and parts[4] < 60):
        return None
    return float(calendar.timegm((*parts, 0, 0, 0)))


def authenticate(incoming: Incoming, state: SandboxState) -> Account | Answer:
    """The calling account, or the gateway's refusal. Call with ``state.lock`` held."""
    scheme = incoming.scheme
    if scheme == "ACS3":
        return _acs3(incoming, state)
    if scheme == "V1":
        return _rpc_v1(incoming, state)
    return missing("AccessKeyId")


def _account(state: SandboxState, access_key_id: str) -> Account | Answer:
    account = state.account(access_key_id)
    if account is None:
        return pop_error(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
    if not account.enabled:
        return pop_error(400, "InvalidAccessKeyId.Inactive", "Specified access key is disabled.")
    return account


def _fresh(state: SandboxState, stamp: str) -> float | Answer:
    when = parse_timestamp(stamp)
    if when is None:
        return pop_error(
            400,
            "InvalidTimeStamp.Format",
            "Specified time stamp or date value is not well formatted.",
        )
    now = state.clock.signing_time()  # not the business clock: tests move that one freely
    if abs(now - when) > MAX_SKEW:
        return pop_error(
            400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."
        )
    return now


def _incomplete(detail: str) -> Answer:
    return pop_error(
        400,
        "IncompleteSignature",
        f"The request signature does not conform to Aliyun standards. {detail}",
    )


def _mismatch(string_to_sign: str) -> Answer:
    return pop_error(
        400,
        "SignatureDoesNotMatch",
        "Specified signature is not matched with our calculation. "
        f"server string to sign is:{string_to_sign}",
    )


def _acs3(incoming: Incoming, state: SandboxState) -> Account | Answer:
    headers = incoming.headers
    parsed = signing.parse_acs3_authorization(headers["authorization"])
    if parsed is None:
        return _incomplete(
            "Authorization must be ACS3-HMAC-SHA256 Credential=,SignedHeaders=,Signature="
        )
    account = _account(state, parsed.access_key_id)
    if isinstance(account, Answer):
        return account
    for name in signing.REQUIRED_SIGNED_HEADERS:
        if name not in parsed.signed_headers:
            return _incomplete(f"SignedHeaders must include {name}.")
        if name not in headers:
            return _incomplete(f"The signed header {name} is absent.")
    now = _fresh(state, headers["x-acs-date"])
    if isinstance(now, Answer):
        return now
    payload_hash = hashlib.sha256(incoming.body).hexdigest()
    if headers["x-acs-content-sha256"].strip().lower() != payload_hash:
        return pop_error(
            400,
            "SignatureDoesNotMatch",
            "The x-acs-content-sha256 header does not match the SHA-256 of the request body.",
        )
    canonical = signing.acs3_canonical_request(
        incoming.method, incoming.path, incoming.query, headers, parsed.signed_headers, payload_hash
    )
    string_to_sign = signing.acs3_string_to_sign(canonical)
    expected = signing.acs3_signature(account.access_key_secret, string_to_sign)
    if not hmac.compare_digest(expected, parsed.signature):
        return _mismatch(string_to_sign)
    if not state.use_nonce(account.access_key_id, headers["x-acs-signature-nonce"], now):
        return pop_error(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
    return account


def _rpc_v1(incoming: Incoming, state: SandboxState) -> Account | Answer:
    params = incoming.params
    for name in ("AccessKeyId", "Signature", "SignatureMethod", "SignatureNonce", "Timestamp"):
        if not params.get(name):
            return missing(name)
    account = _account(state, params["AccessKeyId"])
    if isinstance(account, Answer):
        return account
    if params["SignatureMethod"] != "HMAC-SHA1":
        return pop_error(
            400, "InvalidSignatureMethod", "Specified signature method is not supported."
        )
    if params.get("SignatureVersion", "1.0") != "1.0":
        return pop_error(
            400, "InvalidSignatureVersion", "Specified signature version is not supported."
        )
    now = _fresh(state, params["Timestamp"])
    if isinstance(now, Answer):
        return now
    expected = signing.rpc_v1_signature(account.access_key_secret, incoming.method, params)
    if not hmac.compare_digest(expected.encode(), params["Signature"].encode()):
        return _mismatch(signing.rpc_v1_string_to_sign(incoming.method, params))
    if not state.use_nonce(account.access_key_id, params["SignatureNonce"], now):
        return pop_error(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
    return account
