"""One phone number per user."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Phone(models.Model):
    """The user's phone number and whether it was verified."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    number = models.CharField(max_length=32, unique=True)
    verified = models.BooleanField(default=False)

    class Meta:
        app_label = "phones"
