"""``python manage.py aliyun_sms_send --to PHONE [--type TYPE]``: one test SMS with the
project's ``settings.ALIYUN_SMS``, through the connector ``settings.ALIYUN_SMS_CONNECTOR`` names;
exit codes as ``aliyun-sms send``'s."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from ...._command import DEFAULT_CODE, EPILOG, HELP, USAGE_TYPES, send_test
from ...._common import CONNECTOR_SETTING, SETTING


class Command(BaseCommand):
    """Send one test SMS with ``settings.ALIYUN_SMS``."""

    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        """Django's parser, with the exit codes in its help."""
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = EPILOG
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """``--to``, ``--type``, ``--code``."""
        parser.add_argument("--to", required=True, metavar="PHONE", help="the phone number")
        parser.add_argument(
            "--type",
            default="Generic",
            choices=USAGE_TYPES,
            metavar="TYPE",
            help="the usage type, which picks the template (default: %(default)s)",
        )
        parser.add_argument("--code", default=DEFAULT_CODE, help="the code (default: %(default)s)")

    def handle(self, *args: Any, **options: Any) -> None:
        """Send; exit with the CLI's exit code when it failed."""
        code = send_test(
            getattr(settings, SETTING, None),
            options["to"],
            options["type"],
            options["code"],
            getattr(settings, CONNECTOR_SETTING, None),
        )
        if code:
            sys.exit(code)
