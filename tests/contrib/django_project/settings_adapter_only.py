"""The project without the checks app: only the adapter and gateway are named in settings."""

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS

INSTALLED_APPS = [a for a in INSTALLED_APPS if a != "logto_connector_aliyun_sms.contrib.django"]
ALIYUN_SMS = {"accessKeyId": "LTAI-only-an-id", "signName": "Shop"}
