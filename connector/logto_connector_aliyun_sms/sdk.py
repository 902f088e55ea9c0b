"""The official Aliyun SDK: cached clients, one guarded call, its failures as ConnectorErrors.

The SDK is imported here on first use, never at package import.

Retries: SendSms is not idempotent, so a call is repeated only when it surely did not reach
Aliyun (the connection could not be opened) or when Aliyun asked for it (throttling with a
``retry-after``), at most ``MAX_ATTEMPTS`` times in all.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import unquote_plus

from .endpoint import Endpoint
from .errors import error_for_answer, transport_error
from .kit import ConnectorError
from .phone import mask

DEFAULT_CONNECT_TIMEOUT_MS = 5000
DEFAULT_READ_TIMEOUT_MS = 10000
POOL_SIZE = 64  # keep-alive connections per endpoint (sync path)
MAX_CLIENTS = 32  # cached SDK clients; rotating keys evicts the oldest
MAX_ATTEMPTS = 3
MAX_RETRY_AFTER_MS = 2000
_NOT_CONNECTED = (
    "Failed to establish a new connection",
    "Connection refused",
    "Name or service not known",
    "Temporary failure in name resolution",
    "ConnectTimeoutError",
    "Connection to ",  # "Connection to HOST timed out. (connect timeout=...)"
    "ProxyError",  # the proxy refused the tunnel: nothing reached Aliyun
    # The TLS handshake failed, so no request was sent. Not every SSLError: one while reading
    # the answer comes after the request went out.
    "CERTIFICATE_VERIFY_FAILED",
    "WRONG_VERSION_NUMBER",
    "HANDSHAKE_FAILURE",
)


class ClientKey(NamedTuple):
    """What makes an SDK client: where, who, and how long to wait."""

    endpoint: Endpoint
    access_key_id: str
    secret_digest: str
    connect_timeout_ms: int
    read_timeout_ms: int


def client_key(
    endpoint: Endpoint,
    access_key_id: str,
    access_key_secret: str,
    connect_timeout_ms: int | None,
    read_timeout_ms: int | None,
) -> ClientKey:
    """The cache key; it holds a digest of the secret, never the secret."""
    digest = hashlib.sha256(access_key_secret.encode("utf-8", "surrogatepass")).hexdigest()
    return ClientKey(
        endpoint,
        access_key_id,
        digest,
        connect_timeout_ms or DEFAULT_CONNECT_TIMEOUT_MS,
        read_timeout_ms or DEFAULT_READ_TIMEOUT_MS,
    )


class SdkClient:
    """One SDK ``Client`` with its runtime options, safe to share across threads."""

    def __init__(self, key: ClientKey, access_key_secret: str) -> None:
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.models import Config
        from darabonba.runtime import RuntimeOptions

        self.key = key
        config = Config(
            access_key_id=key.access_key_id,
            access_key_secret=access_key_secret,
            endpoint=key.endpoint.host,
            protocol=key.endpoint.protocol,
            connect_timeout=key.connect_timeout_ms,
            read_timeout=key.read_timeout_ms,
            max_idle_conns=POOL_SIZE,
        )
        self.client = Client(config)
        self.runtime = RuntimeOptions(
            connect_timeout=key.connect_timeout_ms,
            read_timeout=key.read_timeout_ms,
            max_idle_conns=POOL_SIZE,
            autoretry=False,
            ignore_ssl=False,
        )
        if key.endpoint.loopback:
            _direct_session_for(key.endpoint)
        _guard_sdk_debug_log()

    def __repr__(self) -> str:
        return f"SdkClient(endpoint={self.key.endpoint.url!r}, access_key_id=...)"

    def call(self, method: str, request: Any) -> Any:
        """Call ``<method>_with_options`` (e.g. ``send_sms``); return the answer's body model.

        Raises ConnectorError for every failure, including a non-OK ``Code``.
        """
        bound: Callable[[Any, Any], Any] = getattr(self.client, f"{method}_with_options")
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                response = bound(request, self.runtime)
            except Exception as exc:
                time.sleep(_wait_before_retry(exc, attempt))
                continue
            return _answer(response)
        raise AssertionError("unreachable")  # pragma: no cover

    async def call_async(self, method: str, request: Any) -> Any:
        """``call`` for asyncio: the SDK's async method over this loop's keep-alive session."""
        import asyncio

        from .aio_transport import pooled

        bound: Callable[[Any, Any], Any] = getattr(self.client, f"{method}_with_options_async")
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with pooled():
                    response = await bound(request, self.runtime)
            except Exception as exc:
                await asyncio.sleep(_wait_before_retry(exc, attempt))
                continue
            return _answer(response)
        raise AssertionError("unreachable")  # pragma: no cover


def _wait_before_retry(exc: Exception, attempt: int) -> float:
    """Seconds to wait before trying ``exc``'s call again; raises its ConnectorError if never."""
    error, wait_s = _translate(exc)
    if wait_s is None or attempt >= MAX_ATTEMPTS:
        raise error from None
    return wait_s


