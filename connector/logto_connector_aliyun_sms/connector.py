"""create_connector: placeholder until the send path lands (issue 4)."""

from typing import Any


class AliyunSmsConnector:
    pass


def create_connector(get_config: Any) -> AliyunSmsConnector:
    raise NotImplementedError
