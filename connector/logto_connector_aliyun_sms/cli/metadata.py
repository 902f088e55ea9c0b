"""``aliyun-sms metadata``: print the connector's Logto metadata as JSON."""

from __future__ import annotations

import argparse

from ..metadata import METADATA
from ._output import EXIT_OK, PROG, Output, UsageError, exit_codes_help

NAME = "metadata"

# Chinese tags by script or region, to the two Chinese texts METADATA has.
_CHINESE = {
    **dict.fromkeys(("hans", "sg", "my"), "zh-CN"),
    **dict.fromkeys(("hant", "hk", "mo"), "zh-TW"),
}


def known_tags() -> list[str]:
    """The languages METADATA's name and description come in."""
    return sorted(set(METADATA["name"]) | set(METADATA["description"]))


def resolve_lang(tag: str) -> str:
    """The metadata language for ``tag`` (case-insensitive; ``tr`` finds ``tr-TR``, ``zh`` and
    ``zh-Hans`` find ``zh-CN``, ``zh-Hant`` and ``zh-HK`` find ``zh-TW``)."""
    known = known_tags()
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


SUMMARY = "print the connector's metadata (Logto ConnectorMetadata) as JSON"
DESCRIPTION = (
    "Print METADATA, the connector's Logto ConnectorMetadata (id, names, form items...), "
    "as JSON. An admin console renders the connector's form from it."
)
EPILOG = (
    f"examples:\n  {PROG} metadata\n  {PROG} metadata --lang zh-CN\n\n"
    "The output is JSON with or without --json.\n\n" + exit_codes_help()
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``metadata``."""
    parser.add_argument(
        "--lang",
        metavar="TAG",
        help="reduce `name` and `description` to this language's text, falling back to en "
        f"(known: {', '.join(known_tags())}); an unknown tag is an error (exit 2)",
    )


def run(args: argparse.Namespace, out: Output) -> int:
    """Print METADATA (or its texts in one language)."""
    metadata = dict(METADATA)
    if args.lang is not None:
        lang = resolve_lang(args.lang)
        for key in ("name", "description"):
            texts: dict[str, str] = METADATA[key]
            metadata[key] = texts.get(lang, texts["en"])
    out.emit_json(metadata)
    return EXIT_OK
