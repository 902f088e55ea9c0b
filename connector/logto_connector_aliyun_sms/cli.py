"""The ``aliyun-sms`` command line: inspect, validate and test the Aliyun SMS connector.

Subcommands: ``metadata``, ``schema``, ``validate``, ``send``, ``usage``, ``demo`` and
``sandbox``. Every one has ``--help``. Also runs as ``python -m logto_connector_aliyun_sms``.

Exit codes:

- 0: success.
- 1: connector error: the send or the usage query failed (Aliyun refused, network trouble...).
- 2: usage error: bad arguments, an unreadable file, an unknown language tag.
- 3: invalid config: the config fails validation (``validate``, or ``send``/``usage`` before
  anything is sent).
- 74: the output cannot be written (stdout is a full disk, a closed file...).
- 130: interrupted (Ctrl-C), except ``demo --keep``, which Ctrl-C ends normally.
- 141: stdout was closed early (``aliyun-sms metadata | head -1``): the command stops quietly,
  as a program stopped by SIGPIPE does.

Errors are one line on stderr, ``error: <code>: <what happened> — <what to do>`` (``validate``
adds one indented line per problem). With ``--json`` (before or after the subcommand) stdout
carries exactly one JSON object, ``{"ok": true, ...}`` or ``{"ok": false, "code", "message",
"hint", "exitCode", "data"}``, and stderr stays empty. ``sandbox --json`` is a server: it prints
JSON Lines, one object for its address and credentials, then one per request.

Credentials: ``send`` and ``usage`` take ``accessKeyId`` / ``accessKeySecret`` from the config
file; when the file lacks one (absent or empty), ``ALIBABA_CLOUD_ACCESS_KEY_ID`` /
``ALIBABA_CLOUD_ACCESS_KEY_SECRET`` fill it. The file wins when both are set. No command ever
prints a secret: the file's and the environment's are masked in every output.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import re
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from .kit import ConnectorError, ConnectorErrorCode, TemplateType

PROG = "aliyun-sms"
ENV_ACCESS_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ENV_ACCESS_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"  # noqa: S105 - a variable name
_CREDENTIAL_ENV = {"accessKeyId": ENV_ACCESS_KEY_ID, "accessKeySecret": ENV_ACCESS_KEY_SECRET}

EXIT_OK = 0
EXIT_CONNECTOR_ERROR = 1
EXIT_USAGE = 2
EXIT_INVALID_CONFIG = 3
EXIT_OUTPUT = 74  # EX_IOERR
EXIT_INTERRUPTED = 130
EXIT_STDOUT_CLOSED = 141  # 128 + SIGPIPE

_MASK = "***"
_MIN_SECRET_TO_MASK = 4  # shorter "secrets" would garble every line they are masked in
_MAX_WHAT = 400

_EXIT_CODES_TEXT = """\
exit codes:
  0    success
  1    connector error: the send or the usage query failed
  2    usage error: bad arguments, unreadable file, unknown language tag
  3    invalid config: the config fails validation (nothing was sent)
  74   the output cannot be written (e.g. a full disk)
  130  interrupted (Ctrl-C)
  141  stdout closed early (e.g. `| head -1`)"""

_CREDENTIALS_TEXT = f"""\
credentials:
  accessKeyId and accessKeySecret come from the config file. When the file lacks
  one (absent or ""), the environment fills it: {ENV_ACCESS_KEY_ID},
  {ENV_ACCESS_KEY_SECRET}. The file wins when both are set.
  No command ever prints a secret."""

_MAIN_EPILOG = f"""\
examples:
  {PROG} demo                                 try it all against a local sandbox
  {PROG} validate config.json                 check a config before pasting it into Logto
  {PROG} send --config config.json --to +8613800138000 --type SignIn
  {PROG} --json usage --config config.json --since 2026-01-01

output:
  Results go to stdout. An error is one line on stderr:
    error: <code>: <what happened> — <what to do>
  --json (before or after the subcommand) prints one JSON object on stdout instead:
    {{"ok": true, ...}} or
    {{"ok": false, "code": ..., "message": ..., "hint": ..., "exitCode": ..., "data": ...}}

{_CREDENTIALS_TEXT}

