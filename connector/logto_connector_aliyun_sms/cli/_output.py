"""What every command shares: exit codes (one table), errors, and output that masks secrets."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import textwrap
from dataclasses import dataclass, field
from typing import Any, NoReturn

from ..kit import ConnectorError
from ..redact import MIN_SECRET_LENGTH, scrub

PROG = "aliyun-sms"

EXIT_OK = 0
EXIT_CONNECTOR_ERROR = 1
EXIT_USAGE = 2
EXIT_INVALID_CONFIG = 3
EXIT_OUTPUT = 74  # EX_IOERR
EXIT_INTERRUPTED = 130
EXIT_STDOUT_CLOSED = 141  # 128 + SIGPIPE

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "success",
    EXIT_CONNECTOR_ERROR: "connector error: the send or the usage query failed",
    EXIT_USAGE: "usage error: bad arguments, unreadable file, unknown language tag",
    EXIT_INVALID_CONFIG: "invalid config: the config fails validation (nothing was sent)",
    EXIT_OUTPUT: "the output cannot be written (e.g. a full disk)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
    EXIT_STDOUT_CLOSED: "stdout closed early (e.g. `| head -1`)",
}
"""Every exit code of ``aliyun-sms`` and what it means; every help text is rendered from it."""


def exit_codes_help(codes: dict[int, str | None] | None = None) -> str:
    """The ``exit codes:`` section of a help text: ``codes`` maps each code a command can end
    with to its own meaning (None: the table's); no ``codes``: the whole table."""
    chosen = codes if codes is not None else dict.fromkeys(EXIT_CODES)
    lines = [f"  {code:<4} {meaning or EXIT_CODES[code]}" for code, meaning in chosen.items()]
    return "exit codes:\n" + "\n".join(lines)


def wrap(text: str) -> str:
    """A help paragraph wrapped to the terminal's usual width."""
    return textwrap.fill(text, width=78)


class UsageError(Exception):
    """Bad arguments or an unreadable file: exit 2."""

    def __init__(self, message: str, command: str = PROG, hint: str | None = None) -> None:
        super().__init__(message)
        self.command = command
        self.hint = hint or f"see `{command} --help`"


class Failure(Exception):
    """A ConnectorError and the exit code it ends the command with."""

    def __init__(self, error: ConnectorError, exit_code: int, hint: str | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.exit_code = exit_code
        self.hint = hint


def connector_failure(error: ConnectorError) -> Failure:
    """A send or a query that failed: exit 1, with the error's own hint."""
    return Failure(error, EXIT_CONNECTOR_ERROR)


class OutputClosed(Exception):
    """stdout cannot be written: closed by its reader (``| head``) or failing (a full disk)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are exceptions, so ``main`` can format them (and --json)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, self.prog)


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free port) to 65535."""
    port = int(text) if text.isdigit() else -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 0 to 65535, not {text!r}")
    return port


def silence_stdout() -> None:
    """Point the real stdout at the null device, so the interpreter's last flush cannot fail."""
    real = sys.__stdout__
    if real is None or sys.stdout is not real:
        return  # a test's capture, or a caller's own stream: leave it alone
    try:
        fd = real.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError):
        return
    os.dup2(devnull, fd)
    os.close(devnull)


_MAX_WHAT = 400


def one_line(text: str) -> str:
    """``text`` on one line, at most 400 characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_WHAT else text[: _MAX_WHAT - 3] + "..."


@dataclass
class Output:
    """Writes results and errors as text or JSON, masking every known secret."""

    as_json: bool = False
    secrets: set[str] = field(default_factory=set)

    def add_secret(self, value: Any) -> None:
        """Remember a value that must never be printed: its text, and every string inside it."""
        if value is None or isinstance(value, bool):
            return
        if isinstance(value, (dict, list)):
            for item in value.values() if isinstance(value, dict) else value:
                self.add_secret(item)
        texts = {value} if isinstance(value, str) else {str(value), repr(value)}
        self.secrets.update(text for text in texts if len(text) >= MIN_SECRET_LENGTH)

    def mask(self, value: Any) -> Any:
        """``value`` with every known secret replaced by ``***``, in every string inside it."""
        return scrub(value, self.secrets)

    def text(self, line: str = "") -> None:
        """A line of the human result on stdout (ignored with --json)."""
        if not self.as_json:
            self._print(self.mask(line))

    def emit_json(self, obj: Any) -> None:
        """One JSON document on stdout."""
        self._print(json.dumps(self.mask(obj), ensure_ascii=False, indent=2, default=str))

    @staticmethod
    def _print(text: str) -> None:
        try:
            print(text, flush=True)
        except OSError as exc:
            raise OutputClosed(exc) from None

    def result(self, obj: dict[str, Any]) -> None:
        """The JSON result (with --json only): ``{"ok": true, ...}``."""
        if self.as_json:
            self.emit_json({"ok": True, **obj})

    def failure(
        self, code: str, what: str, hint: str, exit_code: int, data: Any, details: list[str]
    ) -> int:
        """Report a failure; returns ``exit_code``."""
        if self.as_json:
            self.emit_json(
                {
                    "ok": False,
                    "code": code,
                    "message": what,
                    "hint": hint,
                    "exitCode": exit_code,
                    "data": data,
                }
            )
        else:
            lines = [f"error: {code}: {one_line(what)} — {hint}"]
            lines += [f"  {one_line(detail)}" for detail in details]
            with contextlib.suppress(OSError):  # stderr gone too: the exit code says it all
                print(self.mask("\n".join(lines)), file=sys.stderr, flush=True)
        return exit_code
