"""Adapters for Python identity platforms (optional extras).

- ``contrib.allauth``: ``AccountAdapter`` and ``AliyunSmsAdapterMixin`` for django-allauth;
- ``contrib.two_factor``: ``Gateway`` for django-two-factor-auth's ``TWO_FACTOR_SMS_GATEWAY``
  (and ``AliyunSmsMethod``, its SMS method with the connector's phone check);
- ``contrib.django``: a Django app whose system checks validate the settings at start-up, with
  ``manage.py aliyun_sms_send``;
- ``contrib.flask_security``: ``AliyunSmsSender`` (``SECURITY_SMS_SERVICE = "aliyun"``),
  ``AliyunSmsPhoneUtil``, ``AliyunSmsUserMixin`` and ``flask aliyun-sms send``;
- delivery receipts: ``contrib.django.urls`` (a view to include; ``contrib.django.signals.
  delivery_reported``), ``contrib.flask_receipts`` (``receipts_blueprint``, ``delivery_reported``)
  and ``contrib.aiohttp_receipts`` (``receipt_handler``).

The connector config is ``ALIYUN_SMS`` (Django settings, Flask ``app.config``);
``ALIYUN_SMS_CONNECTOR`` names the connector by its Logto id: ``aliyun-short-message-service``
(SendSms, the default) or ``aliyun-short-message-auth-service`` (the ``mas`` connector).

A send that fails where no user can be told raises ``SmsNotSent`` (a ``ConnectorError``). The
end-user texts are translated from ``locale/`` (zh-Hans, zh-Hant, ja, ko). Nothing here is
imported by ``import logto_connector_aliyun_sms``.
"""