{_EXIT_CODES_TEXT}
"""

# What to do, per Logto error code; the Aliyun Code, when there is one, may say more.
HINTS: dict[ConnectorErrorCode, str] = {
    ConnectorErrorCode.INVALID_CONFIG: (
        f"fix the config, then check it with `{PROG} validate CONFIG.json`"
    ),
    ConnectorErrorCode.RATE_LIMIT_EXCEEDED: (
        "wait, then try again: Aliyun (and minSendIntervalSeconds, when set) limits how "
        "often one number gets messages"
    ),
    ConnectorErrorCode.USAGE_LIMIT_EXCEEDED: (
        "top up the account, or raise the daily/monthly sending limit in the Aliyun SMS console"
    ),
    ConnectorErrorCode.INVALID_REQUEST_PARAMETERS: (
        "check the phone number (one number, with its country code for numbers outside "
        "mainland China, e.g. +852 6123 4567) and the template variables"
    ),
    ConnectorErrorCode.GENERAL: (
        "check the network and the config's endpoint (or a proxy), then try again"
    ),
    ConnectorErrorCode.INVALID_RESPONSE: (
        "the endpoint did not answer like Aliyun Dysmsapi: check `endpoint` in the config "
        "(default dysmsapi.aliyuncs.com)"
    ),
}

ALIYUN_HINTS: dict[str, str] = {
    "SignatureDoesNotMatch": (
        "the AccessKey secret does not belong to the AccessKey ID: copy both again from the "
        "RAM console"
    ),
    "IncompleteSignature": "the AccessKey secret is wrong: copy it again from the RAM console",
    "InvalidAccessKeyId.NotFound": (
        "no such AccessKey ID: check accessKeyId, and that the endpoint is on the same site "
        "(China or international) as the account"
    ),
    "InvalidAccessKeyId.Inactive": "this AccessKey is disabled: enable it or create a new one",
    "isp.RAM_PERMISSION_DENY": (
        "the RAM user may not send SMS: grant it AliyunDysmsFullAccess or a narrower SMS policy"
    ),
    "Forbidden.RAM": (
        "the RAM user may not send SMS: grant it AliyunDysmsFullAccess or a narrower SMS policy"
    ),
    "isv.SMS_SIGNATURE_ILLEGAL": (
        "signName is not an approved signature of this account: check it in the SMS console"
    ),
    "isv.SMS_TEMPLATE_ILLEGAL": (
        "the template code is not an approved template of this account, or does not fit the "
        "signature: check `templates` in the config"
    ),
    "isv.TEMPLATE_MISSING_PARAMETERS": (
        "the template needs variables the payload lacks: add them with --payload"
    ),
    "isv.BUSINESS_LIMIT_CONTROL": (
        "Aliyun's flow control for this number: wait (by default 1 message a minute, 5 an "
        "hour, 10 a day per number) or use another number"
    ),
    "isv.AMOUNT_NOT_ENOUGH": "the account's balance is too low: top it up",
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED": (
        "an international template cannot send to mainland numbers: give this usage type a "
        "{china, overseas} templateCode pair"
    ),
    "isv.MOBILE_NUMBER_ILLEGAL": "Aliyun refused the number: check it, with its country code",
}


class UsageError(Exception):
    """Bad arguments or an unreadable file: exit 2."""

    def __init__(self, message: str, command: str = PROG, hint: str | None = None) -> None:
        super().__init__(message)
        self.command = command
        self.hint = hint or f"see `{command} --help`"


class OutputClosed(Exception):
    """stdout cannot be written: closed by its reader (``| head``) or failing (a full disk)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


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


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 0 to 65535, not {text!r}")
    return port


class Failure(Exception):
    """A ConnectorError and the exit code it ends the command with."""

    def __init__(self, error: ConnectorError, exit_code: int, hint: str | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.exit_code = exit_code
        self.hint = hint


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are exceptions, so ``main`` can format them (and --json)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, self.prog)


