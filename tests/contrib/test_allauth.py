"""django-allauth phone sign-up and verification, through the real views and the sandbox."""

from __future__ import annotations

import re
from typing import Any

import pytest

PHONE = "+8613800138000"


def _code_for(sandbox: Any, phone: str) -> str:
    [message] = sandbox.messages_for(phone)[:1]
    found = re.search(r"[0-9]{6}", message["Content"])
    assert found, message["Content"]
    return found[0]


def _sign_up(client: Any, phone: str = PHONE, username: str = "mei") -> Any:
    return client.post(
        "/accounts/signup/",
        {"phone": phone, "username": username, "password1": "a-Long-passw0rd!"},
    )


def test_phone_sign_up_code_reaches_the_phone_and_verifies(django_site: Any) -> None:
    from django.test import Client
    from django_project.phones.models import Phone

    client = Client()
    response = _sign_up(client)
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == "/accounts/phone/verify/"
    [message] = django_site.messages_for(PHONE)
    assert (
        message["TemplateCode"]
        == django_site.connector_config()["templates"][1]["templateCode"]["china"]
    )  # Register, the mainland template
    code = _code_for(django_site, PHONE)

    response = client.post("/accounts/phone/verify/", {"code": code})
    assert response.status_code == 302
    assert Phone.objects.get(number=PHONE).verified


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_resend_inside_the_flow_control_window_is_allauths_rate_limit(
    django_site: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from django.test import Client
    from django_project.phones.models import Phone

    client = Client()
    _sign_up(client)
    code = _code_for(django_site, PHONE)

    response = client.post("/accounts/phone/verify/", {"action": "resend"})
    assert response.status_code == 302  # not a 500
    assert "Be patient, you are sending too many requests." in _messages(response)
    assert len(django_site.messages_for(PHONE)) == 1  # Aliyun refused the second one
    assert "rate_limit_exceeded" in caplog.text
    assert PHONE not in caplog.text  # masked

    response = client.post("/accounts/phone/verify/", {"code": code})
    assert response.status_code == 302
    assert Phone.objects.get(number=PHONE).verified


def test_overseas_number_uses_the_overseas_template(django_site: Any) -> None:
    from django.test import Client

    phone = "+85261234567"
    response = _sign_up(Client(), phone)
    assert response.status_code == 302
    [message] = django_site.messages_for(phone)
    register = next(
        t for t in django_site.connector_config()["templates"] if t["usageType"] == "Register"
    )
    assert message["TemplateCode"] == register["templateCode"]["overseas"]


def test_a_failed_send_is_a_message_not_a_500(
    django_site: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from django.test import Client

    django_site.set_balance(0)  # isv.AMOUNT_NOT_ENOUGH: not retryable, not the user's to fix
    response = _sign_up(Client())
    assert response.status_code == 302
    # one honest message, and no "A verification code has been sent" beside it
    assert _messages(response) == [
        "Text messages cannot be sent at the moment. Please contact the site's support."
    ]
    assert "not sent: usage_limit_exceeded" in caplog.text
    assert "isv.AMOUNT_NOT_ENOUGH" in caplog.text
    assert "RequestId " in caplog.text
    assert "Top it up" in caplog.text  # the hint
    assert PHONE not in caplog.text


def test_allauths_default_code_is_refused_before_any_request(
    django_site: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from django.test import Client
    from django.test.utils import override_settings

    with override_settings(ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT={}):
        response = _sign_up(Client())
    assert response.status_code == 302
    assert _messages(response) == [
        "Text messages cannot be sent at the moment. Please contact the site's support."
    ]
    assert django_site.requests == []
    assert "ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT" in caplog.text


def test_phone_change_is_bind_new_identifier(django_site: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.create_user("li", password="a-Long-passw0rd!")
    client = Client()
    client.force_login(user)
    new = "+8613900139000"
    response = client.post("/accounts/phone/change/", {"phone": new})
    assert response.status_code == 302, response.content[:300]
    [message] = django_site.messages_for(new)
    bind = next(
        t
        for t in django_site.connector_config()["templates"]
        if t["usageType"] == "BindNewIdentifier"
    )
    assert message["TemplateCode"] == bind["templateCode"]["china"]


async def test_sign_up_under_asgi(django_site: Any) -> None:
    from asgiref.sync import sync_to_async
    from django.test import AsyncClient
    from django_project.phones.models import Phone

    client = AsyncClient()
    response = await client.post(
        "/accounts/signup/",
        {"phone": PHONE, "username": "mei", "password1": "a-Long-passw0rd!"},
    )
    assert response.status_code == 302
    code = _code_for(django_site, PHONE)
    response = await client.post("/accounts/phone/verify/", {"code": code})
    assert response.status_code == 302
    phone = await sync_to_async(Phone.objects.get)(number=PHONE)
    assert phone.verified


async def test_the_sync_hook_refuses_the_event_loop_and_the_async_one_sends(
    django_site: Any,
) -> None:
    from django.core.exceptions import SynchronousOnlyOperation

    from logto_connector_aliyun_sms.contrib.allauth import AccountAdapter

    adapter = AccountAdapter()
    with pytest.raises(SynchronousOnlyOperation, match="asend_verification_code_sms"):
        adapter.send_verification_code_sms(user=None, phone=PHONE, code="123456")
    await adapter.asend_verification_code_sms(user=None, phone=PHONE, code="654321")
    [message] = django_site.messages_for(PHONE)
    assert "654321" in message["Content"]


def test_enumeration_notices_go_only_to_a_template_of_their_own(django_site: Any) -> None:
    from django.test import Client
    from django.test.utils import override_settings

    _sign_up(Client())
    django_site.clear_messages()
    _sign_up(Client(), username="someone-else")  # the same number again: no code, no notice
    assert django_site.messages_for(PHONE) == []

    django_site.add_template("SMS_700000001", "该手机号已注册，请直接登录。", kind="notification")
    config = django_site.connector_config()
    config["templates"].append(
        {"usageType": "AccountAlreadyExists", "templateCode": "SMS_700000001", "type": 0}
    )
    with override_settings(ALIYUN_SMS=config):
        response = _sign_up(Client(), username="a-third-one")
    assert response.status_code == 302
    [notice] = django_site.messages_for(PHONE)
    assert notice["TemplateCode"] == "SMS_700000001"
    assert notice["Content"].endswith("该手机号已注册，请直接登录。")


def test_login_by_code_is_sign_in(django_site: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_project.phones.models import Phone

    user = get_user_model().objects.create_user("li", password="a-Long-passw0rd!")
    Phone.objects.create(user=user, number=PHONE, verified=True)
    user.last_login = user.date_joined
    user.save()
    client = Client()
    response = client.post("/accounts/login/code/", {"phone": PHONE})
    assert response.status_code == 302, response.content[:300]
    [message] = django_site.messages_for(PHONE)
    sign_in = next(
        t for t in django_site.connector_config()["templates"] if t["usageType"] == "SignIn"
    )
    assert message["TemplateCode"] == sign_in["templateCode"]["china"]
    code = _code_for(django_site, PHONE)
    response = client.post("/accounts/login/code/confirm/", {"code": code})
    assert response.status_code == 302
    assert client.get("/home/").content == b"home: li"


async def test_outside_a_request_a_failure_raises_sms_not_sent(
    django_site: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from asgiref.sync import sync_to_async

    import logto_connector_aliyun_sms as aliyun_sms
    from logto_connector_aliyun_sms.contrib.allauth import AccountAdapter, SmsNotSent

    django_site.set_balance(0)
    with pytest.raises(SmsNotSent) as failed:
        await AccountAdapter().asend_verification_code_sms(user=None, phone=PHONE, code="654321")
    assert isinstance(failed.value, aliyun_sms.ConnectorError)
    assert failed.value.code is aliyun_sms.ConnectorErrorCode.USAGE_LIMIT_EXCEEDED
    assert failed.value.data["Code"] == "isv.AMOUNT_NOT_ENOUGH"
    assert failed.value.data["retryable"] is False
    assert "isv.AMOUNT_NOT_ENOUGH" in caplog.text  # and logged, as in a request
    with pytest.raises(SmsNotSent):  # the blocking hook too (a management command, a shell)
        await sync_to_async(AccountAdapter().send_verification_code_sms)(
            user=None, phone=PHONE, code="654321"
        )


def test_unknown_account_notice(django_site: Any) -> None:
    from django.test.utils import override_settings

    from logto_connector_aliyun_sms.contrib.allauth import AccountAdapter

    adapter = AccountAdapter()
    adapter.send_unknown_account_sms(PHONE)  # no template of its own: nothing is sent
    with override_settings(ALIYUN_SMS=None):
        adapter.send_unknown_account_sms(PHONE)  # nor with a broken config
    assert django_site.requests == []
    django_site.add_template("SMS_700000002", "该手机号尚未注册。", kind="notification")
    config = django_site.connector_config()
    config["templates"].append({"usageType": "UnknownAccount", "templateCode": "SMS_700000002"})
    with override_settings(ALIYUN_SMS=config):
        adapter.send_unknown_account_sms(PHONE)
    [notice] = django_site.messages_for(PHONE)
    assert notice["TemplateCode"] == "SMS_700000002"


def test_a_rate_limit_where_allauth_does_not_catch_it_is_its_429_page(django_site: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.create_user("li", password="a-Long-passw0rd!")
    client = Client()
    client.force_login(user)
    new = "+8613900139000"
    assert client.post("/accounts/phone/change/", {"phone": new}).status_code == 302
    response = client.post("/accounts/phone/change/", {"phone": new})  # inside the minute
    assert response.status_code == 429
    assert len(django_site.messages_for(new)) == 1


def _template_of(sandbox: Any, usage: str, where: str = "china") -> str:
    templates = sandbox.connector_config()["templates"]
    return str(next(t for t in templates if t["usageType"] == usage)["templateCode"][where])


def test_reauthentication_by_code_is_user_permission_validation(django_site: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_project.phones.models import Phone

    user = get_user_model().objects.create_user("li", password="a-Long-passw0rd!")
    Phone.objects.create(user=user, number=PHONE, verified=True)
    client = Client()
    client.force_login(user)
    response = client.post("/accounts/reauthenticate/code/", {"recipient": PHONE})
    assert response.status_code == 302, response.content[:500]
    [message] = django_site.messages_for(PHONE)
    assert message["TemplateCode"] == _template_of(django_site, "UserPermissionValidation")
    response = client.post(
        "/accounts/reauthenticate/code/confirm/", {"code": _code_for(django_site, PHONE)}
    )
    assert response.status_code == 302


def test_anything_else_is_generic(django_site: Any) -> None:
    from logto_connector_aliyun_sms.contrib.allauth import AccountAdapter

    class Unusual(AccountAdapter):
        def aliyun_sms_reason(self, user: Any, phone: str, **kwargs: Any) -> str:
            return "something-allauth-adds-later"

    Unusual().send_verification_code_sms(user=None, phone=PHONE, code="123456")
    [message] = django_site.messages_for(PHONE)
    assert message["TemplateCode"] == _template_of(django_site, "Generic")


REFUSED = [
    ("+861065529988", "landline"),  # a Beijing landline: +86 but not a mobile
    ("+99987654321", "no country"),  # +999 is no country's calling code
]


@pytest.mark.parametrize(("phone", "why"), REFUSED)
def test_the_signup_form_refuses_a_number_that_cannot_receive_the_code(
    django_site: Any, phone: str, why: str
) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    response = _sign_up(Client(), phone)
    assert response.status_code == 200  # the form again, with the field's error
    errors = response.context["form"].errors["phone"]
    assert errors == [
        "This number cannot receive text messages. Enter a mobile number, with its country "
        "code if it is outside mainland China (for example +852 6123 4567)."
    ]
    assert django_site.requests == []  # nothing sent, nothing charged
    assert not get_user_model().objects.exists()  # no account half made


def test_the_refusal_reads_in_chinese_and_japanese(django_site: Any) -> None:
    from django.test import Client

    chinese = _sign_up(Client(HTTP_ACCEPT_LANGUAGE="zh-CN"), "+861065529988")
    [error] = chinese.context["form"].errors["phone"]
    assert error.startswith("该号码无法接收短信。")
    assert error in chinese.content.decode()  # rendered by allauth's own template
    japanese = _sign_up(Client(HTTP_ACCEPT_LANGUAGE="ja"), "+99987654321")
    [error] = japanese.context["form"].errors["phone"]
    assert error.startswith("この番号ではSMSを受信できません。")
    assert django_site.requests == []


def test_the_allow_list_is_applied_at_the_form(django_site: Any) -> None:
    from django.test import Client
    from django.test.utils import override_settings

    config = {**django_site.connector_config(), "allowedCountryCodes": ["CN"]}
    with override_settings(ALIYUN_SMS=config):
        response = _sign_up(Client(HTTP_ACCEPT_LANGUAGE="zh-hant"), "+85261234567")
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == ["目前不支援傳送簡訊至此國家或地區的號碼。"]
    assert django_site.requests == []


def test_a_failed_send_reads_in_chinese_without_a_code_sent_message(django_site: Any) -> None:
    from django.test import Client

    django_site.inject_fault("drop", count=5, action="SendSms")  # the connection drops
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    response = _sign_up(client)
    assert response.status_code == 302
    assert _messages(response) == ["验证码发送失败，请一分钟后重试。"]


def test_login_by_code_failure_shows_one_message(django_site: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_project.phones.models import Phone

    user = get_user_model().objects.create_user("li", password="a-Long-passw0rd!")
    Phone.objects.create(user=user, number=PHONE, verified=True)
    django_site.set_balance(0)
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    response = client.post("/accounts/login/code/", {"phone": PHONE})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/code/"  # back to the form, not on
    response = client.get(response["Location"])
    texts = [str(m) for m in response.context["messages"]]
    assert texts == ["現在SMSを送信できません。サイトのサポート窓口にお問い合わせください。"]
    # no login-by-code process was kept: the confirm page has nothing to confirm
    assert client.get("/accounts/login/code/confirm/").status_code == 302
    # reauthentication by code: the same, back to its form
    user.last_login = user.date_joined
    user.save()
    client.force_login(user)
    response = client.post("/accounts/reauthenticate/code/", {"recipient": PHONE})
    assert response["Location"] == "/accounts/reauthenticate/code/"


def test_verifying_the_phone_while_logging_in_is_sign_in(django_site: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_project.phones.models import Phone

    user = get_user_model().objects.create_user("li", password="a-Long-passw0rd!")
    Phone.objects.create(user=user, number=PHONE, verified=False)
    user.last_login = user.date_joined
    user.save()
    client = Client()
    response = client.post("/accounts/login/", {"login": PHONE, "password": "a-Long-passw0rd!"})
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == "/accounts/phone/verify/"
    [message] = django_site.messages_for(PHONE)
    assert message["TemplateCode"] == _template_of(django_site, "SignIn")
