"""The relay's aiohttp application: one route per platform, ``/healthz``, ``/readyz``,
``/metrics``, and ``/v1/receipts`` for Aliyun's delivery receipts (``"receipts"`` in the config).

``create_app(config)`` builds it; ``app_from_env()`` reads the config named by
``ALIYUN_SMS_RELAY_CONFIG``, for gunicorn's aiohttp worker::

    ALIYUN_SMS_RELAY_CONFIG=relay.json gunicorn 'logto_connector_aliyun_sms.relay:app_from_env()' \\
        --worker-class aiohttp.GunicornWebWorker --workers 4 --bind 0.0.0.0:8080

A platform request goes: JSON only (415) -> at most ``maxBodyBytes`` (413) -> the body within
``body_timeout_s`` (408) -> the route's credentials (401) -> the platform's shape (400) -> a
signed delivery seen once -> the code sent once (``idempotency``) -> the platform's answer.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from aiohttp import web

from ..kit import ConnectorError, ConnectorErrorCode
from ..redact import mask_phone, scrub
from . import authentik, kratos, logto, supabase, zitadel
from .auth import ACCEPTED, DEFAULT_TOLERANCE_S
from .client_address import client_address
from .config import ENV_CONFIG, RelayConfig, RelayConfigError, RouteConfig, load_relay_config
from .connectors import Connector, connector_for
from .idempotency import ClaimStore, Once, claims_from_limits, delivery_key, key_for
from .metrics import RelayMetrics
from .receipts import RECEIPTS_PATH, receipts_handler
from .shapes import Refusal, refusal_for, usage_type

logger = logging.getLogger("logto_connector_aliyun_sms.relay")
access_logger = logging.getLogger("logto_connector_aliyun_sms.relay.access")

PLATFORMS: dict[str, ModuleType] = {
    "logto": logto,
    "authentik": authentik,
    "zitadel": zitadel,
    "supabase": supabase,
    "kratos": kratos,
}
"""Route name -> the module that reads its platform's request and writes its answers."""

BODY_TIMEOUT_S = 10.0
READY_TIMEOUT_S = 1.0

STATE: web.AppKey[RelayState] = web.AppKey("relay_state")


@dataclass
class _Note:
    """What the access log says about a request beyond its line: the number, the outcome."""

    to: str = "-"
    outcome: str = "-"


_NOTE: contextvars.ContextVar[_Note] = contextvars.ContextVar("relay_note")


def _note() -> _Note:
    note = _NOTE.get(None)
    if note is None:  # outside the middleware (an app without it): a note nobody reads
        note = _Note()
        _NOTE.set(note)
    return note


@dataclass
class RelayState:
    """What the handlers share: the config, the connector, the claims, the metrics."""

    config: RelayConfig
    connector: Connector
    metrics: RelayMetrics
    claims: ClaimStore | None
    clock: Callable[[], float]
    body_timeout_s: float
    config_problem: str | None = None

    @property
    def once(self) -> Once:
        assert self.claims is not None, "the app has not started"
        return Once(self.claims)


def _config_problem(connector: Connector, config: RelayConfig) -> str | None:
    """Why the connector config cannot send (safe to show), or None."""
    try:
        connector.validate(config.connector)
    except ConnectorError as error:
        message = (error.data or {}).get("message") or str(error)
        return str(scrub(f"the connector config is invalid: {message}", config.secrets()))
    return None


_JSON_TYPES = ("application/json",)


async def _read_body(request: web.Request, state: RelayState) -> bytes:
    ctype = request.content_type
    if ctype not in _JSON_TYPES and not ctype.endswith("+json"):
        raise Refusal(415, "unsupported_media_type", "Send JSON (Content-Type: application/json).")
    limit = state.config.max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        raise Refusal(413, "too_large", "The request body is too large.")
    try:
        return await asyncio.wait_for(request.read(), state.body_timeout_s)
    except asyncio.TimeoutError:
        raise Refusal(408, "timeout", "The request body arrived too slowly.") from None
    except web.HTTPRequestEntityTooLarge:
        raise Refusal(413, "too_large", "The request body is too large.") from None


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Refusal(400, "bad_request", "The body is not JSON.") from None


