"""Many sends at once on one loop: the pooled session answers every one, each with its own."""

from __future__ import annotations

import asyncio
from typing import Any

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms._sdk.constants import POOL_SIZE

SENDS = 300


def test_300_concurrent_async_sends_are_all_answered(aliyun_sms_sandbox: Any) -> None:
    """300 sends gathered on one loop (more than the pool's 64 connections): every one
    answered OK with its own RequestId and BizId, each exactly once in the sandbox's outbox."""
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    phones = [f"+8526{i:07d}" for i in range(SENDS)]  # international: no per-number flow limit

    async def all_at_once() -> list[Any]:
        return await asyncio.gather(
            *(
                aliyun_sms.send_message_async(
                    {"to": phone, "type": "SignIn", "payload": {"code": "123456"}}, config
                )
                for phone in phones
            )
        )

    results = asyncio.run(all_at_once())
    assert [result["Code"] for result in results] == ["OK"] * SENDS
    for phone, result in zip(phones, results, strict=True):
        (message,) = sb.messages_for(phone)
        assert (result["RequestId"], result["BizId"]) == (message["RequestId"], message["BizId"])
    assert len(sb.requests) == SENDS
    assert POOL_SIZE < SENDS
