"""The SDK's request as it may go on the wire: its body as bytes, its headers checked.

A header value must be Latin-1 text without control characters (a line break would start a
header line of its own): anything else is :class:`~.failures.CannotSend` before a connection is
opened, on both paths (h11 and aiohttp refuse line breaks too; this makes the two paths agree on
every other character, and says which header).
"""

from __future__ import annotations

import re
from typing import Any

from .failures import CannotSend

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def body_bytes(request: Any) -> bytes:
    """The request's body: none, text (UTF-8), bytes, or a darabonba stream of byte chunks."""
    body = request.body
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    return b"".join(body)


def header_bytes(headers: dict[str, Any]) -> list[tuple[bytes, bytes]]:
    """The headers as Latin-1 bytes; CannotSend (naming the header, never its value) otherwise."""
    pairs = []
    for name, value in headers.items():
        text = str(value)
        try:
            pair = (name.encode("latin-1"), text.encode("latin-1"))
        except UnicodeEncodeError:
            raise CannotSend(
                f"the header {_name(name)} holds a character outside Latin-1"
            ) from None
        if _CONTROL.search(text) or _CONTROL.search(name):
            raise CannotSend(f"the header {_name(name)} holds a control character (a line break?)")
        pairs.append(pair)
    return pairs


def _name(name: str) -> str:
    return repr(name.encode("ascii", "backslashreplace").decode("ascii"))
