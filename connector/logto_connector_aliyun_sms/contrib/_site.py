"""Which connector the app uses and its config: ``ALIYUN_SMS_CONNECTOR`` names it by its Logto
id (SendSms by default, or the Message Authentication Service's), ``ALIYUN_SMS`` holds its
config (a dict, JSON text or a path), validated by that connector."""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import logto_connector_aliyun_sms as aliyun_sms

from .. import mas

#: The setting (Django) or config key (Flask) that holds the connector config.
SETTING = "ALIYUN_SMS"
#: The setting (Django) or config key (Flask) naming the connector by its Logto id.
CONNECTOR_SETTING = "ALIYUN_SMS_CONNECTOR"
#: Logto's ids of the two connectors: SendSms (the default) and the Message Authentication
#: Service (``logto_connector_aliyun_sms.mas``).
SMS_ID = aliyun_sms.METADATA["id"]
MAS_ID = mas.CONNECTOR_ID


class ConfigProblems(Exception):
    """``ALIYUN_SMS`` (or ``ALIYUN_SMS_CONNECTOR``) cannot be used; ``problems`` lists
    ``(path, message)`` pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


_SHAPES = "give the connector config as a dict, JSON text or the path of a JSON file"


def _read(value: Any, setting: str) -> tuple[Any, str]:
    """The raw config from a dict, JSON text or a file path, and the path prefix for errors."""
    if isinstance(value, Mapping):
        return dict(value), setting
    if isinstance(value, (str, os.PathLike)):
        text = os.fspath(value)
        if isinstance(text, str) and text.lstrip().startswith("{"):
            try:
                return json.loads(text), setting
            except ValueError as exc:
                raise ConfigProblems([(setting, f"is not valid JSON ({exc})")]) from None
        where = f"{setting} ({text})"
        try:
            return json.loads(Path(text).read_text(encoding="utf-8")), where
        except OSError as exc:
            raise ConfigProblems([(setting, f"cannot read {text}: {exc.strerror}")]) from None
        except ValueError as exc:
            raise ConfigProblems([(where, f"is not valid JSON ({exc})")]) from None
    if value is None:
        raise ConfigProblems([(setting, f"is not set: {_SHAPES}")])
    raise ConfigProblems([(setting, f"is a {type(value).__name__}: {_SHAPES}")])


class Connector(NamedTuple):
    """One of the package's connectors, as the adapters use it: its Logto id, its config
    check, its sends and the numbers it serves."""

    id: str
    validate: Callable[[Any], Mapping[str, Any]]
    send: Callable[[Any, Any], Mapping[str, Any]]
    send_async: Callable[[Any, Any], Awaitable[Mapping[str, Any]]]
    check: Callable[[Any, str], dict[str, Any]]

    @property
    def is_mas(self) -> bool:
        """The Message Authentication Service connector (mainland numbers only)."""
        return self.id == MAS_ID


CONNECTORS: dict[str, Connector] = {
    SMS_ID: Connector(
        SMS_ID,
        aliyun_sms.validate_config,
        aliyun_sms.send_message,
        aliyun_sms.send_message_async,
        aliyun_sms.check_config,
    ),
    MAS_ID: Connector(
        MAS_ID, mas.validate_config, mas.send_message, mas.send_message_async, mas.check_config
    ),
}


def connector_for(name: Any, setting: str = CONNECTOR_SETTING) -> Connector:
    """The connector ``name`` (a Logto id) names; the SendSms one when it is None.

    Raises ConfigProblems for anything else, naming the ids there are.
    """
    if name is None:
        return CONNECTORS[SMS_ID]
    if isinstance(name, str) and name in CONNECTORS:
        return CONNECTORS[name]
    ids = " or ".join(repr(known) for known in CONNECTORS)
    shown = repr(name) if isinstance(name, str) else f"a {type(name).__name__}"
    raise ConfigProblems([(setting, f"is {shown}: name a connector by its Logto id, {ids}")])


class Site(NamedTuple):
    """The app's connector and its validated config."""

    connector: Connector
    config: dict[str, Any]


def load_config(
    value: Any, setting: str = SETTING, connector: Connector | None = None
) -> dict[str, Any]:
    """The validated config of ``connector`` (SendSms by default) from ``value`` (a dict, JSON
    text or a path).

    Raises ConfigProblems whose pairs name each problem's place, e.g.
    ``("ALIYUN_SMS.templates[0].templateCode", "is required")``.
    """
    raw, where = _read(value, setting)
    validate = (connector or CONNECTORS[SMS_ID]).validate
    try:
        return dict(validate(raw))
    except aliyun_sms.ConnectorError as exc:
        errors = (exc.data or {}).get("errors") or [{"path": "", "message": str(exc)}]
        raise ConfigProblems(
            [(f"{where}.{e['path']}" if e.get("path") else where, e["message"]) for e in errors]
        ) from None


def load_site(value: Any, name: Any) -> Site:
    """The connector ``name`` names (``ALIYUN_SMS_CONNECTOR``) with its config from ``value``
    (``ALIYUN_SMS``); raises ConfigProblems."""
    connector = connector_for(name)
    return Site(connector, load_config(value, connector=connector))


def config_warnings(value: Any, name: Any) -> list[tuple[str, str]]:
    """``(path, message)`` for what the connector's ``check_config`` warns about in a valid
    config (Aliyun would refuse it although Logto accepts it); empty when it is invalid."""
    try:
        site = load_site(value, name)
    except ConfigProblems:
        return []
    report = site.connector.check(site.config, "en")
    return [
        (f"{SETTING}{_pointer_path(w.get('pointer', ''))}", str(w.get("message")))
        for w in report.get("warnings", [])
    ]


def _pointer_path(pointer: str) -> str:
    """``/templates/0/templateCode`` -> ``.templates[0].templateCode``."""
    parts = [p for p in pointer.split("/") if p]
    return "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in parts)
