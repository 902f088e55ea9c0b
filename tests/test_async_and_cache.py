"""The async path under concurrency, and the SDK client cache."""

from __future__ import annotations

import asyncio
import gc
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode
from logto_connector_aliyun_sms._sdk import aio_transport, client, constants
from logto_connector_aliyun_sms.config import prepare_config


def _data(i: int) -> dict[str, Any]:
    return {"to": f"+852 6{i:07d}", "type": "SignIn", "payload": {"code": f"{i % 1000000:06d}"}}


async def test_concurrent_async_sends_each_land_once(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    before = sb.stats()["connections_opened"]
    results = await asyncio.gather(
        *(aliyun_sms.send_message_async(_data(i), config) for i in range(200))
    )
    assert all(r["Code"] == "OK" for r in results)
    biz_ids = {r["BizId"] for r in results}
    assert len(biz_ids) == 200
    assert {m["BizId"] for m in sb.messages} == biz_ids
    opened = sb.stats()["connections_opened"] - before
    assert opened <= constants.POOL_SIZE


async def test_async_does_not_block_the_loop(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    sb.set_latency(rtt_ms=200)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    await asyncio.gather(
        *(aliyun_sms.send_message_async(_data(i), sb.connector_config()) for i in range(4))
    )
    task.cancel()
    assert ticks >= 10  # the loop kept running during ~200 ms of waiting


async def test_async_input_errors_raise_on_the_loop(aliyun_sms_sandbox: Any) -> None:
    with pytest.raises(ConnectorError) as caught:
        await aliyun_sms.send_message_async(
            {"to": "1,2", "type": "SignIn", "payload": {}}, aliyun_sms_sandbox.connector_config()
        )
    assert caught.value.code is ConnectorErrorCode.INVALID_REQUEST_PARAMETERS
    assert aliyun_sms_sandbox.requests == []


def test_threads_share_one_client(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda i: aliyun_sms.send_message(_data(i), config), range(64)))
    assert len({r["BizId"] for r in results}) == 64
    assert len(sb.messages) == 64
    client = prepare_config(config).client()
    assert client is prepare_config(dict(config)).client()


def test_client_cache_is_keyed_and_bounded(aliyun_sms_sandbox: Any) -> None:
    config = aliyun_sms_sandbox.connector_config()
    first = prepare_config(config).client()
    assert prepare_config(dict(config, readTimeout=1234)).client() is not first
    assert prepare_config(dict(config, accessKeySecret="other")).client() is not first
    for i in range(constants.MAX_CLIENTS + 8):
        prepare_config(dict(config, accessKeyId=f"rotating-{i}")).client()
    assert client.cached_clients() <= constants.MAX_CLIENTS
    assert "secret" not in repr(first).lower() or "other" not in repr(first)
    assert config["accessKeySecret"] not in repr(first)
    assert config["accessKeySecret"] not in repr(first.key)


async def test_async_sends_reuse_one_connection(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    await aliyun_sms.send_message_async(_data(0), config)
    before = sb.stats()["connections_opened"]
    for i in range(1, 21):
        await aliyun_sms.send_message_async(_data(i), config)
    assert sb.stats()["connections_opened"] - before == 0  # keep-alive: no new connection
    assert len(sb.messages) == 21


async def test_other_sdk_async_calls_keep_the_sdks_own_transport(aliyun_sms_sandbox: Any) -> None:
    """Only the connector's calls are routed through the pooled session."""
    from alibabacloud_dysmsapi20170525.models import SendSmsRequest

    sb = aliyun_sms_sandbox
    await aliyun_sms.send_message_async(_data(0), sb.connector_config())  # the wrapper is in place
    client = prepare_config(sb.connector_config()).client().client  # the SDK's own Client
    request = SendSmsRequest(
        phone_numbers="85260000001",
        sign_name=sb.connector_config()["signName"],
        template_code=sb.state.template_for("SignIn", international=True),
        template_param='{"code":"1234"}',
    )
    before = sb.stats()["connections_opened"]
    for _ in range(3):
        response = await client.send_sms_async(request)
        assert response.body.code == "OK"
    assert sb.stats()["connections_opened"] - before == 3  # the SDK's way: one per call


def test_the_pooled_session_closes_with_its_loop(aliyun_sms_sandbox: Any) -> None:
    sb = aliyun_sms_sandbox
    config = sb.connector_config()
    open_before = sb.stats()["open_connections"]  # the sync path's pool, kept alive

    async def two_sends() -> int:
        await aliyun_sms.send_message_async(_data(1), config)
        await aliyun_sms.send_message_async(_data(2), config)
        return aio_transport.open_sessions()

    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        assert asyncio.run(two_sends()) >= 1
        gc.collect()
    assert aio_transport.open_sessions() == 0  # asyncio.run closed it at the loop's end
    time.sleep(0.05)
    assert sb.stats()["open_connections"] <= open_before


def test_a_loop_closed_by_hand_leaves_nothing_behind(aliyun_sms_sandbox: Any) -> None:
    config = aliyun_sms_sandbox.connector_config()
    for i in range(3):
        loop = asyncio.new_event_loop()
        loop.run_until_complete(aliyun_sms.send_message_async(_data(i), config))
        loop.close()  # no shutdown_asyncgens: the next new loop's session sweeps this one
    asyncio.run(aliyun_sms.send_message_async(_data(9), config))
    assert aio_transport.open_sessions() == 0
    assert len(aio_transport._sessions) <= 1
