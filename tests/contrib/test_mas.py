"""``ALIYUN_SMS_CONNECTOR = "aliyun-short-message-auth-service"``: the adapters send through the
Message Authentication Service connector (``mas``), through each framework's views against the
sandbox's Dypnsapi ``SendSmsVerifyCode``; its number rule at the forms; its config checks at
start-up; its BizId (kept in ``Model``) in the test-send commands."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from contrib_helpers import manage

from logto_connector_aliyun_sms.cli import EXIT_INVALID_CONFIG, EXIT_OK
from logto_connector_aliyun_sms.contrib._common import (
    COUNTRY_NOT_SERVED,
    MAS_ID,
    NOT_A_MOBILE,
    SMS_ID,
    ConfigProblems,
    Delivery,
    config_warnings,
    connector_for,
    load_site,
    masked,
    number_problem,
)

PHONE = "+8613800138000"
HONG_KONG = "+85261234567"
PASSWORD = "a-Long-passw0rd!"
SYSTEM_TEMPLATES = {"100001", "100002", "100003", "100004", "100005"}


def _mas_message(sandbox: Any, phone: str = PHONE) -> dict[str, Any]:
    [message] = sandbox.messages_for(phone)
    assert message["Product"] == "Dypnsapi", message  # SendSmsVerifyCode, not SendSms
    return dict(message)


def _code(message: dict[str, Any]) -> str:
    found = re.search(r"[0-9]{6}", message["Content"])
    assert found, message["Content"]
    return found[0]


def _template(sandbox: Any, usage: str) -> str:
    return str(
        next(t for t in sandbox.mas_config()["templates"] if t["usageType"] == usage)[
            "templateCode"
        ]
    )


# --- the setting itself -----------------------------------------------------------------------


def test_the_default_is_the_sendsms_connector_and_ids_are_logtos() -> None:
    assert connector_for(None).id == SMS_ID == "aliyun-short-message-service"
    assert connector_for(MAS_ID).is_mas
    assert MAS_ID == "aliyun-short-message-auth-service"


@pytest.mark.parametrize("name", ["mas", "aliyun-sms-mas", "", 3])
def test_an_unknown_connector_is_a_config_problem_naming_the_ids(name: Any) -> None:
    with pytest.raises(ConfigProblems) as raised:
        connector_for(name)
    [(path, message)] = raised.value.problems
    assert path == "ALIYUN_SMS_CONNECTOR"
    assert SMS_ID in message
    assert MAS_ID in message


def test_the_config_is_validated_by_the_named_connector(aliyun_sms_sandbox: Any) -> None:
    # a SendSms config (template codes per region) is not a MAS config: MAS's verdicts
    with pytest.raises(ConfigProblems) as raised:
        load_site(aliyun_sms_sandbox.connector_config(), MAS_ID)
    assert ("ALIYUN_SMS.templates[0].templateCode", "must be a string") in raised.value.problems
    config = aliyun_sms_sandbox.mas_config()
    config["templates"] = config["templates"][1:]  # SignIn gone
    with pytest.raises(ConfigProblems) as raised:
        load_site(config, MAS_ID)
    assert raised.value.problems == [
        ("ALIYUN_SMS.templates", "UsageType (SignIn) should be provided in templates.")
    ]
    site = load_site(aliyun_sms_sandbox.mas_config(), MAS_ID)
    assert site.connector.is_mas
    assert "endpoint" in site.config


def test_warnings_are_for_valid_configs_only(aliyun_sms_sandbox: Any) -> None:
    config = aliyun_sms_sandbox.mas_config()
    config["signName"] = "<your signature>"
    [(path, message)] = config_warnings(config, MAS_ID)
    assert path == "ALIYUN_SMS.signName"
    assert "placeholder" in message
    del config["accessKeyId"]  # invalid: the errors say it, not the warnings
    assert config_warnings(config, MAS_ID) == []


@pytest.mark.parametrize(
    ("phone", "problem"),
    [
        (PHONE, None),
        ("8613800138000", None),
        ("0086 138 0013 8000", None),
        (HONG_KONG, COUNTRY_NOT_SERVED),  # a mobile, outside the mainland
        ("+14155550123", COUNTRY_NOT_SERVED),
        ("+861065529988", NOT_A_MOBILE),  # a Beijing landline
        ("+999123", NOT_A_MOBILE),
    ],
)
def test_mas_numbers_are_mainland_mobiles(
    aliyun_sms_sandbox: Any, phone: str, problem: str | None
) -> None:
    site = load_site(aliyun_sms_sandbox.mas_config(), MAS_ID)
    assert number_problem(phone, site) == problem


def test_a_number_mas_refuses_is_the_users_to_fix_and_costs_nothing(
    aliyun_sms_sandbox: Any, caplog: pytest.LogCaptureFixture
) -> None:
    site = load_site(aliyun_sms_sandbox.mas_config(), MAS_ID)
    sent = Delivery("test", HONG_KONG, "SignIn", {"code": "123456"}, lambda: site).send()
    assert sent.outcome == "bad_number"
    assert aliyun_sms_sandbox.requests == []
    assert (
        f"SMS to {masked(HONG_KONG)} (SignIn) not sent: invalid_request_parameters" in caplog.text
    )
    assert HONG_KONG not in caplog.text


def test_async_sends_go_through_mas(aliyun_sms_sandbox: Any) -> None:
    site = load_site(aliyun_sms_sandbox.mas_config(), MAS_ID)
    delivery = Delivery("test", PHONE, "SignIn", {"code": "654321"}, lambda: site)
    assert asyncio.run(delivery.send_async()).outcome == "sent"
    message = _mas_message(aliyun_sms_sandbox)
    assert message["TemplateCode"] == _template(aliyun_sms_sandbox, "SignIn")
    assert message["TemplateParam"] == '{"code":"654321","min":"10"}'


# --- Django: allauth and two-factor -----------------------------------------------------------


@pytest.fixture
def mas_site(django_db: None, aliyun_sms_sandbox: Any) -> Iterator[Any]:
    """The Django project on the MAS connector, pointed at the sandbox."""
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test.utils import override_settings

    with override_settings(ALIYUN_SMS=aliyun_sms_sandbox.mas_config(), ALIYUN_SMS_CONNECTOR=MAS_ID):
        yield aliyun_sms_sandbox
    call_command("flush", interactive=False, verbosity=0)
    cache.clear()


def _sign_up(client: Any, phone: str = PHONE) -> Any:
    return client.post(
        "/accounts/signup/", {"phone": phone, "username": "mei", "password1": PASSWORD}
    )


def test_allauth_sign_up_sends_through_mas_and_the_code_verifies(mas_site: Any) -> None:
    from django.test import Client
    from django_project.phones.models import Phone

    client = Client()
    response = _sign_up(client)
    assert response.status_code == 302, response.content[:500]
    message = _mas_message(mas_site)
    assert message["TemplateCode"] == _template(mas_site, "Register")
    assert message["PhoneNumber"] == "13800138000"  # the national number, CountryCode 86
    response = client.post("/accounts/phone/verify/", {"code": _code(message)})
    assert response.status_code == 302
    assert Phone.objects.get(number=PHONE).verified


@pytest.mark.parametrize(
    ("phone", "text"),
    [
        (HONG_KONG, "We cannot send text messages to numbers in this country or region."),
        ("+861065529988", "This number cannot receive text messages."),
    ],
)
def test_allauth_refuses_at_the_form_what_mas_cannot_reach(
    mas_site: Any, phone: str, text: str
) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    response = _sign_up(Client(), phone)
    assert response.status_code == 200  # the form again, with the field's error
    assert text in response.content.decode()
    assert mas_site.requests == []
    assert not get_user_model().objects.exists()


def test_the_same_hong_kong_number_passes_the_form_on_the_sendsms_connector(
    django_site: Any,
) -> None:
    from django.test import Client

    assert _sign_up(Client(), HONG_KONG).status_code == 302
    [message] = django_site.messages_for(HONG_KONG)
    assert message.get("Product") != "Dypnsapi"


def test_two_factor_login_sends_through_mas(mas_site: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from two_factor.plugins.phonenumber.models import PhoneDevice

    user = get_user_model().objects.create_user("mei", password=PASSWORD)
    PhoneDevice.objects.create(user=user, name="default", number=PHONE, method="sms")
    client = Client()
    response = client.post(
        "/account/login/",
        {"login_view-current_step": "auth", "auth-username": "mei", "auth-password": PASSWORD},
    )
    assert response.status_code == 200
    message = _mas_message(mas_site)
    assert message["TemplateCode"] == _template(mas_site, "MfaVerification")
    response = client.post(
        "/account/login/",
        {"login_view-current_step": "token", "token-otp_token": _code(message)},
    )
    assert response.status_code == 302
    assert client.get("/home/").content == b"home: mei"


def test_two_factors_phone_form_uses_mas_rule(mas_site: Any) -> None:
    from logto_connector_aliyun_sms.contrib.two_factor import AliyunPhoneNumberForm

    refused = AliyunPhoneNumberForm(data={"number": HONG_KONG})
    assert not refused.is_valid()
    assert refused.errors["number"] == [COUNTRY_NOT_SERVED]
    assert AliyunPhoneNumberForm(data={"number": PHONE}).is_valid()


def _checks(**overrides: Any) -> list[Any]:
    from django.core import checks
    from django.test.utils import override_settings

    with override_settings(**overrides):
        return [m for m in checks.run_checks() if m.id and m.id.startswith("aliyun_sms.")]


def test_django_checks_validate_the_mas_config(mas_site: Any) -> None:
    assert _checks() == []
    config = mas_site.mas_config()
    config["templates"] = config["templates"][1:]  # SignIn gone
    [error] = _checks(ALIYUN_SMS=config)
    assert error.id == "aliyun_sms.E001"
    assert "UsageType (SignIn) should be provided in templates." in error.msg
    # Logto's SendSms config under the MAS id: MAS's verdicts, not SendSms's
    assert any(m.id == "aliyun_sms.E001" for m in _checks(ALIYUN_SMS=mas_site.connector_config()))


def test_django_checks_warn_what_aliyun_would_refuse(mas_site: Any) -> None:
    config = mas_site.mas_config()
    config["templates"][0]["templateCode"] = "SMS_123456789"  # not a system template
    [warning] = _checks(ALIYUN_SMS=config)
    assert warning.id == "aliyun_sms.W002"
    assert warning.msg.startswith("ALIYUN_SMS.templates[0].templateCode: ")
    assert "100001" in warning.msg
    assert mas_site.access_key_secret not in warning.msg


def test_django_an_unknown_connector_is_a_check_error(django_site: Any) -> None:
    [error] = _checks(ALIYUN_SMS_CONNECTOR="aliyun-sms-mas")
    assert error.id == "aliyun_sms.E001"
    assert error.msg.startswith("ALIYUN_SMS_CONNECTOR: is 'aliyun-sms-mas'")
    assert MAS_ID in error.msg
    assert "ALIYUN_SMS_CONNECTOR" in error.hint


def test_django_test_send_goes_through_mas_and_prints_the_bizid(
    mas_site: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert manage("--to", PHONE, "--type", "BindMfa") == EXIT_OK
    message = _mas_message(mas_site)
    assert message["TemplateCode"] == _template(mas_site, "BindMfa")
    out = capsys.readouterr().out
    assert f"BizId      {message['BizId']}" in out  # read from the result's Model


def test_django_test_send_with_an_unknown_connector_is_exit_3(
    django_site: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.test.utils import override_settings

    with override_settings(ALIYUN_SMS_CONNECTOR="mas"):
        assert manage("--to", PHONE) == EXIT_INVALID_CONFIG
    err = capsys.readouterr().err
    assert "ALIYUN_SMS_CONNECTOR: is 'mas'" in err
    assert django_site.requests == []


# --- Flask-Security ---------------------------------------------------------------------------


@pytest.fixture
def flask_app(aliyun_sms_sandbox: Any) -> Iterator[Any]:
    from flask_app.app import create_app, db

    app = create_app(aliyun_sms_sandbox.mas_config(), MAS_ID)
    yield app
    with app.app_context():
        db.drop_all()


def _flask_user(app: Any, phone: str = PHONE) -> None:
    from flask_security import Totp

    with app.app_context():
        datastore = app.security.datastore
        user = datastore.create_user(email="mei@example.com", password=PASSWORD)
        user.tf_primary_method = "sms"
        totp = Totp(app.config["SECURITY_TOTP_SECRETS"], app.config["SECURITY_TOTP_ISSUER"])
        user.tf_totp_secret = totp.generate_totp_secret()
        user.tf_phone_number = phone
        datastore.commit()


def test_flask_two_factor_login_sends_through_mas(flask_app: Any, aliyun_sms_sandbox: Any) -> None:
    _flask_user(flask_app)
    client = flask_app.test_client()
    response = client.post(
        "/login", data={"email": "mei@example.com", "password": PASSWORD}, follow_redirects=True
    )
    assert response.status_code == 200
    message = _mas_message(aliyun_sms_sandbox)
    assert message["TemplateCode"] == _template(aliyun_sms_sandbox, "MfaVerification")
    response = client.post("/tf-validate", data={"code": _code(message)})
    assert response.status_code == 302
    assert client.get("/home").text == "home: mei@example.com"


def test_flask_phone_check_uses_mas_rule(flask_app: Any) -> None:
    from logto_connector_aliyun_sms.contrib.flask_security import AliyunSmsPhoneUtil

    with flask_app.test_request_context("/"):
        util = AliyunSmsPhoneUtil(flask_app)
        assert util.validate_phone_number(PHONE) is None
        assert util.validate_phone_number(HONG_KONG) == COUNTRY_NOT_SERVED


def test_flask_init_refuses_an_unknown_connector(aliyun_sms_sandbox: Any) -> None:
    from flask_app.app import create_app

    from logto_connector_aliyun_sms.contrib.flask_security import ConfigError

    with pytest.raises(ConfigError, match="ALIYUN_SMS_CONNECTOR: is 'sms'"):
        create_app(aliyun_sms_sandbox.mas_config(), "sms")


def test_flask_init_validates_with_mas_and_logs_its_warnings(
    aliyun_sms_sandbox: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from flask_app.app import create_app

    from logto_connector_aliyun_sms.contrib.flask_security import ConfigError

    with pytest.raises(ConfigError, match=r"templates\[0\]\.templateCode: must be a string"):
        create_app(aliyun_sms_sandbox.connector_config(), MAS_ID)
    config = aliyun_sms_sandbox.mas_config()
    config["signName"] = "<your signature>"
    with caplog.at_level(logging.WARNING, "logto_connector_aliyun_sms.contrib"):
        create_app(config, MAS_ID)
    assert "ALIYUN_SMS.signName: signName looks like a placeholder" in caplog.text


def test_flask_test_send_goes_through_mas_and_prints_the_bizid(
    flask_app: Any, aliyun_sms_sandbox: Any
) -> None:
    result = flask_app.test_cli_runner().invoke(
        args=["aliyun-sms", "send", "--to", PHONE, "--type", "SignIn"]
    )
    assert result.exit_code == EXIT_OK, result.output
    message = _mas_message(aliyun_sms_sandbox)
    assert f"BizId      {message['BizId']}" in result.output
    assert message["TemplateCode"] in SYSTEM_TEMPLATES
    assert "RequestId  " in result.output
