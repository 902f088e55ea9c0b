"""Helpers of the framework adapters' tests."""

from __future__ import annotations

from logto_connector_aliyun_sms.cli import EXIT_OK


def manage(*args: str) -> int:
    """``manage.py aliyun_sms_send *args`` in this process; its exit code."""
    from django.core.management import call_command

    try:
        call_command("aliyun_sms_send", *args)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return EXIT_OK
