"""The app config: registers the system checks and two-factor's Aliyun SMS method."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.test.signals import setting_changed

GATEWAY = "logto_connector_aliyun_sms.contrib.two_factor.Gateway"


class AliyunSmsConfig(AppConfig):
    """``logto_connector_aliyun_sms.contrib.django``: start-up checks for the SMS adapters;
    with two-factor's gateway set to ours, its SMS method becomes ``AliyunSmsMethod``."""

    name = "logto_connector_aliyun_sms.contrib.django"
    label = "aliyun_sms"
    verbose_name = "Aliyun SMS"

    def ready(self) -> None:
        from .checks import register_checks

        register_checks()
        _install_two_factor_method()
        setting_changed.connect(_on_setting_changed, dispatch_uid="aliyun_sms_two_factor")


def _install_two_factor_method() -> None:
    if not apps.is_installed("two_factor.plugins.phonenumber"):
        return
    if getattr(settings, "TWO_FACTOR_SMS_GATEWAY", None) != GATEWAY:
        return
    from ..two_factor import install_method

    install_method()


def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "TWO_FACTOR_SMS_GATEWAY":  # two-factor re-registers its own method then
        _install_two_factor_method()
