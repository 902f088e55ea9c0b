"""django-two-factor-auth: the login and setup wizards with an SMS device, through the sandbox."""

from __future__ import annotations

import re
from typing import Any

import pytest

PHONE = "+8613800138000"
PASSWORD = "a-Long-passw0rd!"


def _template(sandbox: Any, usage: str, where: str = "china") -> str:
    templates = sandbox.connector_config()["templates"]
    return str(next(t for t in templates if t["usageType"] == usage)["templateCode"][where])


def _code(sandbox: Any, phone: str = PHONE) -> str:
    found = re.search(r"[0-9]{6}", sandbox.messages_for(phone)[0]["Content"])
    assert found
    return found[0]


def _user_with_sms_device(phone: str = PHONE) -> Any:
    from django.contrib.auth import get_user_model
    from two_factor.plugins.phonenumber.models import PhoneDevice

    user = get_user_model().objects.create_user("mei", password=PASSWORD)
    PhoneDevice.objects.create(user=user, name="default", number=phone, method="sms")
    return user


def _password_step(client: Any) -> Any:
    return client.post(
        "/account/login/",
        {
            "login_view-current_step": "auth",
            "auth-username": "mei",
            "auth-password": PASSWORD,
        },
    )


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_login_wizard_with_an_sms_device(django_site: Any) -> None:
    from django.test import Client

    _user_with_sms_device()
    client = Client()
    response = _password_step(client)
    assert response.status_code == 200
    [message] = django_site.messages_for(PHONE)
    assert message["TemplateCode"] == _template(django_site, "MfaVerification")
    response = client.post(
        "/account/login/",
        {"login_view-current_step": "token", "token-otp_token": _code(django_site)},
    )
    assert response.status_code == 302
    assert client.get("/home/").content == b"home: mei"


def test_a_second_login_inside_the_flow_control_window(
    django_site: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from django.test import Client

    _user_with_sms_device()
    _password_step(Client())
    code = _code(django_site)
    client = Client()
    response = _password_step(client)
    assert response.status_code == 200  # the token step, not a 500
    page = response.content.decode()
    assert "Too many codes were requested for this number." in page  # on the token page
    assert "We sent you a text message" not in page
    assert len(django_site.messages_for(PHONE)) == 1
    assert PHONE not in caplog.text
    response = client.post(
        "/account/login/", {"login_view-current_step": "token", "token-otp_token": code}
    )
    assert response.status_code == 302  # the code that did arrive still works


def test_a_failed_send_is_a_message(django_site: Any, caplog: pytest.LogCaptureFixture) -> None:
    from django.test import Client

    _user_with_sms_device()
    django_site.set_balance(0)
    response = _password_step(Client())
    assert response.status_code == 200
    page = response.content.decode()
    # the token page says what happened, in place of two-factor's "We sent you a text message"
    assert "Text messages cannot be sent at the moment." in page
    assert "We sent you a text message" not in page
    assert _messages(response) == []  # said once
    assert "isv.AMOUNT_NOT_ENOUGH" in caplog.text


def test_a_failed_login_send_reads_in_chinese(django_site: Any) -> None:
    from django.test import Client

    _user_with_sms_device()
    django_site.inject_fault("drop", count=5, action="SendSms")
    response = _password_step(Client(HTTP_ACCEPT_LANGUAGE="zh-CN"))
    assert "验证码发送失败，请一分钟后重试。" in response.content.decode()


def test_without_the_app_the_gateway_tells_the_user_by_message(django_site: Any) -> None:
    from django.test import Client
    from two_factor.plugins.phonenumber.method import SMSMethod
    from two_factor.plugins.registry import registry

    from logto_connector_aliyun_sms.contrib.two_factor import install_method

    _user_with_sms_device()
    registry.unregister("sms")
    registry.register(SMSMethod())  # as two-factor has it without our app
    try:
        django_site.set_balance(0)
        response = _password_step(Client())
    finally:
        install_method()
    assert _messages(response) == [
        "Text messages cannot be sent at the moment. Please contact the site's support."
    ]


def _setup_steps(client: Any, phone: str) -> Any:
    steps = [
        {"setup_view-current_step": "welcome"},
        {"setup_view-current_step": "method", "method-method": "sms"},
        {"setup_view-current_step": "sms", "sms-number": phone},
    ]
    for data in steps:
        response = client.post("/account/two_factor/setup/", data)
        assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("phone", "error"),
    [
        ("+861065529988", "该号码无法接收短信。"),  # a landline: refused by the connector's rule
        ("+99987654321", "Please enter a valid phone number"),  # two-factor's own check first
    ],
)
def test_the_setup_form_refuses_a_number_that_cannot_receive_the_code(
    django_site: Any, phone: str, error: str
) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from two_factor.plugins.phonenumber.models import PhoneDevice

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(get_user_model().objects.create_user("li", password=PASSWORD))
    response = _setup_steps(client, phone)
    assert response.context["wizard"]["steps"].current == "sms"  # still the number step
    [shown] = response.context["wizard"]["form"].errors["number"]
    assert shown.startswith(error)
    assert shown in response.content.decode()
    assert django_site.requests == []
    assert not PhoneDevice.objects.exists()


