"""Dypnsapi 2017-05-25 ``SendSmsVerifyCode`` (号码认证 · 短信认证): the service's rules.

Aliyun's Message Authentication Service sends verification codes with Aliyun's own gift
signatures (赠送签名) and system templates (100001-100005), to mainland China numbers only,
without signature review. No HTTP here: ``MasService.send_sms_verify_code`` takes the caller's
account and the decoded parameters and returns an ``Answer``, as the SendSms rules in
``state`` do. The state calls it under its lock and shares its outbox, clock and balance.

Answers (HTTP 200, ``Success`` beside ``Code``), as the Phone Number Verification Service's API
return codes name them: ``OK`` with ``Model {VerifyCode?, RequestId, OutId?, BizId}``;
``MOBILE_NUMBER_ILLEGAL`` for a number that is not an 11-digit mainland mobile;
``INVALID_PARAMETERS`` for a country other than 86, a signature that is not a gift signature, a
template that is not a system template or a TemplateParam without its variables;
``FREQUENCY_FAIL`` for a second code to a number within ``Interval`` seconds (default 60);
``BUSINESS_LIMIT_CONTROL`` past the per-number hour and day limits; ``RESOURCE_NOT_ENOUGH`` when
the balance is spent.
"""

from __future__ import annotations

import json
import random
import re
import string
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .answers import Answer, missing, new_request_id
from .flow import FlowControl, Limits
from .models import Account, Message, Template

ACTION = "SendSmsVerifyCode"
PRODUCT = "Dypnsapi"
GIFT_SIGNATURES = ("速通互联验证码", "云渚科技验证平台")
"""The gift signatures the sandbox offers by default (configurable: seed ``giftSignatures``)."""

_TAIL = "以上验证码${min}分钟内有效，请注意保密，切勿告知他人。"
SYSTEM_TEMPLATES: dict[str, str] = {
    "100001": "您的验证码为${code}。尊敬的客户，" + _TAIL,
    "100002": "尊敬的客户，您正在进行修改手机号操作，您的验证码为${code}。" + _TAIL,
    "100003": "尊敬的客户，您正在进行重置密码操作，您的验证码为${code}。" + _TAIL,
    "100004": "尊敬的客户，您正在进行绑定手机号操作，您的验证码为${code}。" + _TAIL,
    "100005": "尊敬的客户，您正在验证绑定手机号操作，您的验证码为${code}。" + _TAIL,
}
"""The system templates (系统赠送模板): sign-in/register/generic, change phone, reset password,
bind phone, verify phone."""

LOGTO_TEMPLATES = (
    ("SignIn", "100001"),
    ("Register", "100001"),
    ("ForgotPassword", "100003"),
    ("OrganizationInvitation", "100001"),
    ("Generic", "100001"),
    ("UserPermissionValidation", "100005"),
    ("BindNewIdentifier", "100002"),
    ("MfaVerification", "100001"),
    ("BindMfa", "100001"),
)
"""Logto's MAS form defaults: usage type -> system template."""

DEFAULT_INTERVAL_S = 60
_MAINLAND_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_CODE = re.compile(r"[A-Za-z0-9]{4,8}")
_MINUTES = re.compile(r"[1-9][0-9]{0,2}")
_GENERATED = "##code##"
#: CodeType: 1 digits, 2 upper-case letters, 3 lower-case letters, 4 letters, 5 digits and
#: upper-case, 6 digits and lower-case, 7 digits and letters.
_ALPHABETS = {
    "1": string.digits,
    "2": string.ascii_uppercase,
    "3": string.ascii_lowercase,
    "4": string.ascii_letters,
    "5": string.digits + string.ascii_uppercase,
    "6": string.digits + string.ascii_lowercase,
    "7": string.digits + string.ascii_letters,
}
MESSAGES = {
    "MOBILE_NUMBER_ILLEGAL": "手机号码格式错误",
    "INVALID_PARAMETERS": "参数异常",
    "FREQUENCY_FAIL": "check frequency failed",
    "BUSINESS_LIMIT_CONTROL": "触发号码天级流控",
    "RESOURCE_NOT_ENOUGH": "资源包或余额不足",
}


def refuse(code: str, message: str | None = None) -> Answer:
    """A SendSmsVerifyCode refusal: HTTP 200, ``Success`` false."""
    body = {
        "Code": code,
        "Message": message or MESSAGES[code],
        "RequestId": new_request_id(),
        "Success": False,
    }
    return Answer(200, body)


@dataclass
class Sent:
    """What the outbox needs of one accepted code (the state makes the ``Message``)."""

    message: Message
    size: int