# --- output -------------------------------------------------------------------------------------


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
        self.secrets.update(text for text in texts if len(text) >= _MIN_SECRET_TO_MASK)

    def mask(self, value: Any) -> Any:
        """``value`` with every known secret replaced by ``***``, in every string inside it."""
        if isinstance(value, str):
            for secret in sorted(self.secrets, key=len, reverse=True):
                value = value.replace(secret, _MASK)
            return value
        if isinstance(value, dict):
            return {key: self.mask(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.mask(item) for item in value]
        return value

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
            lines = [f"error: {code}: {_one_line(what)} — {hint}"]
            lines += [f"  {_one_line(detail)}" for detail in details]
            with contextlib.suppress(OSError):  # stderr gone too: the exit code says it all
                print(self.mask("\n".join(lines)), file=sys.stderr, flush=True)
        return exit_code


_PATTERN = re.compile(r"does not match '\^.*$")


def _one_line(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_WHAT else text[: _MAX_WHAT - 3] + "..."


def describe(error: ConnectorError, command: str | None = None) -> tuple[str, str, list[str]]:
    """What happened, what to do, and one line per config problem, for a ConnectorError.

    ``command`` (``send``, ``usage``...) tailors the hint to the options that command has.
    """
    data = error.data or {}
    what = str(data.get("errorDescription") or data.get("message") or error.code.value)
    aliyun_code = data.get("Code")
    facts = []
    if isinstance(aliyun_code, str):
        facts.append(f"Aliyun {aliyun_code}")
    if data.get("RequestId"):
        facts.append(f"RequestId {data['RequestId']}")
    if data.get("httpStatus"):
        facts.append(f"HTTP {data['httpStatus']}")
    if facts:
        what += f" ({', '.join(facts)})"
    hint = ALIYUN_HINTS.get(aliyun_code, "") if isinstance(aliyun_code, str) else ""
    hint = hint or HINTS.get(error.code, "see the error code in the docs (docs/errors.md)")
    if command == "send" and error.code == ConnectorErrorCode.INVALID_REQUEST_PARAMETERS:
        hint = hint.replace("the template variables", "the template variables (--payload)")
    retry_after = data.get("retryAfterMs")
    if error.code == ConnectorErrorCode.RATE_LIMIT_EXCEEDED and isinstance(retry_after, int):
        hint += f" (in {math.ceil(retry_after / 1000)} s)"
    if data.get("maybeSent"):
        hint += "; the message may have been sent already: check before sending again"
    problems = data.get("errors")
    details = []
    if isinstance(problems, list) and problems != [{"path": "(root)", "message": what}]:
        for problem in problems:
            if isinstance(problem, dict):
                message = _PATTERN.sub(
                    "does not match the pattern in `aliyun-sms schema`",
                    str(problem.get("message")),
                )
                details.append(f"{problem.get('path')}: {message}")
        count = len(details)
        what = f"the config has {count} problem{'' if count == 1 else 's'}"
    return what, hint, details


# --- config files -------------------------------------------------------------------------------


@dataclass
class LoadedConfig:
    """A config read from a file (or stdin), with where its credentials came from."""

    config: Any
    sources: dict[str, str]  # accessKeyId/accessKeySecret -> "file" | "environment" | "missing"
    name: str


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
    from .config import validate_config

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
        raise  # pragma: no cover - validate_config always refuses what json.loads refused
    sources: dict[str, str] = {}
    if isinstance(config, dict):
        out.add_secret(config.get("accessKeySecret"))
        for key, env_name in _CREDENTIAL_ENV.items():
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
    names = " / ".join(_CREDENTIAL_ENV[key] for key in missing)
    if use_env:
        return f"add {' and '.join(missing)} to the config file, or set {names}"
    return f"add {' and '.join(missing)} to the config file (or pass --env to take it from {names})"


def checked_config(loaded: LoadedConfig, *, use_env: bool, hint: str | None = None) -> Any:
    """Validate a loaded config (schema and endpoint) or raise Failure(exit 3)."""
    from .send import prepare_config

    try:
        return prepare_config(loaded.config)
    except ConnectorError as error:
        hint = _credentials_hint(loaded, use_env) or hint
        raise Failure(error, EXIT_INVALID_CONFIG, hint) from None


# --- commands -----------------------------------------------------------------------------------


def _known_tags() -> list[str]:
    from .metadata import METADATA

    tags = set(METADATA["name"]) | set(METADATA["description"])
    return sorted(tags)


# Chinese tags by script or region, to the two Chinese texts METADATA has.
_CHINESE = {
    "hans": "zh-CN",
    "sg": "zh-CN",
    "my": "zh-CN",
    "hant": "zh-TW",
    "hk": "zh-TW",
    "mo": "zh-TW",
}


def resolve_lang(tag: str) -> str:
    """The metadata language for ``tag`` (case-insensitive; ``tr`` finds ``tr-TR``, ``zh`` and
    ``zh-Hans`` find ``zh-CN``, ``zh-Hant`` and ``zh-HK`` find ``zh-TW``)."""
    known = _known_tags()
    for candidate in known:
        if candidate.lower() == tag.lower():
            return candidate
    subtags = tag.lower().replace("_", "-").split("-")
    if subtags[0] == "zh":
        chinese = next((_CHINESE[s] for s in subtags[1:] if s in _CHINESE), "zh-CN")
        if chinese in known:
            return chinese
    primary = [k for k in known if k.split("-")[0].lower() == subtags[0]]
    if len(primary) == 1 and len(subtags) == 1:
        return primary[0]
    raise UsageError(
        f"unknown language tag {tag!r}; known tags: {', '.join(known)}", f"{PROG} metadata"
    )


def cmd_metadata(args: argparse.Namespace, out: Output) -> int:
    from .metadata import METADATA

    metadata = dict(METADATA)
    if args.lang is not None:
        lang = resolve_lang(args.lang)
        for key in ("name", "description"):
            texts: dict[str, str] = METADATA[key]
            metadata[key] = texts.get(lang, texts["en"])
    out.emit_json(metadata)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace, out: Output) -> int:
    from .config import CONFIG_SCHEMA

    out.emit_json(CONFIG_SCHEMA)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, out: Output) -> int:
    loaded = load_config(args.config, out, use_env=args.env)
    prepared = checked_config(
        loaded, use_env=args.env, hint=f"fix these in {loaded.name}, then validate it again"
    )
    config = prepared.config
    templates = len(config["templates"])
    summary = (
        f"signature 【{config['signName']}】, {templates} template"
        f"{'' if templates == 1 else 's'}, endpoint {prepared.endpoint.url}"
    )
    from_env = [key for key, source in loaded.sources.items() if source == "environment"]
    if from_env:
        summary += f", {' and '.join(from_env)} from the environment"
    out.text(f"OK: {loaded.name} is a valid config ({summary})")
    out.result(
        {
            "config": loaded.name,
            "signName": config["signName"],
            "templates": templates,
            "endpoint": prepared.endpoint.url,
            "credentials": loaded.sources,
        }
    )
    return EXIT_OK


