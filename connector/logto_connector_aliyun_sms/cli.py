"""The ``aliyun-sms`` command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aliyun-sms", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    from .sandbox import cli as sandbox_cli

    sandbox_cli.add_arguments(sub.add_parser("sandbox", help="run the local Dysmsapi sandbox"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "sandbox":
        from .sandbox import cli as sandbox_cli

        return sandbox_cli.run(args)
    return 2
