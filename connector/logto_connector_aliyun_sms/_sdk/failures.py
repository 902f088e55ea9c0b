"""How a transport says where a send failed: before anything left, after, or in the answer.

The connector's transports (sync and async) raise these instead of the SDK's bare ``RetryError``,
so the retry rule is decided from where the failure happened, never from an error's text.
"""

from __future__ import annotations

from darabonba.exceptions import RetryError

MAX_ANSWER_BYTES = 1 << 20  # 1 MiB: Aliyun's answers are a few hundred bytes


class TransportFailure(RetryError):  # type: ignore[misc]
    """A send that got no usable answer. ``maybe_sent``: the request may have reached Aliyun."""

    maybe_sent = True
    malformed = False
    surely_not_sent = False


class NotSent(TransportFailure):
    """Nothing was written: connection refused, DNS, proxy refused, TLS handshake, connect
    timeout, or a reused connection found closed before the request was whole."""

    maybe_sent = False
    surely_not_sent = True
    retry = True


class CannotSend(NotSent):
    """The request cannot be made at all (a header value with a line break or a character
    outside Latin-1, an unreadable ``SSL_CERT_FILE``): nothing left, and trying again would fail
    the same way, so it is never retried."""

    retry = False


class MaybeSent(TransportFailure):
    """The whole request was written, then the answer failed (timeout, reset, TLS error)."""


class BadAnswer(TransportFailure):
    """An answer that is not one: a redirect, more than ``MAX_ANSWER_BYTES``, not HTTP."""

    malformed = True
