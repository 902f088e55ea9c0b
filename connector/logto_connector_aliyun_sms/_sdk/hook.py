"""Replace one of the SDK's transport functions (``DaraCore.do_action`` and its async twin), once.

The replacement routes the connector's own calls to its transport and hands every other call to
the SDK's original, which this returns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from darabonba.core import DaraCore

_originals: dict[str, Any] = {}
_lock = threading.Lock()  # two threads installing at once must not wrap the wrapper


def wrap_once(name: str, replacement: Callable[..., Any]) -> Any:
    """Put ``replacement`` in place of ``DaraCore.<name>`` (the first time); the SDK's original."""
    with _lock:
        if name not in _originals:
            _originals[name] = getattr(DaraCore, name)
            setattr(DaraCore, name, staticmethod(replacement))
        return _originals[name]
