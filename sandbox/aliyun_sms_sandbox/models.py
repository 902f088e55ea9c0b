"""The service's records: accounts, signatures, templates and sent messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from .clock import CHINA

TemplateKind = Literal["verification", "notification"]
_VARIABLE = re.compile(r"\$\{([A-Za-z0-9_.-]+)\}")
#: SendStatus values of QuerySendDetails.
WAITING, FAILED, DELIVERED = 1, 2, 3


@dataclass
class Account:
    """An AccessKey pair with its balance (messages it can still pay for) and daily quota."""

    access_key_id: str
    access_key_secret: str
    balance: int | None = None
    daily_quota: int | None = None
    enabled: bool = True


@dataclass
class Signature:
    """A signature name (the ``【…】`` part of every message)."""

    name: str
    approved: bool = True


@dataclass
class Template:
    """A template: its code, ``${var}`` content, region and kind."""

    code: str
    content: str
    international: bool = False
    kind: TemplateKind = "verification"
    approved: bool = True
    variables: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        if self.kind not in ("verification", "notification"):
            raise ValueError(f"'kind' must be verification or notification, not {self.kind!r}")
        self.variables = tuple(dict.fromkeys(_VARIABLE.findall(self.content)))

    def render(self, values: dict[str, str]) -> str:
        """The content with every ``${var}`` replaced by its value."""
        if not self.variables:
            return self.content
        return _VARIABLE.sub(lambda m: values.get(m[1], m[0]), self.content)


def china_time(epoch: float, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """Epoch seconds formatted in UTC+8 (Aliyun's dates)."""
    return datetime.fromtimestamp(epoch, CHINA).strftime(fmt)


@dataclass
class Message:
    """One accepted message to one phone number."""

    biz_id: str
    phone_number: str
    number_key: str
    sign_name: str
    template: Template
    template_param: str | None
    content: str
    sent_at: float
    request_id: str
    access_key_id: str
    out_id: str | None = None
    status: int = DELIVERED
    err_code: str = "DELIVERED"
    reported_at: float | None = None  # when the phone's receipt comes (None: never)
    product: str = "Dysmsapi"  # or "Dypnsapi": a SendSmsVerifyCode of the mas connector
    day: str = field(init=False)  # the send date as yyyyMMdd in UTC+8

    def __post_init__(self) -> None:
        self.day = china_time(self.sent_at, "%Y%m%d")
        if self.reported_at is None and self.status != WAITING:
            self.reported_at = self.sent_at

    def outcome(self, now: float | None = None) -> tuple[int, str, str]:
        """SendStatus, ErrCode and ReceiveDate as known at ``now`` (None: in the end)."""
        reported = self.reported_at
        if self.status == WAITING or reported is None or (now is not None and reported > now):
            return WAITING, "", ""
        return self.status, self.err_code, china_time(reported)

    def as_dict(self, now: float | None = None) -> dict[str, Any]:
        """The outbox record (``GET /_sandbox/messages``)."""
        send_date = china_time(self.sent_at)
        status, err_code, receive_date = self.outcome(now)
        return {
            "BizId": self.biz_id,
            "PhoneNumber": self.phone_number,
            "SignName": self.sign_name,
            "TemplateCode": self.template.code,
            "TemplateParam": self.template_param,
            "Content": self.content,
            "SendStatus": status,
            "ErrCode": err_code,
            "SendDate": send_date,
            "ReceiveDate": receive_date,
            "OutId": self.out_id,
            "RequestId": self.request_id,
            "Product": self.product,
        }

    def as_detail(self, now: float | None = None) -> dict[str, Any]:
        """The QuerySendDetails ``SmsSendDetailDTO`` wire shape, as known at ``now``."""
        status, err_code, receive_date = self.outcome(now)
        detail: dict[str, Any] = {
            "PhoneNum": self.phone_number,
            "SendStatus": status,
            "ErrCode": err_code,
            "TemplateCode": self.template.code,
            "Content": self.content,
            "SendDate": china_time(self.sent_at),
            "ReceiveDate": receive_date,
        }
        if self.out_id is not None:
            detail["OutId"] = self.out_id
        return detail