def _payload(args: argparse.Namespace) -> dict[str, Any]:
    payload: dict[str, Any] = {"code": args.code, "locale": "en"}
    if args.payload is not None:
        try:
            extra = json.loads(args.payload)
        except ValueError as exc:
            raise UsageError(f"--payload is not JSON: {exc}", f"{PROG} send") from None
        if not isinstance(extra, dict):
            raise UsageError(
                '--payload must be a JSON object, such as \'{"product": "Acme"}\'', f"{PROG} send"
            )
        payload.update(extra)
    return payload


def _show_credential_sources(loaded: LoadedConfig, out: Output) -> None:
    from_env = [key for key, source in loaded.sources.items() if source == "environment"]
    if from_env:
        out.text(f"  ({' and '.join(from_env)} from the environment)")


def cmd_send(args: argparse.Namespace, out: Output) -> int:
    from .send import send_message

    payload = _payload(args)
    loaded = load_config(args.config, out, use_env=True)
    prepared = checked_config(loaded, use_env=True)
    data = {"to": args.to, "type": args.type, "payload": payload}
    try:
        result = send_message(data, prepared.config)
    except ConnectorError as error:
        raise Failure(error, EXIT_CONNECTOR_ERROR) from None
    out.text(f"Sent: {args.type} message to {args.to}, accepted by {prepared.endpoint.url}")
    out.text(f"  Code       {result.get('Code')}")
    out.text(f"  RequestId  {result.get('RequestId')}")
    out.text(f"  BizId      {result.get('BizId')}")
    _show_credential_sources(loaded, out)
    out.result(
        {
            "result": result,
            "to": args.to,
            "type": args.type,
            "endpoint": prepared.endpoint.url,
            "credentials": loaded.sources,
        }
    )
    return EXIT_OK


def _dashed(day: str) -> str:
    """Aliyun's ``yyyyMMdd`` as ``yyyy-MM-dd``."""
    return f"{day[:4]}-{day[4:6]}-{day[6:]}"


def _since(text: str | None) -> date | None:
    from .usage import usage_window

    if text is None:
        return None
    try:
        since = date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--since wants a date YYYY-MM-DD, not {text!r}", f"{PROG} usage"
        ) from None
    _, today = usage_window(None)
    if since.strftime("%Y%m%d") > today:
        raise UsageError(
            f"--since {since} is in the future (today is {_dashed(today)} "
            "in China time, UTC+8, the days Aliyun counts in)",
            f"{PROG} usage",
            hint="give a day up to today",
        )
    return since


