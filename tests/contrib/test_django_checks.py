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


def test_unreadable_values_say_why(django_site: Any, tmp_path: Path) -> None:
    assert "ALIYUN_SMS: is not valid JSON" in _check_output(ALIYUN_SMS='{"accessKeyId": ')
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert f"ALIYUN_SMS ({broken}): is not valid JSON" in _check_output(ALIYUN_SMS=str(broken))
    assert "ALIYUN_SMS: is a int: give the connector config" in _check_output(ALIYUN_SMS=42)


@pytest.mark.parametrize(
    ("code_format", "why"),
    [
        ({"numeric": False, "length": 8, "dashed": False}, "have 8 characters"),
        ({"length": 6, "dashed": False, "allowed_chars": "AB-CD"}, "other than letters"),
    ],
)
def test_other_code_formats_that_do_not_fit(
    django_site: Any, code_format: dict[str, Any], why: str
) -> None:
    assert why in _check_output(ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT=code_format)


def test_the_format_check_leaves_other_adapters_and_own_codes_alone(django_site: Any) -> None:
    from django.core.management import call_command
    from django.test.utils import override_settings

    with override_settings(
        ACCOUNT_ADAPTER="allauth.account.adapter.DefaultAccountAdapter",
        ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT={},
    ):
        call_command("check")
    with override_settings(
        ACCOUNT_ADAPTER="django_project.adapter.OwnCodesAdapter",
        ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT={},
    ):
        call_command("check")


def test_the_two_factor_checks_apply_only_to_this_gateway(django_site: Any) -> None:
    from django.core.management import call_command
    from django.test.utils import override_settings

    with override_settings(
        TWO_FACTOR_SMS_GATEWAY="two_factor.gateways.fake.Fake", TWO_FACTOR_TOTP_DIGITS=8
    ):
        call_command("check")


def test_a_config_broken_at_send_time_is_a_message(
    django_site: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from django.test import Client
    from django.test.utils import override_settings

    with override_settings(ALIYUN_SMS=None):
        response = Client().post(
            "/accounts/signup/",
            {"phone": "+8613800138000", "username": "mei", "password1": "a-Long-passw0rd!"},
        )
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Text messages cannot be sent at the moment. Please contact the site's support."
    ]
    assert "ALIYUN_SMS: is not set" in caplog.text
    assert django_site.requests == []
