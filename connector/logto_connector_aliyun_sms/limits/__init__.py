"""The shield against SMS pumping: per-number, per-IP and per-country limits, in a shared store.

The config says which limits apply (``minSendIntervalSeconds``, ``maxMessagesPerNumberPerDay``,
``maxMessagesPerIpPerHour``, ``maxMessagesPerCountryPerHour``, ``limitsFailMode``); the host
says where they are counted: ``ALIYUN_SMS_LIMITS_URL`` (``memory://``, the default, or
``redis://host:port/db``, ``rediss://...``), read on the first send that has a limit, or
``configure_limits`` / ``use_redis`` in code. ``redis`` is imported only for a Redis store.
When the store cannot be used, ``limitsFailMode`` decides (open: send unchecked; closed:
refuse), and a warning says why, once a second at most (the failure's type and reason).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from ..kit import ConnectorError, ConnectorErrorCode
from .memory import MemoryStore
from .rules import FAIL_MODE, REFUSALS, Check, Rules, checks_for, rules_from
from .store import Refusal, Store, StoreUnavailable

__all__ = [
    "ENV_URL",
    "Limiter",
    "MemoryStore",
    "Reservation",
    "Rules",
    "StoreUnavailable",
    "checks_for",
    "configure_limits",
    "limiter",
    "reset_limits",
    "rules_from",
    "set_clock",
    "store_from_url",
    "use_redis",
]

ENV_URL = "ALIYUN_SMS_LIMITS_URL"
"""The environment variable naming the store: ``memory://`` (default) or a Redis URL."""

Clock = Callable[[], float]
"""Seconds (any origin, the same for every worker sharing a store): ``time.time``."""

logger = logging.getLogger("logto_connector_aliyun_sms")

_WARN_EVERY_S = 1.0


class Reservation(NamedTuple):
    """A send counted in its windows; given back with ``Limiter.release``."""

    checks: tuple[Check, ...]
    member: str
    store: Store


class _Ticket(NamedTuple):
    """One send's windows, its id in them, and the time (None: the store's clock)."""

    checks: tuple[Check, ...]
    member: str
    now_ms: int | None


class Limiter:
    """Checks one send against a config's limits and counts it, in ``store``.

    ``clock``: where time comes from (seconds); None: the store's own (monotonic time in
    memory, the Redis server's ``TIME``, so hosts with skewed clocks still agree).
    """

    def __init__(self, store: Store | None = None, clock: Clock | None = None) -> None:
        self.store: Store = store if store is not None else MemoryStore()
        self.clock = clock
        self._warned_at = -_WARN_EVERY_S

    def __repr__(self) -> str:
        return f"Limiter(store={self.store!r})"

    def _now_ms(self) -> int | None:
        clock = self.clock
        return None if clock is None else int(clock() * 1000)

    def _ticket(self, rules: Rules, number: str, calling_code: int, ip: Any) -> _Ticket | None:
        checks = tuple(checks_for(rules, number, calling_code, ip))
        return _Ticket(checks, os.urandom(8).hex(), self._now_ms()) if checks else None

    def reserve(
        self, rules: Rules, number: str, calling_code: int, ip: Any = None
    ) -> Reservation | None:
        """Count a send to ``number`` (E.164 digits) or raise; a ``Reservation``, or None."""
        ticket = self._ticket(rules, number, calling_code, ip)
        try:
            return None if ticket is None else self._outcome(ticket, self.store.hit(*ticket))
        except StoreUnavailable as error:
            return self._unavailable(rules, error)

    async def reserve_async(
        self, rules: Rules, number: str, calling_code: int, ip: Any = None
    ) -> Reservation | None:
        """``reserve`` for asyncio: the store's async path, never blocking the loop."""
        ticket = self._ticket(rules, number, calling_code, ip)
        if ticket is None:
            return None
        try:
            refusal = await self.store.hit_async(*ticket)
        except StoreUnavailable as error:
            return self._unavailable(rules, error)
        return self._outcome(ticket, refusal)

    def release(self, reservation: Reservation | None) -> None:
        """Give back a send whose message surely was not sent (a failure here is only logged)."""
        if reservation is None:
            return
        try:
            reservation.store.release(reservation.checks, reservation.member)
        except StoreUnavailable as error:
            logger.warning("SMS limits: could not give back a reservation: %s", error)

    async def release_async(self, reservation: Reservation | None) -> None:
        """``release`` for asyncio."""
        if reservation is None:
            return
        try:
            await reservation.store.release_async(reservation.checks, reservation.member)
        except StoreUnavailable as error:
            logger.warning("SMS limits: could not give back a reservation: %s", error)

    def _outcome(self, ticket: _Ticket, refusal: Refusal | None) -> Reservation:
        if refusal is None:
            return Reservation(ticket.checks, ticket.member, self.store)
        limit = ticket.checks[refusal.position].limit
        wait = refusal.retry_after_ms
        raise ConnectorError(
            ConnectorErrorCode.RATE_LIMIT_EXCEEDED,
            {
                "message": f"{limit}: {REFUSALS[limit]}; try again in {wait / 1000:.1f} s",
                "limit": limit,
                "retryable": True,
                "retryAfterMs": wait,
            },
        )

    def _unavailable(self, rules: Rules, error: StoreUnavailable) -> Reservation | None:
        """Fail-closed: raise; fail-open: no reservation. Either way, a warning once a second
        that says why (the store's failure: type and reason, never a password)."""
        now = time.monotonic()
        if now - self._warned_at >= _WARN_EVERY_S:
            self._warned_at = now
            logger.warning(
                "SMS limits store unavailable (%s); %s",
                error,
                "refusing to send (limitsFailMode closed)"
                if rules.fail_closed
                else "sending without limits (limitsFailMode open)",
            )
        if rules.fail_closed:
            raise ConnectorError(
                ConnectorErrorCode.GENERAL,
                {
                    "message": "the SMS limits store cannot be reached and limitsFailMode is "
                    "closed, so nothing was sent; try again shortly",
                    "limit": FAIL_MODE,
                    "retryable": True,
                    "retryAfterMs": 1000,
                },
            )
        return None


