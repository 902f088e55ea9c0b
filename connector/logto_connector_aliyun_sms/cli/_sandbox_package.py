"""The sandbox distribution, for the commands that need it; one line when it is not installed."""

from __future__ import annotations

import importlib
from types import ModuleType

from ._output import UsageError

# neither distribution is on an index yet: the commands that work (the README's Install)
INSTALL_HINT = (
    "pip install ./sandbox '.[sandbox]' at the root of a clone of the repository, "
    "or the wheel dist/logto_aliyun_sms_sandbox-*.whl that `make dist` builds"
)


def sandbox_module(name: str, command: str) -> ModuleType:
    """``aliyun_sms_sandbox`` (or one of its modules); UsageError naming the extra when absent."""
    try:
        return importlib.import_module(f"aliyun_sms_sandbox{'.' + name if name else ''}")
    except ImportError:
        raise UsageError(
            "the sandbox is not installed",
            command,
            hint=f"install the sandbox: {INSTALL_HINT}",
        ) from None
