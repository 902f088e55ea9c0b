"""Framework set-up for the adapter tests: a Django project (allauth, two-factor) in memory.

The sandbox fixture ``aliyun_sms_sandbox`` comes from the sandbox's pytest plugin.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "django_project.settings")


@pytest.fixture(scope="session")
def django_db() -> None:
    """Django set up once, with its tables in the in-memory database."""
    import django
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()  # responses carry their templates' context
    call_command("migrate", run_syncdb=True, verbosity=0)


@pytest.fixture
def django_site(django_db: None, aliyun_sms_sandbox: Any) -> Iterator[Any]:
    """The project pointed at the sandbox (``ALIYUN_SMS``), with empty tables afterwards."""
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test.utils import override_settings

    with override_settings(ALIYUN_SMS=aliyun_sms_sandbox.connector_config()):
        yield aliyun_sms_sandbox
    call_command("flush", interactive=False, verbosity=0)
    cache.clear()
