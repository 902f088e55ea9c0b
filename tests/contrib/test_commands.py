"""``manage.py aliyun_sms_send`` and ``flask aliyun-sms send``: one test SMS with the app's own
``ALIYUN_SMS``, told and ended (exit codes) as ``aliyun-sms send`` tells and ends it."""

from __future__ import annotations

from typing import Any

import pytest
from contrib_helpers import manage

from logto_connector_aliyun_sms.cli import EXIT_CONNECTOR_ERROR, EXIT_INVALID_CONFIG, EXIT_OK

PHONE = "+8613800138000"


def test_django_sends_with_the_projects_settings(
    django_site: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert manage("--to", PHONE, "--type", "SignIn") == EXIT_OK
    [message] = django_site.messages_for(PHONE)
    out = capsys.readouterr().out
    assert "RequestId  " in out
    assert f"BizId      {message['BizId']}" in out
    sign_in = next(
        t for t in django_site.connector_config()["templates"] if t["usageType"] == "SignIn"
    )
    assert message["TemplateCode"] == sign_in["templateCode"]["china"]


def test_django_a_refused_send_is_the_clis_error_and_exit_code(
    django_site: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    django_site.set_balance(0)
    assert manage("--to", PHONE) == EXIT_CONNECTOR_ERROR
    err = capsys.readouterr().err
    assert err.startswith("error: usage_limit_exceeded: ")
    assert "isv.AMOUNT_NOT_ENOUGH" in err
    assert "Top it up" in err  # the hint
    assert django_site.access_key_secret not in err


def test_django_a_bad_config_is_exit_3_with_each_path(
    django_site: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.test.utils import override_settings

    config = django_site.connector_config()
    del config["signName"]
    with override_settings(ALIYUN_SMS=config):
        assert manage("--to", PHONE) == EXIT_INVALID_CONFIG
    err = capsys.readouterr().err
    assert "ALIYUN_SMS.signName: is required" in err
    assert django_site.requests == []
    assert django_site.access_key_secret not in err


def test_django_help_lists_the_exit_codes(
    capsys: pytest.CaptureFixture[str], django_db: None
) -> None:
    from django.core.management import call_command

    with pytest.raises(SystemExit):
        call_command("aliyun_sms_send", "--help")
    out = capsys.readouterr().out
    assert "exit codes:" in out
    assert "3    invalid config" in out


def test_flask_sends_with_the_apps_config(aliyun_sms_sandbox: Any) -> None:
    from flask_app.app import create_app

    app = create_app(aliyun_sms_sandbox.connector_config())
    result = app.test_cli_runner().invoke(
        args=["aliyun-sms", "send", "--to", PHONE, "--type", "MfaVerification"]
    )
    assert result.exit_code == EXIT_OK, result.output
    [message] = aliyun_sms_sandbox.messages_for(PHONE)
    assert f"BizId      {message['BizId']}" in result.output
    assert "RequestId  " in result.output


def test_flask_a_refused_number_is_exit_1(
    aliyun_sms_sandbox: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from flask_app.app import create_app

    app = create_app(aliyun_sms_sandbox.connector_config())
    result = app.test_cli_runner().invoke(args=["aliyun-sms", "send", "--to", "+861065529988"])
    assert result.exit_code == EXIT_CONNECTOR_ERROR
    assert "invalid_request_parameters" in capsys.readouterr().err + result.output
    assert aliyun_sms_sandbox.requests == []