def cmd_usage(args: argparse.Namespace, out: Output) -> int:
    from .connector import create_connector
    from .usage import usage_window

    since = _since(args.since)
    loaded = load_config(args.config, out, use_env=True)
    prepared = checked_config(loaded, use_env=True)
    config = prepared.config
    try:
        count = create_connector(lambda _id: config).get_usage(since)
    except ConnectorError as error:
        raise Failure(error, EXIT_CONNECTOR_ERROR) from None
    start, end = usage_window(since)
    first, last = _dashed(start), _dashed(end)
    out.text(
        f"{count} message{'' if count == 1 else 's'} sent from {first} to {last} "
        "(days in UTC+8, mainland and international)"
    )
    out.result({"count": count, "since": first, "until": last})
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, out: Output) -> int:
    from .demo import run_demo

    return run_demo(args, out)


# --- the parser ---------------------------------------------------------------------------------

_Formatter = argparse.RawDescriptionHelpFormatter


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=78)


def _common() -> _Parser:
    """Options accepted before and after the subcommand (defaults only on the main parser)."""
    common = _Parser(add_help=False)
    common.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="machine-readable output: one JSON object on stdout, for results and errors",
    )
    common.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="log the connector's activity on stderr (phone numbers masked, never secrets)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """The ``aliyun-sms`` argument parser."""
    common = _common()  # the subcommands' copy: its actions must keep the SUPPRESS defaults
    parser = _Parser(
        prog=PROG,
        description=_wrap(
            "Inspect, validate and test the Logto connector for Aliyun (Alibaba Cloud) Short "
            "Message Service: what an admin console and Logto's 'send a test message' button "
            "do, from the command line."
        ),
        epilog=_MAIN_EPILOG,
        formatter_class=_Formatter,
        parents=[_common()],
    )
    parser.set_defaults(json=False, verbose=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str, description: str, epilog: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help_text,
            description=_wrap(description),
            epilog=epilog,
            formatter_class=_Formatter,
            parents=[common],
        )

    metadata = add(
        "metadata",
        "print the connector's metadata (Logto ConnectorMetadata) as JSON",
        "Print METADATA, the connector's Logto ConnectorMetadata (id, names, form items...), "
        "as JSON. An admin console renders the connector's form from it.",
        f"examples:\n  {PROG} metadata\n  {PROG} metadata --lang zh-CN\n\n"
        "The output is JSON with or without --json.\n\n" + _EXIT_CODES_TEXT,
    )
    metadata.add_argument(
        "--lang",
        metavar="TAG",
        help="reduce `name` and `description` to this language's text, falling back to en "
        f"(known: {', '.join(_known_tags())}); an unknown tag is an error (exit 2)",
    )
    metadata.set_defaults(handler=cmd_metadata)

    schema = add(
        "schema",
        "print the config's JSON Schema",
        "Print the JSON Schema (draft 2020-12) of the connector config: validate configs "
        "with it from any language.",
        f"example:\n  {PROG} schema > aliyun-sms.schema.json\n\n"
        "The output is JSON with or without --json.\n\n" + _EXIT_CODES_TEXT,
    )
    schema.set_defaults(handler=cmd_schema)

    validate = add(
        "validate",
        "check a config file; list every problem with its path",
        "Check a connector config (the JSON an admin pastes into Logto) against the schema "
        "and the endpoint rules. Prints one OK line (never the secret), or every problem with "
        "its path, such as templates[2].templateCode. Nothing is sent.",
        f"examples:\n  {PROG} validate config.json\n  cat config.json | {PROG} validate -\n\n"
        "The file is checked as it is, as Logto would store it; --env first fills absent "
        "credentials from the environment, as `send` does.\n\n"
        "exit codes:\n  0  the config is valid\n  2  the file cannot be read\n"
        "  3  the config is invalid",
    )
    validate.add_argument("config", metavar="CONFIG.json", help="config file, or - for stdin")
    validate.add_argument(
        "--env",
        action="store_true",
        help=f"fill absent credentials from {ENV_ACCESS_KEY_ID} / {ENV_ACCESS_KEY_SECRET}",
    )
    validate.set_defaults(handler=cmd_validate)

    send = add(
        "send",
        "send one test SMS, as Logto's 'send a test message' button does",
        "Send one SMS through the official Aliyun SDK, as Logto's 'send a test message' button "
        "does: send_message({to, type, payload: {code, locale: 'en'}}, config). Works with a "
        "real account or the sandbox (`aliyun-sms sandbox`). Prints Code, RequestId and BizId.",
        f"examples:\n  {PROG} send --config config.json --to 13800138000\n"
        f"  {PROG} send --config config.json --to '+852 6123 4567' --type SignIn --code 123456\n"
        f"  {ENV_ACCESS_KEY_ID}=... {ENV_ACCESS_KEY_SECRET}=... \\\n"
        f"    {PROG} send --config config-without-keys.json --to 13800138000\n\n"
        f"{_CREDENTIALS_TEXT}\n\n{_EXIT_CODES_TEXT}",
    )
    send.add_argument(
        "--config", required=True, metavar="CONFIG.json", help="config file, or - for stdin"
    )
    send.add_argument(
        "--to",
        required=True,
        metavar="PHONE",
        help="the phone number: mainland numbers as 13800138000 or +86 138 0013 8000, others "
        "with their country code (+852 6123 4567)",
    )
    send.add_argument(
        "--type",
        default=TemplateType.GENERIC.value,
        choices=[t.value for t in TemplateType],
        metavar="TYPE",
        help="the usage type, which picks the template (default: %(default)s; one of "
        + ", ".join(t.value for t in TemplateType)
        + ")",
    )
    send.add_argument(
        "--code", default="000000", help="the verification code to send (default: %(default)s)"
    )
    send.add_argument(
        "--payload",
        metavar="JSON",
        help='more template variables as a JSON object, merged over {"code", "locale"}, '
        'e.g. \'{"product": "Acme"}\'',
    )
    send.set_defaults(handler=cmd_send)

    usage = add(
        "usage",
        "count the messages sent since a date",
        "Count the messages the account sent since a date (QuerySendStatistics, mainland and "
        "international summed), as the connector's get_usage does. Aliyun counts whole days "
        "in China time (UTC+8).",
        f"examples:\n  {PROG} usage --config config.json\n"
        f"  {PROG} --json usage --config config.json --since 2026-01-01\n\n"
        f"{_CREDENTIALS_TEXT}\n\n{_EXIT_CODES_TEXT}",
    )
    usage.add_argument(
        "--config", required=True, metavar="CONFIG.json", help="config file, or - for stdin"
    )
    usage.add_argument(
        "--since",
        metavar="YYYY-MM-DD",
        help="first day to count (default: the first day of this month, UTC+8)",
    )
    usage.set_defaults(handler=cmd_usage)

    demo = add(
        "demo",
        "send a sample SMS to a local sandbox and show what the phone got",
        "Start the embedded sandbox (a local Aliyun Dysmsapi server), send one real SendSms "
        "through the official Aliyun SDK with a sample config, and print the result, the text "
        "as the phone shows it, and the address of the sandbox's outbox page. Nothing leaves "
        "this machine; no Aliyun account is needed.",
        f"examples:\n  {PROG} demo\n  {PROG} demo --keep          "
        "then open the outbox page in a browser\n"
        f"  {PROG} demo --to '+852 6123 4567' --type Register --code 424242\n\n"
        "exit codes:\n  0  the message was sent (and, with --keep, Ctrl-C stopped the sandbox)\n"
        "  1  the send failed\n  2  usage error, or the sandbox could not start",
    )
    demo.add_argument(
        "--to",
        default="+86 138 0013 8000",
        metavar="PHONE",
        help="phone number to send to (default: %(default)s)",
    )
    demo.add_argument(
        "--type",
        default=TemplateType.SIGN_IN.value,
        choices=[t.value for t in TemplateType],
        metavar="TYPE",
        help="usage type (default: %(default)s)",
    )
    demo.add_argument("--code", default="123456", help="code to send (default: %(default)s)")
    demo.add_argument(
        "--port", type=port_number, default=0, help="sandbox port (default: 0, a free port)"
    )
    demo.add_argument(
        "--keep",
        action="store_true",
        help="keep the sandbox running until Ctrl-C, so you can open the outbox page",
    )
    demo.set_defaults(handler=cmd_demo)

    try:
        from .sandbox import cli as sandbox_cli
    except ImportError as exc:  # the sandbox needs aiohttp; the rest of the CLI does not
        reason = str(exc)
        sandbox = sub.add_parser("sandbox", help="run the local Dysmsapi sandbox (unavailable)")

        def unavailable(args: argparse.Namespace, out: Output) -> int:
            raise UsageError(f"the sandbox is not available: {reason}")

        sandbox.set_defaults(handler=unavailable)
    else:
        sandbox_cli.add_arguments(
            sub.add_parser(
                "sandbox",
                help="run the local Dysmsapi sandbox in the foreground",
                description=_wrap(
                    "Run the sandbox, a local Aliyun Dysmsapi 2017-05-25 server, in the "
                    "foreground until Ctrl-C: point a config's endpoint at it to send test "
                    "messages without an Aliyun account, and watch them on its outbox page."
                ),
                epilog=f"example:\n  {PROG} sandbox --port 8787\n"
                '  then, in a config: "endpoint": "http://127.0.0.1:8787"\n\n'
                "output:\n  The address, the sandbox's made-up credentials and a ready connector "
                "config,\n  then one line per request (numbers masked). With --json: JSON Lines, "
                "one object\n  for the address and credentials, then one per request.\n\n"
                "exit codes:\n  0  stopped by Ctrl-C or SIGTERM\n"
                "  2  usage error, or the sandbox could not start (port in use, bad seed)",
                formatter_class=_Formatter,
                parents=[common],
            )
        )
    return parser


def _run_sandbox(args: argparse.Namespace, out: Output) -> int:
    from .sandbox import cli as sandbox_cli

    try:
        return sandbox_cli.run(args, as_json=out.as_json)
    except sandbox_cli.StartError as exc:
        raise UsageError(
            f"the sandbox cannot start: {exc}",
            f"{PROG} sandbox",
            hint="choose another --port (0 picks a free one), or fix the --seed file",
        ) from None


_log_handler: logging.Handler | None = None


def _configure_logging(verbose: bool) -> None:
    """--verbose: the connector's log (masked numbers, never secrets) on this run's stderr."""
    global _log_handler
    package_logger = logging.getLogger("logto_connector_aliyun_sms")
    if _log_handler is not None:
        package_logger.removeHandler(_log_handler)
        package_logger.setLevel(logging.NOTSET)
        _log_handler = None
    if verbose:
        _log_handler = logging.StreamHandler(sys.stderr)
        _log_handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        package_logger.addHandler(_log_handler)
        package_logger.setLevel(logging.INFO)
    elif not package_logger.handlers:
        # Without any handler Python would print the connector's warnings on stderr itself;
        # the CLI's one error line already says what happened.
        package_logger.addHandler(logging.NullHandler())


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``aliyun-sms`` with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    out = Output(as_json="--json" in argv[: argv.index("--")] if "--" in argv else "--json" in argv)
    out.add_secret(os.environ.get(ENV_ACCESS_KEY_SECRET))
    try:
        return _run(argv, out)
    except OutputClosed as closed:
        error = closed.error
        silence_stdout()
        if isinstance(error, BrokenPipeError):
            return EXIT_STDOUT_CLOSED  # the reader has all it wanted: nothing to report
        out.as_json = False  # stdout cannot carry the JSON error: say it on stderr
        return out.failure(
            "output_error",
            f"cannot write the output: {error.strerror or error}",
            "check where stdout goes (a full disk, a closed file)",
            EXIT_OUTPUT,
            None,
            [],
        )


def _run(argv: list[str], out: Output) -> int:
    command = None
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exit_:  # --help, --version
            return exit_.code if isinstance(exit_.code, int) else EXIT_OK
        command = args.command
        out.as_json = bool(args.json)
        _configure_logging(bool(args.verbose))
        handler: Callable[[argparse.Namespace, Output], int] = getattr(
            args, "handler", _run_sandbox
        )
        return handler(args, out)
    except UsageError as exc:
        return out.failure("usage_error", str(exc), exc.hint, EXIT_USAGE, {"message": str(exc)}, [])
    except Failure as failure:
        what, hint, details = describe(failure.error, command)
        return out.failure(
            failure.error.code.value,
            what,
            failure.hint or hint,
            failure.exit_code,
            failure.error.data,
            details,
        )
    except KeyboardInterrupt:
        in_flight = command in ("send", "demo")
        return out.failure(
            "interrupted",
            "interrupted (Ctrl-C)",
            "the message may have been sent already: check before sending again"
            if in_flight
            else "nothing was changed; run the command again",
            EXIT_INTERRUPTED,
            {"maybeSent": in_flight},
            [],
        )
