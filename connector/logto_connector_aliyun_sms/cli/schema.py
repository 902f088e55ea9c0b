"""``aliyun-sms schema``: print the config's JSON Schema."""

from __future__ import annotations

import argparse

from ..config import CONFIG_SCHEMA
from ._output import EXIT_OK, PROG, Output, exit_codes_help

NAME = "schema"
SUMMARY = "print the config's JSON Schema"
DESCRIPTION = (
    "Print the JSON Schema (draft 2020-12) of the connector config: validate configs "
    "with it from any language."
)
EPILOG = (
    f"example:\n  {PROG} schema > aliyun-sms.schema.json\n\n"
    "The output is JSON with or without --json.\n\n" + exit_codes_help()
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``schema`` has no options of its own."""


def run(args: argparse.Namespace, out: Output) -> int:
    """Print CONFIG_SCHEMA."""
    out.emit_json(CONFIG_SCHEMA)
    return EXIT_OK
