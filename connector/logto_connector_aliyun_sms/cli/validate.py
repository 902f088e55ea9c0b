"""``aliyun-sms validate``: check a config file; list every problem with its path."""

from __future__ import annotations

import argparse

from ._config_file import ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, checked_config, load_config
from ._connectors import add_connector_argument, chosen
from ._output import (
    EXIT_INVALID_CONFIG,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    Output,
    exit_codes_help,
)

NAME = "validate"
SUMMARY = "check a config file; list every problem with its path"
DESCRIPTION = (
    "Check a connector config (the JSON an admin pastes into Logto) against the schema "
    "and the endpoint rules. Prints one OK line (never the secret), or every problem with "
    "its path, such as templates[2].templateCode. Nothing is sent."
)
EPILOG = (
    f"examples:\n  {PROG} validate config.json\n  cat config.json | {PROG} validate -\n"
    f"  {PROG} validate --connector mas mas.json\n\n"
    "The file is checked as it is, as Logto would store it; --env first fills absent "
    "credentials from the environment, as `send` does.\n\n"
    + exit_codes_help(
        {
            EXIT_OK: "the config is valid",
            EXIT_USAGE: "the file cannot be read",
            EXIT_INVALID_CONFIG: "the config is invalid",
        }
    )
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``validate``."""
    parser.add_argument("config", metavar="CONFIG.json", help="config file, or - for stdin")
    add_connector_argument(parser)
    parser.add_argument(
        "--env",
        action="store_true",
        help=f"fill absent credentials from {ENV_ACCESS_KEY_ID} / {ENV_ACCESS_KEY_SECRET}",
    )


def run(args: argparse.Namespace, out: Output) -> int:
    """Validate the file; one OK line, or every problem (exit 3)."""
    loaded = load_config(args.config, out, use_env=args.env)
    connector = chosen(args)
    prepared = checked_config(
        loaded,
        use_env=args.env,
        hint=f"fix these in {loaded.name}, then validate it again",
        prepare=connector.prepare,
    )
    config = prepared.config
    templates = len(config["templates"])
    summary = (
        f"signature 【{config['signName']}】, {templates} template"
        f"{'' if templates == 1 else 's'}, endpoint {prepared.endpoint.url}"
    )
    if loaded.from_environment():
        summary += f", {' and '.join(loaded.from_environment())} from the environment"
    out.text(f"OK: {loaded.name} is a valid config ({summary})")
    out.result(
        {
            "config": loaded.name,
            "signName": config["signName"],
            "templates": templates,
            "endpoint": prepared.endpoint.url,
            "credentials": loaded.sources,
            "connector": connector.id,
        }
    )
    return EXIT_OK
