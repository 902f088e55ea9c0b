"""The endpoint key: host, host:port or URL; http only for loopback."""

from __future__ import annotations

import pytest

from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode
from logto_connector_aliyun_sms.inputs.endpoint import Endpoint, parse_endpoint


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, Endpoint("https", "dysmsapi.aliyuncs.com")),
        ("", Endpoint("https", "dysmsapi.aliyuncs.com")),
        (
            "dysmsapi.ap-southeast-1.aliyuncs.com",
            Endpoint("https", "dysmsapi.ap-southeast-1.aliyuncs.com"),
        ),
        ("https://dysmsapi.aliyuncs.com/", Endpoint("https", "dysmsapi.aliyuncs.com")),
        ("example.com:8443", Endpoint("https", "example.com:8443")),
        ("http://127.0.0.1:8787", Endpoint("http", "127.0.0.1:8787")),
        ("http://localhost:1", Endpoint("http", "localhost:1")),
        ("http://[::1]:8080/", Endpoint("http", "[::1]:8080")),
        ("http://127.9.8.7", Endpoint("http", "127.9.8.7")),
    ],
)
def test_parsed(value: str | None, expected: Endpoint) -> None:
    assert parse_endpoint(value) == expected


def test_loopback_flag_and_url() -> None:
    assert parse_endpoint("http://127.0.0.1:1").loopback
    assert parse_endpoint("http://localhost:1").loopback
    assert not parse_endpoint("dysmsapi.aliyuncs.com").loopback
    assert parse_endpoint(None).url == "https://dysmsapi.aliyuncs.com/"


@pytest.mark.parametrize(
    "value",
    [
        "http://dysmsapi.aliyuncs.com",
        "http://10.0.0.1:80",
        "ftp://x",
        "https://h/path",
        "https://h/?q=1",
        "https://user:pw@h",
        "https://h:99999",
        "https://:80",
        "http://127.0.0.1.evil.com",
    ],
)
def test_refused(value: str) -> None:
    with pytest.raises(ConnectorError) as caught:
        parse_endpoint(value)
    assert caught.value.code is ConnectorErrorCode.INVALID_CONFIG