def _outcome_of(error: ConnectorError) -> str:
    if error.code == ConnectorErrorCode.RATE_LIMIT_EXCEEDED:
        return "limited"
    if error.code in (
        ConnectorErrorCode.INVALID_REQUEST_PARAMETERS,
        ConnectorErrorCode.INSUFFICIENT_REQUEST_PARAMETERS,
    ):
        return "refused"
    return "maybe_sent" if (error.data or {}).get("maybeSent") is True else "failed"


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _route_handler(route: RouteConfig, platform: ModuleType, state: RelayState) -> Handler:
    name, connector_id = route.platform, state.connector.id

    def count(outcome: str) -> None:
        _note().outcome = outcome
        state.metrics.sends.labels(name, connector_id, outcome).inc()

    async def send(data: dict[str, Any]) -> dict[str, Any]:
        with state.metrics.latency.labels(name, connector_id).time():
            result: dict[str, Any] = await state.connector.send(data, state.config.connector)
        return result

    async def relay(request: web.Request) -> web.StreamResponse:
        raw = await _read_body(request, state)
        verdict = route.auth.check(request.headers, raw, state.clock()) if route.auth else ACCEPTED
        if not verdict.ok:
            count("unauthorized")
            raise Refusal(401, "unauthorized", f"Not authenticated: {verdict.reason}.")
        parsed = platform.parse(_json(raw))
        _note().to = mask_phone(parsed.to)
        if state.config_problem is not None:
            raise Refusal(500, "not_configured", "Codes cannot be sent because of a setup problem.")
        claims = state.claims
        assert claims is not None
        lifetime_s = parsed.lifetime_s or route.code_lifetime_s
        seen, replayed = None, False
        if verdict.delivery_id is not None:
            # A delivery seen before (a replay, or the platform's retry) goes the same way as any
            # duplicate: answered once the first is sent, sent when the first surely failed.
            # Its code is remembered for as long as its signature stays fresh, at least.
            window_ms = int(2 * DEFAULT_TOLERANCE_S * 1000)
            seen = delivery_key(name, verdict.delivery_id)
            replayed = await claims.claim(seen, "1", window_ms) is not None
            lifetime_s = max(lifetime_s, window_ms / 1000)
        data: dict[str, Any] = {
            "to": parsed.to,
            "type": usage_type(parsed.platform_type, platform.USAGE_TYPES, route.usage_types)
            if name != "logto"
            else route.usage_types.get(parsed.platform_type, parsed.platform_type),
            "payload": parsed.payload,
        }
        ip = parsed.ip or client_address(
            request.remote, request.headers.get("X-Forwarded-For"), state.config.trusted_proxies
        )
        if ip:
            data["ip"] = ip
        try:
            outcome = await state.once.run(
                key_for(name, parsed.to, parsed.code), lifetime_s, lambda: send(data)
            )
        except BaseException:
            if seen is not None and not replayed:  # a retry of this delivery may try again
                await asyncio.shield(claims.drop(seen))
            raise
        if replayed and not outcome.fresh:
            count("replay")
            return platform.accepted(outcome)  # type: ignore[no-any-return]
        count("sent" if outcome.fresh else "duplicate")
        return platform.accepted(outcome)  # type: ignore[no-any-return]

    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            return await relay(request)
        except Refusal as refusal:
            if _note().outcome == "-":
                count("refused")
            response: web.StreamResponse = platform.refused(refusal)
        except ConnectorError as error:
            outcome = _outcome_of(error)
            count(outcome)
            if outcome == "limited":
                limit = str((error.data or {}).get("limit", "unknown"))
                state.metrics.limit_refusals.labels(name, limit).inc()
            response = platform.refused(refusal_for(error))
        except Exception as error:  # the store or a bug: a plain answer, the kind in the log
            logger.error("relay %s: %s while handling a request", name, type(error).__name__)
            count("failed")
            response = platform.refused(
                Refusal(
                    503,
                    "unavailable",
                    "The code could not be sent right now. Please try again shortly.",
                )
            )
        if response.status in (408, 413):
            response.force_close()
        return response

    return handle