def _answer(response: Any) -> Any:
    body = getattr(response, "body", None)
    code = getattr(body, "code", None)
    if body is None or not isinstance(code, str) or not _ids_are_text(body):
        raise transport_error(
            "Aliyun answered without a Code, or with ids that are not text",
            malformed=True,
            maybe_sent=True,
            http_status=getattr(response, "status_code", None),
        )
    if code != "OK":
        raise error_for_answer(body.to_map(), getattr(response, "status_code", None))
    return body


def _ids_are_text(body: Any) -> bool:
    biz_id = getattr(body, "biz_id", None)  # SendSms answers carry one
    return isinstance(body.request_id, str) and isinstance(biz_id, (str, type(None)))


_QUERY = re.compile(r"\?[^\s'\")]*")


def _scrub(text: str) -> str:
    """Drop request URLs' query strings (they hold the phone number) from an SDK message."""
    return _QUERY.sub("?...", text)[:300]


def _translate(exc: Exception) -> tuple[ConnectorError, float | None]:
    """The ConnectorError for an SDK exception, and the seconds to wait before a retry (or None)."""
    from alibabacloud_tea_openapi.exceptions import AlibabaCloudException, ThrottlingException
    from darabonba.exceptions import RetryError

    if isinstance(exc, AlibabaCloudException):
        body = dict(exc.data) if isinstance(exc.data, dict) else {}
        code = body.get("Code") or exc.code
        if not isinstance(code, str) or code in ("", "None"):  # an error status, no Aliyun body
            status = getattr(exc, "status_code", None)
            return transport_error(
                f"HTTP {status} without an Aliyun error body", malformed=True, maybe_sent=True
            ), None
        status = body.pop("statusCode", None) or getattr(exc, "status_code", None)
        body.setdefault("Code", exc.code)
        body.setdefault("Message", exc.message)
        body.setdefault("RequestId", getattr(exc, "request_id", None))
        error = error_for_answer(body, status)
        retry_after = getattr(exc, "retry_after", None)
        if isinstance(exc, ThrottlingException) and retry_after:
            assert error.data is not None
            error.data["retryAfterMs"] = retry_after
            if 0 < retry_after <= MAX_RETRY_AFTER_MS:
                return error, retry_after / 1000
        return error, None
    inner = getattr(exc, "inner_exception", exc)
    text = _scrub(str(getattr(inner, "message", "") or inner))
    if isinstance(inner, RetryError):
        surely_not_sent = getattr(inner, "surely_not_sent", False)  # the async transport's mark
        if surely_not_sent or (
            any(marker in text for marker in _NOT_CONNECTED) and "Read timed out" not in text
        ):
            return transport_error(f"could not connect to Aliyun: {text}", maybe_sent=False), 0.05
        return transport_error(f"no answer from Aliyun: {text}", maybe_sent=True), None
    if "json" in text.lower() or isinstance(inner, (ValueError, AttributeError, TypeError)):
        # not JSON, or JSON of another shape (a list where Aliyun sends an object)
        return transport_error(
            f"Aliyun's answer is not JSON: {text}", malformed=True, maybe_sent=True
        ), None
    return transport_error(f"{type(inner).__name__}: {text}", maybe_sent=True), None


# --- the client cache -------------------------------------------------------------------------

