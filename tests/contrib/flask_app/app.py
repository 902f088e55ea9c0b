"""A Flask-Security app with SMS two-factor login and unified sign-in through Aliyun SMS."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_babel import Babel
from flask_security import Security, SQLAlchemyUserDatastore, auth_required, current_user
from flask_security.models import fsqla_v3 as fsqla
from flask_sqlalchemy import SQLAlchemy

from logto_connector_aliyun_sms.contrib import flask_security as aliyun_sms_flask

db = SQLAlchemy()
fsqla.FsModels.set_db_info(db)


class Role(db.Model, fsqla.FsRoleMixin):  # type: ignore[name-defined,misc]
    pass


class User(aliyun_sms_flask.AliyunSmsUserMixin, db.Model, fsqla.FsUserMixin):  # type: ignore[name-defined,misc]
    pass


# the browser's language -> the name of Flask-Security's catalogs (the adapter reads either)
LANGUAGES = {"zh-CN": "zh_Hans_CN", "zh-TW": "zh_Hant_TW", "ja": "ja_JP", "en": "en"}


def pick_language() -> str:
    return LANGUAGES[request.accept_languages.best_match(list(LANGUAGES), "en")]


def create_app(aliyun_sms_config: Any, connector: str = "aliyun-short-message-service") -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="tests-only-not-secret",
        SQLALCHEMY_DATABASE_URI="sqlite://",
        WTF_CSRF_ENABLED=False,
        SECURITY_PASSWORD_SALT="tests-only",
        SECURITY_PASSWORD_HASH="plaintext",
        SECURITY_TOTP_SECRETS={"1": "tests-only-totp-secret"},
        SECURITY_TOTP_ISSUER="Aliyun SMS tests",
        SECURITY_TWO_FACTOR=True,
        SECURITY_TWO_FACTOR_ENABLED_METHODS=["sms"],
        SECURITY_UNIFIED_SIGNIN=True,
        SECURITY_US_ENABLED_METHODS=["password", "sms"],
        ALIYUN_SMS=aliyun_sms_config,
        ALIYUN_SMS_CONNECTOR=connector,  # or "aliyun-short-message-auth-service" (MAS)
    )
    db.init_app(app)
    Babel(app, locale_selector=pick_language)  # optional: the texts in the user's language
    app.security = Security(
        app,
        SQLAlchemyUserDatastore(db, User, Role),
        phone_util_cls=aliyun_sms_flask.AliyunSmsPhoneUtil,  # refuses numbers SMS cannot reach
    )
    aliyun_sms_flask.init_app(app)  # validates ALIYUN_SMS; SECURITY_SMS_SERVICE = "aliyun"

    @app.route("/home")
    @auth_required()
    def home() -> str:
        return f"home: {current_user.email}"

    with app.app_context():
        db.create_all()
    return app
