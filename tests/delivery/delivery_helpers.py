"""Message history written straight into the sandbox's state, for the query tests."""

from __future__ import annotations

from typing import Any

NOTICE = "SMS_DELIVERY_NOTICE"


def notice_history(sandbox: Any, phone: str, count: int, out_id: str | None = None) -> list[str]:
    """``count`` notifications to ``phone`` at the sandbox's current time (no flow control
    applies to notifications); their BizIds, oldest first."""
    sandbox.add_template(NOTICE, "您的订单${order}已发货", kind="notification")
    state = sandbox.state
    biz_ids = []
    for i in range(count):
        params = {
            "PhoneNumbers": phone,
            "SignName": state.sign_name,
            "TemplateCode": NOTICE,
            "TemplateParam": f'{{"order":"{i}"}}',
        }
        if out_id is not None:
            params["OutId"] = out_id
        answer = state.send_sms(state.default_account, params)
        assert answer.body["Code"] == "OK", answer.body
        biz_ids.append(answer.body["BizId"])
    return biz_ids
