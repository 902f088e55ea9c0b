"""The start-up checks of ``logto_connector_aliyun_sms.contrib.django`` (``manage.py check``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


def _check_output(**overrides: Any) -> str:
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError
    from django.test.utils import override_settings

    with override_settings(**overrides), pytest.raises(SystemCheckError) as failed:
        call_command("check")
    return str(failed.value)


def test_a_good_project_passes(django_site: Any) -> None:
    from django.core.management import call_command

    call_command("check")  # raises SystemCheckError on any error


def test_bad_config_fails_with_each_path(django_site: Any) -> None:
    config = django_site.connector_config()
    del config["templates"][0]["templateCode"]
    config["endpoint"] = "ftp://example.com"
    output = _check_output(ALIYUN_SMS=config)
    assert "ALIYUN_SMS.templates[0].templateCode: is required" in output
    assert "ALIYUN_SMS.endpoint: must be a host" in output
    assert "aliyun_sms.E001" in output
    assert django_site.access_key_secret not in output


def test_config_from_json_text_and_from_a_path(django_site: Any, tmp_path: Path) -> None:
    from django.core.management import call_command
    from django.test.utils import override_settings

    text = json.dumps(django_site.connector_config())
    path = tmp_path / "aliyun-sms.json"
    path.write_text(text, encoding="utf-8")
    for value in (text, str(path), path):
        with override_settings(ALIYUN_SMS=value):
            call_command("check")
    broken = tmp_path / "broken.json"
    broken.write_text('{"accessKeyId": "x"}', encoding="utf-8")
    output = _check_output(ALIYUN_SMS=str(broken))
    assert f"ALIYUN_SMS ({broken}).accessKeySecret: is required" in output
    assert "cannot read" in _check_output(ALIYUN_SMS=str(tmp_path / "missing.json"))
    assert "is not set" in _check_output(ALIYUN_SMS=None)


def test_allauths_default_code_format_fails_with_the_setting_to_use(django_site: Any) -> None:
    output = _check_output(ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT={})
    assert "aliyun_sms.E002" in output
    assert "dashed" in output
    assert 'ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6' in output
    output = _check_output(
        ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT={"numeric": True, "dashed": False}
    )
    assert "have 9 characters" in output


def test_two_factor_digits_and_middleware(django_site: Any) -> None:
    from django.conf import settings

    assert "aliyun_sms.E003" in _check_output(TWO_FACTOR_TOTP_DIGITS=8)
    middleware = [m for m in settings.MIDDLEWARE if "contrib.django.context" not in m]
    from django.core import checks
    from django.test.utils import override_settings

    with override_settings(MIDDLEWARE=middleware):
        found = [m.id for m in checks.run_checks()]
    assert "aliyun_sms.W001" in found