_clients: OrderedDict[ClientKey, SdkClient] = OrderedDict()
_clients_lock = threading.Lock()


def get_client(
    endpoint: Endpoint,
    access_key_id: str,
    access_key_secret: str,
    connect_timeout_ms: int | None = None,
    read_timeout_ms: int | None = None,
) -> SdkClient:
    """The cached client for these settings (least recently used evicted past MAX_CLIENTS)."""
    key = client_key(
        endpoint, access_key_id, access_key_secret, connect_timeout_ms, read_timeout_ms
    )
    return client_for(key, access_key_secret)


def client_for(key: ClientKey, access_key_secret: str) -> SdkClient:
    """The cached client for a precomputed key (the send path computes it once per config)."""
    with _clients_lock:
        client = _clients.get(key)
        if client is not None:
            _clients.move_to_end(key)
            return client
    client = SdkClient(key, access_key_secret)  # built outside the lock: the first one imports
    with _clients_lock:
        client = _clients.setdefault(key, client)
        _clients.move_to_end(key)
        while len(_clients) > MAX_CLIENTS:
            _clients.popitem(last=False)
    return client


def cached_clients() -> int:
    """How many SDK clients are cached now."""
    return len(_clients)


def clear_clients() -> None:
    """Forget every cached client (their pooled connections close when collected)."""
    with _clients_lock:
        _clients.clear()


# --- loopback endpoints ignore proxy variables ---------------------------------------------------


def _direct_session_for(endpoint: Endpoint) -> None:
    """Make the SDK reach a loopback endpoint directly, whatever HTTP_PROXY says.

    The SDK reads HTTP_PROXY itself and ignores NO_PROXY, so a proxy set for the outside world
    would swallow requests to a local sandbox. Its sync transport keeps one ``requests``
    session per host; we register, for loopback hosts only, a session that never uses a proxy.
    """
    import requests
    from darabonba.core import DaraCore

    class _DirectSession(requests.Session):
        def send(self, request: Any, **kwargs: Any) -> Any:
            kwargs["proxies"] = {}
            return super().send(request, **kwargs)

    key = f"{endpoint.protocol}://{endpoint.host}:80:pool={POOL_SIZE}"
    if key in DaraCore._sessions:
        return
    session = _DirectSession()
    session.trust_env = False
    session.mount(
        f"{endpoint.protocol}://",
        DaraCore.get_adapter(endpoint.protocol.upper(), None, pool_size=POOL_SIZE),
    )
    DaraCore._sessions.setdefault(key, session)


# --- DEBUG=sdk ---------------------------------------------------------------------------

_PHONE_PARAM = re.compile(r"(PhoneNumbers?=)([^&\s]*)")
_TEMPLATE_PARAM = re.compile(r"(TemplateParam=)[^&\s]*")
_AUTHORIZATION = re.compile(r"(?im)^([<>] (?:authorization|x-acs-security-token) : ).*$")


class _SdkDebugRedactor(logging.Filter):
    """Masks phone numbers and signatures in the SDK's own debug logs.

    With DEBUG=sdk the SDK logs each request line and its headers on ``darabonba-core``, and
    urllib3 logs each request URL at DEBUG: they hold the full phone number and the request's
    signature, and TemplateParam holds the verification code. This filter masks all three
    before any handler sees the record. (No secret is in them.)
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg, record.args = record.getMessage(), ()
        if isinstance(record.msg, str):
            text = _PHONE_PARAM.sub(
                lambda m: m.group(1) + mask(unquote_plus(m.group(2))), record.msg
            )
            text = _TEMPLATE_PARAM.sub(r"\1***", text)  # the verification code
            record.msg = _AUTHORIZATION.sub(lambda m: m.group(1) + "***", text)
        return True


_redactor = _SdkDebugRedactor()


def _guard_sdk_debug_log() -> None:
    # darabonba-core: DEBUG=sdk; urllib3.connectionpool: its DEBUG line holds the request URL
    for name in ("darabonba-core", "urllib3.connectionpool"):
        sdk_logger = logging.getLogger(name)
        if _redactor not in sdk_logger.filters:
            sdk_logger.addFilter(_redactor)
