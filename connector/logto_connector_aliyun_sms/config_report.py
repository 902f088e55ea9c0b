"""``check_config``: a config's errors and warnings, each placed at its field, as JSON.

Errors are exactly ``validate_config``'s problems (the same verdict, the same words); warnings
are what passes Logto yet will fail or surprise at the first send (see ``config_warnings``).
"""

from __future__ import annotations

from typing import Any

from .config import (
    _parse,
    _path_text,
    config_problems,
    missing_usage_text,
    validate_config,
    without_blank_options,
)
from .config_warnings import config_warnings, problem
from .kit import ConnectorError


def check_config(config: Any, language: str = "en") -> dict[str, Any]:
    """Check a config (a dict, or JSON text) for a form: ``{"valid", "errors", "warnings"}``.

    ``valid`` is ``validate_config``'s verdict. Each error and warning is
    ``{"pointer": "/templates/0/templateCode", "key": "templates", "message": ...}``: the JSON
    Pointer of the value and the form item it belongs to (``""`` for the config as a whole).
    Error messages are ``validate_config``'s (English); warnings come in ``language`` (any
    BCP 47 tag, see ``resolve_language``). No message quotes a value of the config.
    """
    try:
        parsed = _parse(config)
    except ConnectorError as error:  # not JSON text: one problem, the config as a whole
        return {"valid": False, "errors": [_root(error)], "warnings": []}
    errors: list[dict[str, str]] = []
    try:
        validate_config(parsed)
    except ConnectorError as error:
        errors = _errors(parsed, error)
    warnings = config_warnings(parsed, language) if isinstance(parsed, dict) else []
    return {"valid": not errors, "errors": errors, "warnings": warnings}


def _root(error: ConnectorError) -> dict[str, str]:
    data = error.data if isinstance(error.data, dict) else {}
    return problem([], str(data.get("message", error.code.value)))


def _errors(config: Any, error: ConnectorError) -> list[dict[str, str]]:
    """``validate_config``'s problems, placed: the same list, each with its pointer and key."""
    data = error.data if isinstance(error.data, dict) else {}
    listed = data.get("errors") or []
    if not isinstance(config, dict) or (listed[:1] and listed[0].get("path") == "(root)"):
        return [_root(error)]  # not an object, or nested too deep
    found, missing, _ = config_problems(without_blank_options(config))
    errors = [problem(path, f"{_path_text(path)} {message}") for path, message in found]
    if missing:
        errors.append(problem(["templates"], missing_usage_text(missing)))
    return errors[: len(listed)] if listed else errors
