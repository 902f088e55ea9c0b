"""on_delivery: the host's callbacks, called once for each distinct delivery report received."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import Any

from .report import DeliveryReport

DeliveryCallback = Callable[[DeliveryReport], Awaitable[None] | None]
"""``callback(report)``: a function or a coroutine function."""

_callbacks: list[DeliveryHook] = []
_lock = threading.Lock()


class DeliveryHook:
    """A registered callback: call ``remove()`` to stop it; calling the hook calls the callback
    (so ``@on_delivery`` leaves the decorated function usable)."""

    def __init__(self, callback: DeliveryCallback) -> None:
        self.callback = callback

    def __repr__(self) -> str:
        return f"DeliveryHook({getattr(self.callback, '__qualname__', self.callback)!r})"

    def __call__(self, report: DeliveryReport) -> Any:
        return self.callback(report)

    def remove(self) -> None:
        """Stop calling this callback (again: nothing happens)."""
        with _lock:
            if self in _callbacks:
                _callbacks.remove(self)


def on_delivery(callback: DeliveryCallback) -> DeliveryHook:
    """Call ``callback(report)`` for each distinct report a ``DeliveryReceiver`` receives.

    ``callback`` may be sync or async; an exception makes the receiver answer Aliyun with a
    failure, so that Aliyun pushes the receipt again and the report is handled on the retry.
    Returns a hook: ``hook.remove()`` unregisters it. Usable as a decorator.
    """
    if not callable(callback):
        raise TypeError(f"on_delivery needs a callable, not {callback!r}")
    hook = DeliveryHook(callback)
    with _lock:
        _callbacks.append(hook)
    return hook


def hooks() -> list[DeliveryHook]:
    """The registered hooks, in registration order (a copy)."""
    with _lock:
        return list(_callbacks)


def clear_hooks() -> None:
    """Remove every callback (for tests)."""
    with _lock:
        _callbacks.clear()


def notify(report: DeliveryReport) -> None:
    """Call every callback with ``report`` (an async one runs to completion); the first
    exception propagates, after the other callbacks ran."""
    failure: BaseException | None = None
    for hook in hooks():
        try:
            result = hook.callback(report)
            if isinstance(result, Awaitable):
                import asyncio  # only for an async callback: the package imports no asyncio

                asyncio.run(_awaited(result))
        except Exception as exc:  # every callback gets the report; the first failure is told
            failure = failure or exc
    if failure is not None:
        raise failure


async def notify_async(report: DeliveryReport) -> None:
    """``notify`` in an event loop: async callbacks awaited, sync ones called."""
    failure: BaseException | None = None
    for hook in hooks():
        try:
            result = hook.callback(report)
            if isinstance(result, Awaitable):
                await result
        except Exception as exc:
            failure = failure or exc
    if failure is not None:
        raise failure


async def _awaited(result: Awaitable[None]) -> None:
    await result
