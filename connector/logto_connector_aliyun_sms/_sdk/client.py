"""SDK clients: one per (endpoint, key, timeouts), cached; one guarded call with retries.

Retries: SendSms is not idempotent, so a call is repeated only when it surely did not reach
Aliyun (the connection could not be opened) or when Aliyun asked for it (throttling with a short
``retry-after``), at most ``MAX_ATTEMPTS`` times in all.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, NamedTuple

from ..aliyun_errors import error_for_answer, transport_error
from ..inputs.endpoint import Endpoint
from ..redact import guard_sdk_debug_log
from .constants import (
    DEFAULT_CONNECT_TIMEOUT_MS,
    DEFAULT_READ_TIMEOUT_MS,
    DYSMSAPI,
    MAX_ATTEMPTS,
    MAX_CLIENTS,
    POOL_SIZE,
    PRODUCTS,
)
from .outcome import Outcome, Progress, SendFailure
from .translate import translate


class ClientKey(NamedTuple):
    """What makes an SDK client: where, who, and how long to wait."""

    endpoint: Endpoint
    access_key_id: str
    secret_digest: str
    connect_timeout_ms: int
    read_timeout_ms: int
    product: str = DYSMSAPI  # which SDK's Client: a key of PRODUCTS


def client_key(
    endpoint: Endpoint,
    access_key_id: str,
    access_key_secret: str,
    connect_timeout_ms: int | None = None,
    read_timeout_ms: int | None = None,
    product: str = DYSMSAPI,
) -> ClientKey:
    """The cache key; it holds a digest of the secret, never the secret."""
    if product not in PRODUCTS:
        raise ValueError(f"unknown Aliyun product {product!r}")
    digest = hashlib.sha256(access_key_secret.encode("utf-8", "surrogatepass")).hexdigest()
    return ClientKey(
        endpoint,
        access_key_id,
        digest,
        connect_timeout_ms or DEFAULT_CONNECT_TIMEOUT_MS,
        read_timeout_ms or DEFAULT_READ_TIMEOUT_MS,
        product,
    )


class SdkClient:
    """One SDK ``Client`` with its runtime options, safe to share across threads."""

    def __init__(self, key: ClientKey, access_key_secret: str) -> None:
        import importlib

        from alibabacloud_tea_openapi.models import Config
        from darabonba.runtime import RuntimeOptions

        from .sync_transport import SyncTransport

        self.key = key
        client_class = importlib.import_module(f"{PRODUCTS[key.product]}.client").Client
        self.client = client_class(
            Config(
                access_key_id=key.access_key_id,
                access_key_secret=access_key_secret,
                endpoint=key.endpoint.host,
                protocol=key.endpoint.protocol,
                connect_timeout=key.connect_timeout_ms,
                read_timeout=key.read_timeout_ms,
                max_idle_conns=POOL_SIZE,
            )
        )
        self.runtime = RuntimeOptions(
            connect_timeout=key.connect_timeout_ms,
            read_timeout=key.read_timeout_ms,
            max_idle_conns=POOL_SIZE,
            autoretry=False,
            ignore_ssl=False,
        )
        self.transport = SyncTransport(POOL_SIZE)  # the sync path's own keep-alive pool
        guard_sdk_debug_log()

    def __repr__(self) -> str:
        return f"SdkClient(endpoint={self.key.endpoint.url!r}, access_key_id=...)"

    def call(self, method: str, request: Any) -> Any:
        """Call ``<method>_with_options`` (e.g. ``send_sms``); return the answer's body model.

        Raises :class:`~.outcome.SendFailure` (a ConnectorError with its :class:`~.outcome.Outcome`)
        for every failure, including a non-OK ``Code``.
        """
        bound: Callable[[Any, Any], Any] = getattr(self.client, f"{method}_with_options")
        for attempt in range(1, MAX_ATTEMPTS + 1):
            with self.transport.routed() as progress:
                try:
                    response = bound(request, self.runtime)
                except Exception as exc:
                    wait_s = _wait_before_retry(exc, progress, attempt)
                else:
                    return _answer(response)
            time.sleep(wait_s)
        raise AssertionError("unreachable")  # pragma: no cover

    async def call_async(self, method: str, request: Any) -> Any:
        """``call`` for asyncio: the SDK's async method over this loop's keep-alive session."""
        import asyncio

        from .aio_transport import pooled

        bound: Callable[[Any, Any], Any] = getattr(self.client, f"{method}_with_options_async")
        for attempt in range(1, MAX_ATTEMPTS + 1):
            with pooled() as progress:
                try:
                    response = await bound(request, self.runtime)
                except Exception as exc:
                    wait_s = _wait_before_retry(exc, progress, attempt)
                else:
                    return _answer(response)
            await asyncio.sleep(wait_s)
        raise AssertionError("unreachable")  # pragma: no cover


def _wait_before_retry(exc: Exception, progress: Progress, attempt: int) -> float:
    """Seconds to wait before trying ``exc``'s call again; raises its SendFailure if never."""
    failure, wait_s = translate(exc, progress.reached)
    if wait_s is None or attempt >= MAX_ATTEMPTS:
        raise failure from None
    return wait_s


def _answer(response: Any) -> Any:
    body = getattr(response, "body", None)
    code = getattr(body, "code", None)
    status = getattr(response, "status_code", None)
    if body is None or not isinstance(code, str) or not _ids_are_text(body):
        error = transport_error(
            "Aliyun answered without a Code, or with ids that are not text",
            malformed=True,
            maybe_sent=True,
            http_status=status,
        )
        raise SendFailure(error, Outcome.MAYBE_SENT)
    if code != "OK":
        raise SendFailure(error_for_answer(body.to_map(), status), Outcome.ANSWERED)
    return body


def _ids_are_text(body: Any) -> bool:
    biz_id = getattr(body, "biz_id", None)  # SendSms answers carry one
    return isinstance(body.request_id, str) and isinstance(biz_id, (str, type(None)))


# --- the client cache -------------------------------------------------------------------------

_clients: OrderedDict[ClientKey, SdkClient] = OrderedDict()
_clients_lock = threading.Lock()


def client_for(key: ClientKey, access_key_secret: str) -> SdkClient:
    """The cached client for a key (least recently used evicted past MAX_CLIENTS)."""
    with _clients_lock:
        client = _clients.get(key)
        if client is not None:
            _clients.move_to_end(key)
            return client
    client = SdkClient(key, access_key_secret)  # built outside the lock: the first one imports
    with _clients_lock:
        client = _clients.setdefault(key, client)
        _clients.move_to_end(key)
        evicted = [_clients.popitem(last=False)[1] for _ in range(len(_clients) - MAX_CLIENTS)]
    for old in evicted:
        old.transport.close()
    return client


def cached_clients() -> int:
    """How many SDK clients are cached now."""
    return len(_clients)


def clear_clients() -> None:
    """Forget every cached client and close its pooled connections."""
    with _clients_lock:
        dropped = list(_clients.values())
        _clients.clear()
    for client in dropped:
        client.transport.close()


def import_sdk(product: str = DYSMSAPI) -> None:
    """Import the SDK modules a send needs, and the async transport (a warm-up)."""
    import importlib

    importlib.import_module(f"{PRODUCTS[product]}.client")
    importlib.import_module(f"{PRODUCTS[product]}.models")

    from . import aio_transport, sync_transport  # noqa: F401
