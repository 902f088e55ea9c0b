"""send_message: placeholder until the send path lands (issue 4)."""

from typing import Any


def send_message(data: Any, config: Any) -> dict[str, Any]:
    raise NotImplementedError


async def send_message_async(data: Any, config: Any) -> dict[str, Any]:
    raise NotImplementedError
