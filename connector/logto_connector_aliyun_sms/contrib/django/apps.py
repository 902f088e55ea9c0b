"""The app config: registers the system checks."""

from __future__ import annotations

from django.apps import AppConfig


class AliyunSmsConfig(AppConfig):
    """``logto_connector_aliyun_sms.contrib.django``: start-up checks for the SMS adapters."""

    name = "logto_connector_aliyun_sms.contrib.django"
    label = "aliyun_sms"
    verbose_name = "Aliyun SMS"

    def ready(self) -> None:
        from .checks import register_checks

        register_checks()