class MasService:
    """The Message Authentication Service of one sandbox: gift signatures, flow control."""

    def __init__(self, gift_signatures: Iterable[str] = GIFT_SIGNATURES) -> None:
        self.gift_signatures: list[str] = list(dict.fromkeys(gift_signatures))
        self.templates = {
            code: Template(code, content) for code, content in SYSTEM_TEMPLATES.items()
        }
        # hour and day limits per number; the minute is the Interval's business
        self.flow = FlowControl(Limits(per_minute=10**6, per_hour=5, per_day=10))
        self._last_sent: dict[tuple[str, str], float] = {}

    def set_gift_signatures(self, names: Iterable[str]) -> None:
        """Replace the gift signatures (Aliyun rotates them: an old one is then refused)."""
        chosen = [n for n in names if isinstance(n, str) and n]
        self.gift_signatures = list(dict.fromkeys(chosen))

    def send_sms_verify_code(
        self,
        account: Account,
        params: Mapping[str, str],
        now: float,
        biz_id: Callable[[], str],
        delivery: tuple[int, str],
    ) -> tuple[Answer, Sent | None]:
        """Decide one SendSmsVerifyCode call; the answer and, when accepted, the message."""
        for name in ("PhoneNumber", "SignName", "TemplateCode"):
            if not params.get(name):
                return missing(name), None
        if params.get("CountryCode", "86") not in ("86", ""):
            return refuse(
                "INVALID_PARAMETERS", "参数异常: 目前仅支持国内号码(CountryCode=86)"
            ), None
        number = params["PhoneNumber"]
        if not _MAINLAND_MOBILE.fullmatch(number):
            return refuse("MOBILE_NUMBER_ILLEGAL"), None
        sign = params["SignName"]
        if sign not in self.gift_signatures:
            return refuse("INVALID_PARAMETERS", "参数异常: 签名不合法，请使用赠送签名"), None
        template = self.templates.get(params["TemplateCode"])
        if template is None:
            return refuse("INVALID_PARAMETERS", "参数异常: 模板不合法，请使用赠送模板"), None
        values = _values(params.get("TemplateParam"))
        if values is None:
            return refuse(
                "INVALID_PARAMETERS", "参数异常: TemplateParam须为字符串值的JSON对象"
            ), None
        code = values.get("code")
        generated = code == _GENERATED
        if generated:
            code = _generate(params.get("CodeLength"), params.get("CodeType"))
            if code is None:
                return refuse("INVALID_PARAMETERS", "参数异常: CodeLength/CodeType"), None
        if code is None or not _CODE.fullmatch(code):
            return refuse("INVALID_PARAMETERS", "参数异常: 验证码须为4-8位字母或数字"), None
        minutes = values.get("min")
        if minutes is None or not _MINUTES.fullmatch(minutes):
            return refuse("INVALID_PARAMETERS", "参数异常: 模板变量min"), None
        interval = _interval(params.get("Interval"))
        if interval is None:
            return refuse("INVALID_PARAMETERS", "参数异常: Interval"), None
        key = (account.access_key_id, number)
        last = self._last_sent.get(key)
        if last is not None and last <= now < last + interval:
            return refuse("FREQUENCY_FAIL"), None
        flow_key = (account.access_key_id, PRODUCT, number)
        limited = self.flow.refusal(flow_key, now)
        if limited is not None:
            return refuse("BUSINESS_LIMIT_CONTROL", limited), None
        if account.balance is not None and account.balance < 1:
            return refuse("RESOURCE_NOT_ENOUGH"), None
        request_id = new_request_id()
        model: dict[str, Any] = {}
        if params.get("ReturnVerifyCode", "").lower() == "true":
            model["VerifyCode"] = code
        model["RequestId"] = str(uuid.uuid4())
        out_id = params.get("OutId") or None
        if out_id is not None:
            model["OutId"] = out_id
        model["BizId"] = biz_id()
        raw = params.get("TemplateParam")
        content = f"【{sign}】{template.render({**values, 'code': code})}"
        message = Message(
            biz_id=model["BizId"],
            phone_number=number,
            number_key=f"86{number}",
            sign_name=sign,
            template=template,
            template_param=raw,
            content=content,
            sent_at=now,
            request_id=request_id,
            access_key_id=account.access_key_id,
            out_id=out_id,
            status=delivery[0],
            err_code=delivery[1],
            product=PRODUCT,
        )
        self._last_sent[key] = now
        self.flow.record(flow_key, now)
        if account.balance is not None:
            account.balance -= 1
        answer = Answer(
            200,
            {
                "Code": "OK",
                "Message": "成功",
                "RequestId": request_id,
                "Model": model,
                "Success": True,
            },
        )
        size = len(number) + len(sign) + len(raw or "") + len(content) + len(out_id or "")
        return answer, Sent(message, size)


def _values(raw: str | None) -> dict[str, str] | None:
    if not raw:
        return {}
    try:
        values: Any = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        return None
    return values


def _generate(length: str | None, kind: str | None) -> str | None:
    """A code of ``CodeLength`` (4-8, default 4) characters of ``CodeType`` (default digits)."""
    try:
        size = int(length) if length else 4
    except ValueError:
        return None
    alphabet = _ALPHABETS.get(kind or "1")
    if alphabet is None or not 4 <= size <= 8:
        return None
    return "".join(random.choice(alphabet) for _ in range(size))


def _interval(raw: str | None) -> int | None:
    if not raw:
        return DEFAULT_INTERVAL_S
    try:
        seconds = int(raw)
    except ValueError:
        return None
    return seconds if 0 <= seconds <= 86400 else None
