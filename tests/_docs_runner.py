"""Run one docs page's Python samples, in order, in one namespace: ``python _docs_runner.py FILE``.

FILE is JSON, ``[{"where": "docs/en/x.md:12", "code": "..."}, ...]``. Each block is executed as
written. A block that defines ``test_*`` functions, as the pytest samples do, has them called
right after it, with the fixtures the sandbox's pytest plugin gives (``aliyun_sms_sandbox``: a
sandbox reset for the test), so a pytest sample runs rather than only compiles. Exits 1, naming
the block, at the first failure.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import sys
import traceback
from contextlib import ExitStack
from typing import Any

FIXTURES = ("aliyun_sms_sandbox",)


def _call_test(function: Any, stack: ExitStack, sandboxes: list[Any]) -> None:
    names = list(inspect.signature(function).parameters)
    unknown = [name for name in names if name not in FIXTURES]
    if unknown:
        raise TypeError(f"{function.__name__} asks for fixtures the runner lacks: {unknown}")
    kwargs: dict[str, Any] = {}
    if names:
        if not sandboxes:
            from aliyun_sms_sandbox import Sandbox

            sandboxes.append(stack.enter_context(Sandbox()))
        sandboxes[0].reset()
        kwargs["aliyun_sms_sandbox"] = sandboxes[0]
    result = function(**kwargs)
    if inspect.iscoroutine(result):
        asyncio.run(result)


def run(blocks: list[dict[str, str]]) -> int:
    namespace: dict[str, Any] = {"__name__": "__main__"}
    sandboxes: list[Any] = []
    with ExitStack() as stack:
        for block in blocks:
            before = dict(namespace)
            try:
                exec(compile(block["code"], block["where"], "exec"), namespace)  # noqa: S102
                for name, value in list(namespace.items()):
                    new = before.get(name) is not value
                    if name.startswith("test_") and callable(value) and new:
                        _call_test(value, stack, sandboxes)
            except BaseException:
                print(f"sample failed: {block['where']}", file=sys.stderr)
                traceback.print_exc()
                return 1
    return 0


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as file:
        sys.exit(run(json.load(file)))
