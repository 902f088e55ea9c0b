"""Flask-Security SMS two-factor login through the real views and the sandbox."""

from __future__ import annotations

import re
from typing import Any

import pytest

PHONE = "+8613800138000"


@pytest.fixture
def app(aliyun_sms_sandbox: Any) -> Any:
    from flask_app.app import create_app, db

    app = create_app(aliyun_sms_sandbox.connector_config())
    yield app
    with app.app_context():
        db.drop_all()


def _user(app: Any, phone: str = PHONE) -> None:
    from flask_security import Totp

    with app.app_context():
        datastore = app.security.datastore
        user = datastore.create_user(email="mei@example.com", password="a-Long-passw0rd!")
        user.tf_primary_method = "sms"
        totp = Totp(app.config["SECURITY_TOTP_SECRETS"], app.config["SECURITY_TOTP_ISSUER"])
        user.tf_totp_secret = totp.generate_totp_secret()
        user.tf_phone_number = phone
        datastore.commit()


def _log_in(client: Any) -> Any:
    return client.post(
        "/login",
        data={"email": "mei@example.com", "password": "a-Long-passw0rd!"},
        follow_redirects=True,
    )


def _code(sandbox: Any, phone: str = PHONE) -> str:
    found = re.search(r"[0-9]{6}", sandbox.messages_for(phone)[0]["Content"])
    assert found
    return found[0]


def test_two_factor_login_by_sms(app: Any, aliyun_sms_sandbox: Any) -> None:
    _user(app)
    client = app.test_client()
    response = _log_in(client)
    assert response.status_code == 200
    [message] = aliyun_sms_sandbox.messages_for(PHONE)
    mfa = next(
        t
        for t in aliyun_sms_sandbox.connector_config()["templates"]
        if t["usageType"] == "MfaVerification"
    )
    assert message["TemplateCode"] == mfa["templateCode"]["china"]
    response = client.post(
        "/tf-validate", data={"code": _code(aliyun_sms_sandbox)}, follow_redirects=False
    )
    assert response.status_code == 302
    assert client.get("/home").text == "home: mei@example.com"


def _client(app: Any, language: str) -> Any:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def _flashes(client: Any) -> list[str]:
    with client.session_transaction() as session:
        return [text for _, text in session.get("_flashes", [])]


def test_a_second_login_inside_the_flow_control_window(
    app: Any, aliyun_sms_sandbox: Any, caplog: pytest.LogCaptureFixture
) -> None:
    _user(app)
    client = app.test_client()
    _log_in(client)
    code = _code(aliyun_sms_sandbox)
    again = app.test_client()
    response = again.post(
        "/login", data={"email": "mei@example.com", "password": "a-Long-passw0rd!"}
    )
    assert response.status_code in (200, 302)  # not a 500
    assert "Too many codes were requested for this number." in " ".join(_flashes(again))
    assert len(aliyun_sms_sandbox.messages_for(PHONE)) == 1
    assert "rate_limit_exceeded" in caplog.text
    assert PHONE not in caplog.text
    # the code that did arrive still signs in
    response = again.post("/tf-validate", data={"code": code})
    assert response.status_code == 302
    assert again.get("/home").text == "home: mei@example.com"


def test_a_failed_send_is_one_honest_message(
    app: Any, aliyun_sms_sandbox: Any, caplog: pytest.LogCaptureFixture
) -> None:
    _user(app)
    aliyun_sms_sandbox.set_balance(0)
    client = app.test_client()
    response = client.post(
        "/login", data={"email": "mei@example.com", "password": "a-Long-passw0rd!"}
    )
    assert response.status_code == 302
    # in place of Flask-Security's "Failed to send code. Please try again later"
    assert _flashes(client) == [
        "Text messages cannot be sent at the moment. Please contact the site's support."
    ]
    assert "not sent: usage_limit_exceeded" in caplog.text
    assert "isv.AMOUNT_NOT_ENOUGH" in caplog.text


def test_a_failed_send_reads_in_chinese(app: Any, aliyun_sms_sandbox: Any) -> None:
    _user(app)
    aliyun_sms_sandbox.inject_fault("drop", count=5, action="SendSms")
    client = _client(app, "zh-CN")
    client.post("/login", data={"email": "mei@example.com", "password": "a-Long-passw0rd!"})
    assert _flashes(client) == ["验证码发送失败，请一分钟后重试。"]