def test_a_failed_setup_send_is_two_factors_own_warning(django_site: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from two_factor.plugins.phonenumber.models import PhoneDevice

    client = Client()
    client.force_login(get_user_model().objects.create_user("li", password=PASSWORD))
    django_site.set_balance(0)
    response = _setup_steps(client, PHONE)
    page = response.content.decode()
    assert response.context["challenge_succeeded"] is False
    assert "We sent you a text message" not in page
    assert "encountered an issue with the selected authentication method" in page
    assert not PhoneDevice.objects.exists()


def test_outside_a_setup_request_a_failure_raises(django_site: Any) -> None:
    from two_factor.plugins.phonenumber.models import PhoneDevice

    from logto_connector_aliyun_sms.contrib.two_factor import Gateway, SmsNotSent

    django_site.set_balance(0)
    device = PhoneDevice(name="default", number=PHONE, method="sms")
    with pytest.raises(SmsNotSent):
        Gateway().send_sms(device, "123456")


def test_setup_wizard_sends_bind_mfa_to_an_overseas_number(django_site: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from two_factor.plugins.phonenumber.models import PhoneDevice

    phone = "+85261234567"
    client = Client()
    client.force_login(get_user_model().objects.create_user("li", password=PASSWORD))
    _setup_steps(client, phone)
    [message] = django_site.messages_for(phone)
    assert message["TemplateCode"] == _template(django_site, "BindMfa", "overseas")
    response = client.post(
        "/account/two_factor/setup/",
        {"setup_view-current_step": "validation", "validation-token": _code(django_site, phone)},
    )
    assert response.status_code == 302
    assert PhoneDevice.objects.get(number=phone).method == "sms"


def test_calls_are_refused_clearly() -> None:
    from logto_connector_aliyun_sms.contrib.two_factor import Gateway, VoiceNotSupported

    with pytest.raises(VoiceNotSupported, match="cannot place voice calls"):
        Gateway().make_call(device=None, token="123456")


def test_a_rate_limit_while_setting_up_shows_in_the_projects_base_template(
    django_site: Any,
) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.create_user("li", password=PASSWORD)
    first = Client()
    first.force_login(user)
    _setup_steps(first, PHONE)
    again = Client(HTTP_ACCEPT_LANGUAGE="ja")
    again.force_login(user)
    response = _setup_steps(again, PHONE)  # inside Aliyun's one-a-minute flow control
    page = response.content.decode()
    assert '<ul class="messages">' in page  # templates/two_factor/_base.html
    assert "この電話番号への認証コードのリクエストが多すぎます。" in page
    assert len(django_site.messages_for(PHONE)) == 1


def test_a_failed_backup_phone_send_is_a_message_not_a_500(django_site: Any) -> None:
    from django.test import Client
    from two_factor.plugins.phonenumber.models import PhoneDevice

    user = _user_with_sms_device()
    client = Client()
    _password_step(client)
    client.post(
        "/account/login/",
        {"login_view-current_step": "token", "token-otp_token": _code(django_site)},
    )
    django_site.set_balance(0)
    backup = "+8613900139000"
    response = client.post(
        "/account/two_factor/phone/register/",
        {
            "phone_setup_view-current_step": "setup",
            "setup-number": backup,
            "setup-method": "sms",
        },
    )
    assert response.status_code == 200  # two-factor's backup phone wizard catches nothing
    assert _messages(response) == [
        "Text messages cannot be sent at the moment. Please contact the site's support."
    ]
    assert not PhoneDevice.objects.filter(user=user, number=backup).exists()
