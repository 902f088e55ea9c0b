"""``aliyun-sms schema``: print the config's JSON Schema."""

from __future__ import annotations

import argparse

from ._connectors import add_connector_argument, chosen
from ._output import EXIT_OK, PROG, Output, exit_codes_help

NAME = "schema"
SUMMARY = "print the config's JSON Schema"
DESCRIPTION = (
    "Print the JSON Schema (draft 2020-12) of the connector config: validate configs "
    "with it from any language."
)
EPILOG = (
    f"examples:\n  {PROG} schema > aliyun-sms.schema.json\n"
    f"  {PROG} schema --connector mas > aliyun-sms-mas.schema.json\n\n"
    "The output is JSON with or without --json.\n\n" + exit_codes_help()
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``schema``."""
    add_connector_argument(parser)


def run(args: argparse.Namespace, out: Output) -> int:
    """Print the chosen connector's CONFIG_SCHEMA."""
    out.emit_json(chosen(args).schema())
    return EXIT_OK