def test_overseas_number_uses_the_overseas_template(app: Any, aliyun_sms_sandbox: Any) -> None:
    phone = "+85261234567"
    _user(app, phone)
    _log_in(app.test_client())
    [message] = aliyun_sms_sandbox.messages_for(phone)
    mfa = next(
        t
        for t in aliyun_sms_sandbox.connector_config()["templates"]
        if t["usageType"] == "MfaVerification"
    )
    assert message["TemplateCode"] == mfa["templateCode"]["overseas"]


def test_init_app_refuses_a_bad_config_with_each_path(aliyun_sms_sandbox: Any) -> None:
    from flask_app.app import create_app

    from logto_connector_aliyun_sms.contrib.flask_security import ConfigError

    config = aliyun_sms_sandbox.connector_config()
    del config["signName"]
    config["templates"][2]["templateCode"] = ""
    with pytest.raises(ConfigError) as refused:
        create_app(config)
    assert "ALIYUN_SMS.signName: is required" in str(refused.value)
    assert "ALIYUN_SMS.templates[2].templateCode" in str(refused.value)
    assert aliyun_sms_sandbox.access_key_secret not in str(refused.value)


def test_the_code_comes_out_of_custom_and_translated_texts(app: Any) -> None:
    from logto_connector_aliyun_sms.contrib.flask_security import code_from_text

    with app.test_request_context():
        assert code_from_text("Use this code to sign in: 012345") == "012345"
        assert code_from_text("Code 2024: 123456") is None  # two runs of digits: refused
        app.config["SECURITY_MSG_USE_CODE"] = ("您的验证码是 %(code)s，2024 年有效", "info")
        assert code_from_text("您的验证码是 654321，2024 年有效") == "654321"
        assert code_from_text("验证码 777777") == "777777"


def test_init_app_refuses_another_sms_service(aliyun_sms_sandbox: Any) -> None:
    from flask import Flask

    from logto_connector_aliyun_sms.contrib.flask_security import ConfigError, init_app

    app = Flask(__name__)
    app.config.update(
        ALIYUN_SMS=aliyun_sms_sandbox.connector_config(), SECURITY_SMS_SERVICE="Twilio"
    )
    with pytest.raises(ConfigError, match="SECURITY_SMS_SERVICE is 'Twilio'; set it to 'aliyun'"):
        init_app(app)
    app.config.update(SECURITY_SMS_SERVICE="aliyun", SECURITY_MSG_USE_CODE=("Your code", "info"))
    with pytest.raises(ConfigError, match=r"SECURITY_MSG_USE_CODE has no %\(code\)s"):
        init_app(app)


