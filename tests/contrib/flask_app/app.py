"""A minimal Flask-Security app with SMS two-factor login through Aliyun SMS."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_security import Security, SQLAlchemyUserDatastore, auth_required, current_user
from flask_security.models import fsqla_v3 as fsqla
from flask_sqlalchemy import SQLAlchemy

from logto_connector_aliyun_sms.contrib import flask_security as aliyun_sms_flask

db = SQLAlchemy()
fsqla.FsModels.set_db_info(db)


class Role(db.Model, fsqla.FsRoleMixin):  # type: ignore[name-defined,misc]
    pass


class User(db.Model, fsqla.FsUserMixin):  # type: ignore[name-defined,misc]
    pass


def create_app(aliyun_sms_config: Any) -> Flask:
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
        ALIYUN_SMS=aliyun_sms_config,
    )
    db.init_app(app)
    app.security = Security(app, SQLAlchemyUserDatastore(db, User, Role))
    aliyun_sms_flask.init_app(app)  # validates ALIYUN_SMS; SECURITY_SMS_SERVICE = "aliyun"

    @app.route("/home")
    @auth_required()
    def home() -> str:
        return f"home: {current_user.email}"

    with app.app_context():
        db.create_all()
    return app
