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
    assert "Too many codes were requested for this number." in " ".join(_messages(response))
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
    assert "We could not send the code. Please try again later." in _messages(response)
    assert "isv.AMOUNT_NOT_ENOUGH" in caplog.text


def test_setup_wizard_sends_bind_mfa_to_an_overseas_number(django_site: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from two_factor.plugins.phonenumber.models import PhoneDevice

    phone = "+85261234567"
    client = Client()
    client.force_login(get_user_model().objects.create_user("li", password=PASSWORD))
    steps = [
        {"setup_view-current_step": "welcome"},
        {"setup_view-current_step": "method", "method-method": "sms"},
        {"setup_view-current_step": "sms", "sms-number": phone},
    ]
    for data in steps:
        response = client.post("/account/two_factor/setup/", data)
        assert response.status_code == 200
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
