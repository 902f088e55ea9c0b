"""The SDK's settings as this connector uses them: timeouts, pool sizes, retries (once, here)."""

DEFAULT_CONNECT_TIMEOUT_MS = 5000
DEFAULT_READ_TIMEOUT_MS = 10000
POOL_SIZE = 64
"""Keep-alive connections per endpoint (sync path) and per event loop and host (async path)."""
MAX_CLIENTS = 32
"""Cached SDK clients; rotating keys evicts the least recently used."""
MAX_ATTEMPTS = 3
MAX_RETRY_AFTER_MS = 2000
"""A throttled call is retried only when Aliyun's ``retry-after`` is at most this long."""
DYSMSAPI = "dysmsapi"
"""Short Message Service (SendSms): the first connector's product."""
DYPNSAPI = "dypnsapi"
"""Message Authentication Service (SendSmsVerifyCode): the ``mas`` connector's product."""
PRODUCTS = {
    DYSMSAPI: "alibabacloud_dysmsapi20170525",
    DYPNSAPI: "alibabacloud_dypnsapi20170525",
}
"""Product -> the import package of its official SDK (2017-05-25 APIs both)."""
