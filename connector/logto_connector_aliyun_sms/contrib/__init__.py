"""Adapters for Python identity platforms (optional extras).

- ``contrib.allauth``: ``AccountAdapter`` and ``AliyunSmsAdapterMixin`` for django-allauth;
- ``contrib.two_factor``: ``Gateway`` for django-two-factor-auth's ``TWO_FACTOR_SMS_GATEWAY``;
- ``contrib.django``: a Django app whose system checks validate the settings at start-up;
- ``contrib.flask_security``: ``AliyunSmsSender``, ``SECURITY_SMS_SERVICE = "aliyun"``;
- delivery receipts: ``contrib.django.urls`` (a view to include; ``contrib.django.signals.
  delivery_reported``), ``contrib.flask_receipts`` (``receipts_blueprint``, ``delivery_reported``)
  and ``contrib.aiohttp_receipts`` (``receipt_handler``).

Nothing here is imported by ``import logto_connector_aliyun_sms``.
"""