# --- the process's limiter --------------------------------------------------------------------

_lock = threading.Lock()
_default: Limiter | None = None
_clock: Clock | None = None


def store_from_url(url: str) -> Store:
    """A store for ``memory://`` or ``redis://`` / ``rediss://`` / ``unix://`` URLs."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme == "memory":
        return MemoryStore()
    if scheme in ("redis", "rediss", "unix"):
        try:
            from .redis_store import RedisStore
        except ImportError:
            raise _setup_error(
                f"{ENV_URL} names Redis, but the redis package is not installed: "
                "pip install '.[redis]' at the root of a clone of the repository"
            ) from None
        return RedisStore(url)
    raise _setup_error(
        f"{ENV_URL} must start with memory://, redis://, rediss:// or unix://, not {scheme!r}"
    )


def _setup_error(message: str) -> ConnectorError:
    return ConnectorError(ConnectorErrorCode.GENERAL, {"message": message, "retryable": False})


def limiter() -> Limiter:
    """The process's limiter; its store is chosen from ``ALIYUN_SMS_LIMITS_URL`` on first use."""
    global _default
    current = _default
    if current is None:
        with _lock:
            if _default is None:
                url = os.environ.get(ENV_URL, "").strip() or "memory://"
                _default = Limiter(store_from_url(url), _clock)
            current = _default
    return current


def _install(store: Store | None) -> None:
    global _default
    with _lock:
        _default = None if store is None else Limiter(store, _clock)


def configure_limits(url: str | None = None, client: Any = None) -> None:
    """Choose the store in code: a URL, or a ready ``redis.Redis`` / ``redis.asyncio.Redis``.

    With neither, the store is chosen again from ``ALIYUN_SMS_LIMITS_URL`` on the next send.
    Counts held by the previous store are not carried over.
    """
    if client is not None:
        use_redis(client)
    else:
        _install(None if url is None else store_from_url(url))


def use_redis(client: Any) -> None:
    """Count in Redis through the host's client: ``redis.Redis`` or ``redis.asyncio.Redis``.

    Call it once with each kind to give both paths their own client: ``send_message`` needs a
    sync client; ``send_message_async`` uses the asyncio one, else the sync one in a thread.
    Give the clients short ``socket_timeout`` and ``socket_connect_timeout`` (0.25 s or so) and
    a ``BlockingConnectionPool``. An asyncio client belongs to the event loop it first runs on.
    """
    import redis.asyncio

    from .redis_store import RedisStore

    current = _default.store if _default is not None else None
    sync, aio = None, None
    if isinstance(current, RedisStore) and current.url is None:
        sync, aio = current.client, current.async_client
    if isinstance(client, redis.asyncio.Redis):
        aio = client
    elif isinstance(client, redis.Redis):
        sync = client
    else:
        raise TypeError(f"use_redis needs a redis.Redis or redis.asyncio.Redis, not {client!r}")
    _install(RedisStore(client=sync, async_client=aio))


def set_clock(clock: Clock | None) -> None:
    """Read time from ``clock`` (seconds), e.g. a sandbox's ``clock.time``; None: real time."""
    global _clock
    with _lock:
        _clock = clock
        if _default is not None:
            _default.clock = clock


def reset_limits(clock: Clock | None = None) -> None:
    """Forget every count (in Redis too: the connector's keys) and set the clock (None: real).

    For tests: the sandbox's pytest fixture calls it before each test.
    """
    set_clock(clock)
    current = _default
    if current is not None:
        current.store.clear()
