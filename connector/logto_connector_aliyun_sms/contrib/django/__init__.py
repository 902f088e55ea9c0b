"""A Django app (``INSTALLED_APPS += ["logto_connector_aliyun_sms.contrib.django"]``) whose
system checks validate ``settings.ALIYUN_SMS`` and the code formats at start-up."""

from .._common import require

require("django", "django")
