"""One ``async def`` body for a sync and an async entry point: the async one awaits it; the sync
one gives it sync steps wrapped as coroutines that never wait (``never_waits``) and runs it to
the end at once (``run_now``), with no event loop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def never_waits(step: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """``step`` as a coroutine function that runs it and returns, never suspending."""

    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return step(*args, **kwargs)

    return run


def run_now(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine whose every await is a ``never_waits`` step; its result."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    coroutine.close()
    raise RuntimeError("run_now: the coroutine waited for something (an async step in a sync call)")
