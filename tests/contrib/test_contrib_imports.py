"""Importing the connector never imports a framework; a missing framework names its extra;
without the checks app, allauth's own check run still meets the adapter's checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=HERE,
        env={**os.environ, **env},
        check=False,
    )


def test_the_connector_imports_no_framework() -> None:
    result = _python(
        "import sys, logto_connector_aliyun_sms\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'django', 'allauth', 'two_factor', 'flask', 'flask_security'}))"
    )
    assert result.stdout.strip() == "[]", result.stderr


@pytest.mark.parametrize(
    ("adapter", "framework", "extra"),
    [
        ("allauth", "allauth", "django"),
        ("two_factor", "two_factor", "django"),
        ("django", "django", "django"),
        ("flask_security", "flask_security", "flask"),
        ("flask_receipts", "flask", "flask"),
    ],
)
def test_a_missing_framework_names_the_extra(adapter: str, framework: str, extra: str) -> None:
    result = _python(
        f"import sys; sys.modules[{framework!r}] = None\n"  # as if it were not installed
        f"import logto_connector_aliyun_sms.contrib.{adapter}"
    )
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError:"), result.stderr
    assert f"pip install '.[{extra}]'" in last  # the README's line, from a clone


def test_without_the_app_manage_py_check_still_fails_on_a_bad_config() -> None:
    result = _python(
        "import django, sys\n"
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(['manage.py', 'check'])",
        DJANGO_SETTINGS_MODULE="django_project.settings_adapter_only",
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALIYUN_SMS.accessKeySecret: is required" in result.stderr
    assert "ALIYUN_SMS.templates: is required" in result.stderr
    assert "add 'logto_connector_aliyun_sms.contrib.django' to INSTALLED_APPS" in result.stderr
