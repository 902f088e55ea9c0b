"""The config file behind the console: read once, the secret kept here, saved atomically (0600)."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import without_blank_options
from ..texts import METADATA

MASK = "\u2022" * 10
"""What the page shows for a saved secret: never a real secret (those are ASCII)."""
FORM_KEYS = tuple(item["key"] for item in METADATA["formItems"])
SECRET_KEY = "accessKeySecret"  # noqa: S105 - the key's name


@dataclass
class ConfigStore:
    """The config file: what it holds, and the one place the saved secret lives."""

    path: Path
    config: dict[str, Any] = field(default_factory=dict)
    exists: bool = False
    load_error: str | None = None

    @classmethod
    def open(cls, path: str | Path, prefill: dict[str, Any] | None = None) -> ConfigStore:
        """Read ``path`` if it exists; ``prefill`` (e.g. the sandbox's config) when it does not."""
        store = cls(Path(path).expanduser().absolute())
        try:
            text = store.path.read_text("utf-8")
        except FileNotFoundError:
            store.config = dict(prefill or {})
            return store
        except (OSError, UnicodeDecodeError) as error:
            store.load_error = type(error).__name__
            return store
        store.exists = True
        try:
            loaded = json.loads(text)
        except ValueError as error:
            store.load_error = f"not JSON: {type(error).__name__}"
            return store
        if isinstance(loaded, dict):
            store.config = loaded
        else:
            store.load_error = "not a JSON object"
        return store

    @property
    def secret(self) -> str | None:
        """The saved secret, or None."""
        value = self.config.get(SECRET_KEY)
        return value if isinstance(value, str) and value else None

    def form_values(self) -> dict[str, Any]:
        """The form's starting values: the file's form keys, the secret replaced by ``MASK``."""
        values = {key: self.config[key] for key in FORM_KEYS if key in self.config}
        if self.secret is not None:
            values[SECRET_KEY] = MASK
        return values

    def unmask(self, config: dict[str, Any]) -> dict[str, Any]:
        """The form's config with ``MASK`` (an untouched secret field) back to the saved secret."""
        if config.get(SECRET_KEY) != MASK:
            return dict(config)
        return {**config, SECRET_KEY: self.secret or ""}

    def save(self, config: dict[str, Any]) -> None:
        """Write the form's config (the file's other keys kept), mode 0600, atomically."""
        merged = {k: v for k, v in self.config.items() if k not in FORM_KEYS}
        merged.update(without_blank_options(config))
        text = json.dumps(merged, ensure_ascii=False, indent=2) + "\n"
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(6)}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        os.chmod(self.path, 0o600)
        self.config, self.exists, self.load_error = merged, True, None
