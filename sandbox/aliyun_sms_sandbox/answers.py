"""Aliyun's answers: the success shape, business errors (HTTP 200) and gateway errors (4xx/5xx)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

HOST_ID = "dysmsapi.aliyuncs.com"


def new_request_id() -> str:
    """A RequestId shaped like Aliyun's (an upper-case UUID)."""
    return str(uuid.uuid4()).upper()


@dataclass
class Answer:
    """What the service answers: an HTTP status, a JSON body and extra headers."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def code(self) -> str | None:
        """The Aliyun ``Code`` of the answer."""
        code = self.body.get("Code")
        return code if isinstance(code, str) else None


def ok(**fields: Any) -> Answer:
    """HTTP 200, ``Code`` OK, plus the action's own fields."""
    return Answer(200, {"Code": "OK", "Message": "OK", "RequestId": new_request_id(), **fields})


def business(code: str, message: str) -> Answer:
    """A business refusal: HTTP 200 with a non-OK ``Code`` (the SDK does not raise)."""
    return Answer(200, {"RequestId": new_request_id(), "Code": code, "Message": message})


def pop_error(status: int, code: str, message: str) -> Answer:
    """A gateway (POP) error: a 4xx/5xx status and Aliyun's error body."""
    request_id = new_request_id()
    return Answer(
        status,
        {
            "RequestId": request_id,
            "HostId": HOST_ID,
            "Code": code,
            "Message": message,
            "Recommend": (
                f"https://api.aliyun.com/troubleshoot?q={code}&product=Dysmsapi"
                f"&requestId={request_id}"
            ),
        },
    )


def missing(param: str) -> Answer:
    """400 ``Missing<Param>``: a required parameter is absent or empty."""
    return pop_error(400, f"Missing{param}", f"{param} is mandatory for this action.")


def invalid_parameter(param: str, detail: str = "") -> Answer:
    """400 ``InvalidParameter``-style answer for a gateway-level bad value."""
    suffix = f" {detail}" if detail else ""
    return pop_error(400, f"Invalid{param}", f"Specified parameter {param} is not valid.{suffix}")


#: Business codes and Aliyun's messages for them (see the reference, section 2b/2c).
MESSAGES: dict[str, str] = {
    "isv.SMS_SIGNATURE_ILLEGAL": "该账号下找不到对应签名",
    "isv.SMS_TEMPLATE_ILLEGAL": "该账号下找不到对应模板",
    "isv.INVALID_JSON_PARAM": "JSON参数不合法，只接受字符串值",
    "isv.TEMPLATE_MISSING_PARAMETERS": "模板缺少变量",
    "isv.TEMPLATE_PARAMS_ILLEGAL": "模板变量里包含非法关键字",
    "isv.PARAM_LENGTH_LIMIT": "参数超出长度限制",
    "isv.PARAM_NOT_SUPPORT_URL": "不支持URL",
    "isv.MOBILE_NUMBER_ILLEGAL": "非法手机号",
    "isv.MOBILE_COUNT_OVER_LIMIT": "手机号码数量超过限制",
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED": "国际/港澳台消息模板不支持发送境内号码",
    "isv.AMOUNT_NOT_ENOUGH": "账户余额不足",
    "isv.DAY_LIMIT_CONTROL": "触发日发送限额",
    "isv.INVALID_PARAMETERS": "参数异常",
}


def refuse(code: str, message: str | None = None) -> Answer:
    """A business refusal with Aliyun's usual message for ``code``."""
    return business(code, message or MESSAGES[code])
