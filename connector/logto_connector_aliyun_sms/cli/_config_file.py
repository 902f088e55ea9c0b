"""Config files for the CLI: read (a path or stdin), credentials filled from the environment."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import PreparedConfig, prepare_config, validate_config
from ..kit import ConnectorError
from ._output import EXIT_INVALID_CONFIG, Failure, Output, UsageError

ENV_ACCESS_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ENV_ACCESS_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"  # noqa: S105 - a variable name
CREDENTIAL_ENV = {"accessKeyId": ENV_ACCESS_KEY_ID, "accessKeySecret": ENV_ACCESS_KEY_SECRET}

CREDENTIALS_HELP = f"""\
credentials:
  accessKeyId and accessKeySecret come from the config file. When the file lacks
  one (absent or ""), the environment fills it: {ENV_ACCESS_KEY_ID},
  {ENV_ACCESS_KEY_SECRET}. The file wins when both are set.
  No command prints the config's secret or the environment's."""


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    """``--config CONFIG.json`` (or - for stdin), as ``send`` and ``usage`` take it."""
    parser.add_argument(
        "--config", required=True, metavar="CONFIG.json", help="config file, or - for stdin"
    )


@dataclass
class LoadedConfig:
    """A config read from a file (or stdin), with where its credentials came from."""

    config: Any
    sources: dict[str, str]  # accessKeyId/accessKeySecret -> "file" | "environment" | "missing"
    name: str

    def from_environment(self) -> list[str]:
        """The credential keys the environment filled."""
        return [key for key, source in self.sources.items() if source == "environment"]


def _read(path: str) -> bytes:
    if path == "-":
        return (
            sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
        )
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(
            f"cannot read config file {path}: {exc.strerror or exc}",
            hint="check the path (or give - to read the config from stdin)",
        ) from None


def load_config(path: str, out: Output, *, use_env: bool) -> LoadedConfig:
    """Read a config file; with ``use_env``, fill absent credentials from the environment.

    Raises UsageError when the file cannot be read, Failure(exit 3) when it is not JSON.
    """
    raw = _read(path)
    name = "stdin" if path == "-" else path
    try:
        config: Any = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        try:
            validate_config(raw)  # raises the standard INVALID_CONFIG error for bad JSON
        except ConnectorError as error:
            where = "" if path == "-" else f" {path}"
            hint = (
                f"fix the JSON where the message says (`python3 -m json.tool{where}` shows it), "
                "and keep it UTF-8"
            )
            raise Failure(error, EXIT_INVALID_CONFIG, hint) from None
        raise  # pragma: no cover - validation always refuses what json.loads refused
    sources: dict[str, str] = {}
    if isinstance(config, dict):
        out.add_secret(config.get("accessKeySecret"))
        for key, env_name in CREDENTIAL_ENV.items():
            env_value = os.environ.get(env_name) if use_env else None
            if key == "accessKeySecret":
                out.add_secret(env_value)
            if config.get(key) not in (None, ""):
                sources[key] = "file"
            elif env_value:
                config[key] = env_value
                sources[key] = "environment"
            else:
                sources[key] = "missing"
    return LoadedConfig(config, sources, name)


def _credentials_hint(loaded: LoadedConfig, use_env: bool) -> str | None:
    missing = [key for key, source in loaded.sources.items() if source == "missing"]
    if not missing:
        return None
    names = " / ".join(CREDENTIAL_ENV[key] for key in missing)
    if use_env:
        return f"add {' and '.join(missing)} to the config file, or set {names}"
    return f"add {' and '.join(missing)} to the config file (or pass --env to take it from {names})"


def checked_config(
    loaded: LoadedConfig,
    *,
    use_env: bool,
    hint: str | None = None,
    prepare: Callable[[Any], Any] = prepare_config,
) -> PreparedConfig:
    """Validate a loaded config (schema and endpoint) or raise Failure(exit 3); ``prepare`` is
    the connector's (the SendSms one by default, ``--connector`` may name the MAS one)."""
    try:
        prepared: PreparedConfig = prepare(loaded.config)
        return prepared
    except ConnectorError as error:
        hint = _credentials_hint(loaded, use_env) or hint
        raise Failure(error, EXIT_INVALID_CONFIG, hint) from None