@web.middleware
async def _access_log(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One line per request: address, method, path, status, masked number, outcome, time."""
    started = time.perf_counter()
    status = 500
    note = _Note()
    _NOTE.set(note)
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        state = request.app[STATE]
        address = client_address(
            request.remote, request.headers.get("X-Forwarded-For"), state.config.trusted_proxies
        )
        access_logger.info(
            "%s %s %s %d %s %s %.1fms",
            address or "-",
            request.method,
            request.path,
            status,
            note.to,
            note.outcome,
            (time.perf_counter() - started) * 1000,
        )


def create_app(
    config: RelayConfig,
    *,
    claims: ClaimStore | None = None,
    metrics: RelayMetrics | None = None,
    clock: Callable[[], float] = time.time,
    body_timeout_s: float = BODY_TIMEOUT_S,
) -> web.Application:
    """The relay app for ``config``. ``claims``: where codes are marked sent (default: Redis
    when the send limits use Redis, else memory); ``clock``: unix seconds, for signatures."""
    connector = connector_for(config.connector_id)
    state = RelayState(
        config=config,
        connector=connector,
        metrics=metrics or RelayMetrics(),
        claims=claims,
        clock=clock,
        body_timeout_s=body_timeout_s,
        config_problem=_config_problem(connector, config),
    )
    app = web.Application(client_max_size=config.max_body_bytes, middlewares=[_access_log])
    app[STATE] = state
    for name, route in config.routes.items():
        app.router.add_post(route.path, _route_handler(route, PLATFORMS[name], state))
    if config.receipts is not None:
        handler = receipts_handler(config.receipts["token"], state.metrics, body_timeout_s)
        app.router.add_route("*", RECEIPTS_PATH, handler)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz)
    app.router.add_get("/metrics", _metrics)
    app.on_startup.append(_startup)
    app.on_cleanup.append(_cleanup)
    return app


async def _startup(app: web.Application) -> None:
    state = app[STATE]
    if state.claims is None:
        state.claims = claims_from_limits()
    if state.config_problem is None:
        await asyncio.get_running_loop().run_in_executor(None, state.connector.warm_up)


async def _cleanup(app: web.Application) -> None:
    claims = app[STATE].claims
    if claims is not None:
        await claims.close()


async def _healthz(request: web.Request) -> web.StreamResponse:
    return web.json_response({"status": "ok"})


async def _readyz(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    problems = [state.config_problem] if state.config_problem else []
    if state.claims is not None:
        try:
            await asyncio.wait_for(state.claims.ping(), READY_TIMEOUT_S)
        except Exception as error:
            problems.append(f"the shared store cannot be reached ({type(error).__name__})")
    if problems:
        return web.json_response({"ready": False, "problems": problems}, status=503)
    return web.json_response({"ready": True, "routes": sorted(state.config.routes)})


async def _metrics(request: web.Request) -> web.StreamResponse:
    body, content_type = request.app[STATE].metrics.render()
    response = web.Response(body=body)
    response.headers["Content-Type"] = content_type
    return response


def log_to_stderr() -> None:
    """The access log (INFO) and the relay's warnings on stderr, unless the host already routes
    them (a handler on these loggers or on the root logger)."""
    if access_logger.handlers or logger.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    access_logger.addHandler(handler)
    access_logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)


def app_from_env() -> web.Application:
    """The app for the config file named by ``ALIYUN_SMS_RELAY_CONFIG`` (for gunicorn); the
    access log goes to stderr unless logging is configured."""
    path = os.environ.get(ENV_CONFIG)
    if not path:
        raise RelayConfigError(f"set {ENV_CONFIG} to the relay config's path")
    app = create_app(load_relay_config(path))
    log_to_stderr()
    return app
