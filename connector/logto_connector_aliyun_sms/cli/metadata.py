"""``aliyun-sms metadata``: print the connector's Logto metadata as JSON."""

from __future__ import annotations

import argparse

from ..texts import METADATA, resolve_language
from ._connectors import add_connector_argument, chosen
from ._output import EXIT_OK, PROG, Output, UsageError, exit_codes_help

NAME = "metadata"


def known_tags() -> list[str]:
    """The languages METADATA's name and description come in."""
    return sorted(set(METADATA["name"]) | set(METADATA["description"]))


def resolve_lang(tag: str) -> str:
    """``resolve_language(tag)``, except that a language with no texts at all is a usage error
    (``pt-BR`` would quietly be English: a typo such as ``jp`` should not)."""
    language = resolve_language(tag)
    if language == "en" and tag.lower().replace("_", "-").split("-")[0] != "en":
        raise UsageError(
            f"unknown language tag {tag!r}; known tags: {', '.join(known_tags())}",
            f"{PROG} metadata",
        )
    return language


SUMMARY = "print the connector's metadata (Logto ConnectorMetadata) as JSON"
DESCRIPTION = (
    "Print METADATA, the connector's Logto ConnectorMetadata (id, names, form items...), "
    "as JSON. An admin console renders the connector's form from it."
)
EPILOG = (
    f"examples:\n  {PROG} metadata\n  {PROG} metadata --lang zh-CN\n"
    f"  {PROG} metadata --lang ja-JP --form\n\n"
    "The output is JSON with or without --json.\n\n" + exit_codes_help()
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``metadata``."""
    parser.add_argument(
        "--lang",
        metavar="TAG",
        help="reduce `name` and `description` to this language's text, falling back to en "
        f"(known: {', '.join(known_tags())}; ja-JP, zh-Hans and the like find theirs); an "
        "unknown language is an error (exit 2)",
    )
    add_connector_argument(parser)
    parser.add_argument(
        "--form",
        action="store_true",
        help="with --lang: the form items' labels, placeholders, help and tooltips in that "
        "language too (metadata_for)",
    )


def run(args: argparse.Namespace, out: Output) -> int:
    """Print METADATA (or its texts in one language)."""
    connector = chosen(args)
    full = connector.metadata()
    metadata = dict(full)
    if args.lang is not None:
        lang = resolve_lang(args.lang)
        if args.form:
            metadata = connector.metadata_for(lang)
        for key in ("name", "description"):
            texts: dict[str, str] = full[key]
            metadata[key] = texts.get(lang, texts["en"])
    out.emit_json(metadata)
    return EXIT_OK
