"""Helpers shared by the sandbox tests: constants and the raw official SDK aimed at the sandbox."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi.models import Config
from darabonba.runtime import ExtendsParameters, RuntimeOptions

from logto_connector_aliyun_sms.sandbox import Sandbox

SIGN = "Logto Sandbox"
SIGN_IN = "SMS_900000001"  # default mainland SignIn template
SIGN_IN_INTL = "SMS_900000101"  # default international SignIn template


def make_client(
    sb: Sandbox, key: str | None = None, secret: str | None = None, **extra: Any
) -> Client:
    """An unchanged official SDK client aimed at the sandbox."""
    config = Config(
        access_key_id=key or sb.access_key_id,
        access_key_secret=secret or sb.access_key_secret,
        endpoint=f"{sb.host}:{sb.port}",
        protocol="http",
        read_timeout=5000,
        **extra,
    )
    return Client(config)


def at_clock(sb: Sandbox) -> RuntimeOptions:
    """Runtime options signing with the sandbox clock's time (``x-acs-date``), as a client whose
    clock agrees with the server's would."""
    stamp = sb.clock.now().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return RuntimeOptions(extends_parameters=ExtendsParameters(headers={"x-acs-date": stamp}))


def utc(*args: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*args, tzinfo=timezone.utc)  # type: ignore[misc]