def test_free_text_is_never_sent(
    app: Any, aliyun_sms_sandbox: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from logto_connector_aliyun_sms.contrib.flask_security import AliyunSmsSender, SmsNotSent

    with app.test_request_context(), pytest.raises(SmsNotSent):
        AliyunSmsSender().send_sms(None, PHONE, "Order 2024 ships on 1205")
    assert aliyun_sms_sandbox.requests == []
    assert "no code found" in caplog.text
    assert "%(code)s" in caplog.text  # the hint


def test_two_factor_setup_is_bind_mfa(app: Any, aliyun_sms_sandbox: Any) -> None:
    with app.app_context():
        app.security.datastore.create_user(email="li@example.com", password="a-Long-passw0rd!")
        app.security.datastore.commit()
    client = app.test_client()
    client.post("/login", data={"email": "li@example.com", "password": "a-Long-passw0rd!"})
    assert client.get("/home").text == "home: li@example.com"
    response = client.post("/tf-setup", data={"setup": "sms", "phone": PHONE})
    assert response.status_code == 200
    [message] = aliyun_sms_sandbox.messages_for(PHONE)
    assert message["TemplateCode"] == _template(aliyun_sms_sandbox, "BindMfa")
    response = client.post("/tf-validate", data={"code": _code(aliyun_sms_sandbox)})
    assert response.status_code == 302
    with app.app_context():
        user = app.security.datastore.find_user(email="li@example.com")
        assert user.tf_primary_method == "sms"


def _template(sandbox: Any, usage: str, where: str = "china") -> str:
    templates = sandbox.connector_config()["templates"]
    return str(next(t for t in templates if t["usageType"] == usage)["templateCode"][where])


def _password_user(app: Any) -> None:
    with app.app_context():
        app.security.datastore.create_user(email="li@example.com", password="a-Long-passw0rd!")
        app.security.datastore.commit()


def test_unified_sign_in_setup_sign_in_and_verify(app: Any, aliyun_sms_sandbox: Any) -> None:
    _password_user(app)
    client = app.test_client()
    client.post("/login", data={"email": "li@example.com", "password": "a-Long-passw0rd!"})
    # /us-setup: a new identifier
    response = client.post("/us-setup", json={"chosen_method": "sms", "phone": PHONE})
    assert response.status_code == 200, response.json
    state = response.json["response"]["state"]
    [message] = aliyun_sms_sandbox.messages_for(PHONE)
    assert message["TemplateCode"] == _template(aliyun_sms_sandbox, "BindNewIdentifier")
    response = client.post(f"/us-setup/{state}", json={"passcode": _code(aliyun_sms_sandbox)})
    assert response.status_code == 200, response.json
    # /us-verify/send-code: reauthentication
    aliyun_sms_sandbox.clear_messages()
    aliyun_sms_sandbox.clock.advance(61)  # past Aliyun's one-a-minute flow control
    response = client.post("/us-verify/send-code", json={"chosen_method": "sms"})
    assert response.status_code == 200, response.json
    [message] = aliyun_sms_sandbox.messages_for(PHONE)
    assert message["TemplateCode"] == _template(aliyun_sms_sandbox, "UserPermissionValidation")
    # /us-signin/send-code: signing in
    client.post("/logout")
    aliyun_sms_sandbox.clear_messages()
    aliyun_sms_sandbox.clock.advance(61)
    response = client.post(
        "/us-signin/send-code", json={"identity": "li@example.com", "chosen_method": "sms"}
    )
    assert response.status_code == 200, response.json
    [message] = aliyun_sms_sandbox.messages_for(PHONE)
    assert message["TemplateCode"] == _template(aliyun_sms_sandbox, "SignIn")
    response = client.post(
        "/us-signin", json={"identity": "li@example.com", "passcode": _code(aliyun_sms_sandbox)}
    )
    assert response.status_code == 200, response.json
    assert client.get("/home").text == "home: li@example.com"


@pytest.mark.parametrize(
    ("phone", "error"),
    [
        ("+861065529988", "该号码无法接收短信。"),  # a landline: the connector's rule
        ("+99987654321", "手机号码非法"),  # Flask-Security's own check refuses it first
    ],
)
def test_the_setup_form_refuses_a_number_that_cannot_receive_the_code(
    app: Any, aliyun_sms_sandbox: Any, phone: str, error: str
) -> None:
    _password_user(app)
    client = _client(app, "zh-CN")
    client.post("/login", data={"email": "li@example.com", "password": "a-Long-passw0rd!"})
    response = client.post("/tf-setup", json={"setup": "sms", "phone": phone})
    assert response.status_code == 400
    errors = response.json["response"]["field_errors"]["phone"]
    assert len(errors) == 1
    assert errors[0].startswith(error)
    assert aliyun_sms_sandbox.requests == []


def test_the_landline_is_refused_by_the_connectors_rule_in_japanese(
    app: Any, aliyun_sms_sandbox: Any
) -> None:
    _password_user(app)
    client = _client(app, "ja")
    client.post("/login", data={"email": "li@example.com", "password": "a-Long-passw0rd!"})
    response = client.post("/tf-setup", data={"setup": "sms", "phone": "+861065529988"})
    assert response.status_code == 200
    assert "この番号ではSMSを受信できません。" in response.text  # Flask-Security's own form
    assert aliyun_sms_sandbox.requests == []


def test_a_view_of_no_known_flow_is_generic(app: Any, aliyun_sms_sandbox: Any) -> None:
    from logto_connector_aliyun_sms.contrib.flask_security import AliyunSmsSender

    with app.test_request_context("/somewhere-else"):
        AliyunSmsSender().send_sms(None, PHONE, "Use this code to sign in: 123456")
    [message] = aliyun_sms_sandbox.messages_for(PHONE)
    assert message["TemplateCode"] == _template(aliyun_sms_sandbox, "Generic")
