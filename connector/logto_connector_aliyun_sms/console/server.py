"""The console's HTTP side: the page, and JSON routes to check, test-send and save a config.

Every POST needs the per-process token the page carries (``X-Console-Token``), an ``Origin``
of this server and a JSON body; every request needs a ``Host`` of this server (so a page on
another site, or one reached by DNS rebinding, can neither read the token nor post). No answer
holds the secret: the page gets ``MASK`` instead, and answers are scrubbed of it besides.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from aiohttp import web

from ..cli._connectors import SMS_ID, Chosen
from ..kit import ConnectorError, SendMessageData
from ..texts import METADATA, resolve_language
from ..texts.form_texts import form_texts, pick
from .store import MASK, ConfigStore

HERE = Path(__file__).resolve().parent
MAX_BODY = 256 * 1024
PHONE = re.compile(r"\+?[0-9][0-9 -]{3,30}")
TEST_PAYLOAD_CODE = "000000"  # what Logto's console sends with its test button
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; "
    "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
STATIC = {"/page.js": "application/javascript", "/page.css": "text/css"}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@lru_cache(maxsize=1)
def ui_texts() -> dict[str, Any]:
    """The page's own words in every language (``ui_texts.json``)."""
    texts: dict[str, Any] = json.loads((HERE / "ui_texts.json").read_text("utf-8"))
    return texts


@dataclass
class Console:
    """One console: its config file, its token and, with ``--sandbox``, the sandbox's endpoint."""

    store: ConfigStore
    sandbox_endpoint: str | None = None
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    hosts: set[str] = field(default_factory=set)
    connector: str = SMS_ID  # or the MAS connector's id (``--connector mas``)

    @property
    def chosen(self) -> Chosen:
        """The connector whose form, checks and sends this console serves."""
        return Chosen(self.connector)

    def bound(self, host: str, port: int) -> None:
        """Accept requests addressed to this host and port (and its loopback names)."""
        names = {host if ":" not in host else f"[{host}]", *LOOPBACK_NAMES}
        self.hosts = {f"{name}:{port}".lower() for name in names}


CONSOLE = web.AppKey("console", Console)


def language_of(request: web.Request) -> str:
    """``?lang=`` if given, else the best of the browser's ``Accept-Language``."""
    asked = request.query.get("lang")
    if asked:
        return resolve_language(asked[:35])
    weighted: list[tuple[float, int, str]] = []
    for part in request.headers.get("Accept-Language", "")[:500].split(","):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        if tag and tag != "*" and weight > 0:
            weighted.append((-weight, len(weighted), tag))
    for _, _, tag in sorted(weighted):
        language = resolve_language(tag)
        if language != "en" or tag.lower().startswith("en"):
            return language
    return "en"


def form_payload(language: str, connector: str = SMS_ID) -> dict[str, Any]:
    """What the page needs to render the form in one language."""
    return {
        "lang": language,
        "metadata": Chosen(connector).metadata_for(language),
        "ui": {key: pick(text, language) for key, text in ui_texts()["texts"].items()},
    }


def _scrubbed(console: Console, data: Any, *secrets_seen: Any) -> web.Response:
    text = json.dumps(data, ensure_ascii=False)
    for secret in (console.store.secret, *secrets_seen):
        if isinstance(secret, str) and len(secret) >= 4 and secret != MASK:
            text = text.replace(json.dumps(secret)[1:-1], "[redacted]")
    status = 200 if not isinstance(data, dict) or data.get("ok", True) else 422
    return web.Response(text=text, status=status, content_type="application/json")


def create_app(console: Console) -> web.Application:
    """The aiohttp application of one console."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        refusal = _refusal(console, request)
        response: web.StreamResponse
        if refusal:
            response = web.json_response({"ok": False, "error": refusal}, status=403)
        else:
            try:
                response = await handler(request)
            except web.HTTPException as error:
                answer = {"ok": False, "error": error.reason}
                response = web.json_response(answer, status=error.status)
        response.headers.update(SECURITY_HEADERS)
        return response

    app = web.Application(middlewares=[guard], client_max_size=MAX_BODY)
    app[CONSOLE] = console
    app.router.add_get("/", _page)
    for path in STATIC:
        app.router.add_get(path, _static)
    app.router.add_get("/api/form", _form)
    app.router.add_post("/api/check", _check)
    app.router.add_post("/api/send", _send)
    app.router.add_post("/api/save", _save)
    app.router.add_post("/api/delivery", _delivery)
    return app


def _refusal(console: Console, request: web.Request) -> str | None:
    if request.host.lower() not in console.hosts:
        return "unexpected Host"
    if request.method == "GET":
        return None
    if request.method != "POST":
        return "method not allowed"
    if request.headers.get("Origin") != f"http://{request.host}":
        return "cross-origin request refused"
    token = request.headers.get("X-Console-Token", "")
    if not hmac.compare_digest(token.encode(), console.token.encode()):
        return "missing or wrong console token: reload the page"
    if request.content_type != "application/json":
        return "the body must be JSON"
    return None


async def _page(request: web.Request) -> web.Response:
    console: Console = request.app[CONSOLE]
    language = language_of(request)
    store = console.store
    names = form_texts()["languageNames"]
    boot = {
        **form_payload(language, console.connector),
        "token": console.token,
        "languages": [{"tag": t, "name": names.get(t, t)} for t in METADATA["name"]],
        "values": store.form_values(),
        "mask": MASK,
        "configPath": str(store.path),
        "exists": store.exists,
        "loadError": store.load_error,
        "sandbox": {"outbox": console.sandbox_endpoint + "/"} if console.sandbox_endpoint else None,
    }
    # JSON inside <script type="application/json">: no "<" can end the element early
    data = json.dumps(boot, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    html = (HERE / "page.html").read_text("utf-8")
    html = html.replace("{{LANG}}", language).replace("{{BOOT}}", data.replace("&", "\\u0026"))
    return web.Response(text=html, content_type="text/html")


async def _static(request: web.Request) -> web.Response:
    kind = STATIC[request.path]
    return web.Response(text=(HERE / request.path[1:]).read_text("utf-8"), content_type=kind)


async def _form(request: web.Request) -> web.Response:
    console: Console = request.app[CONSOLE]
    return web.json_response(form_payload(language_of(request), console.connector))


def _language(body: dict[str, Any]) -> str:
    return resolve_language(str(body.get("lang", "en"))[:35])


async def _body(request: web.Request) -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON body and its ``config`` object (secret unmasked), or a 400 answer."""
    try:
        body = await request.json()
    except (ValueError, RecursionError):  # not JSON, or nested past what json can read
        raise web.HTTPBadRequest(reason="the body is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("config"), dict):
        raise web.HTTPBadRequest(reason='the body must be {"config": {...}}')
    console: Console = request.app[CONSOLE]
    return body, console.store.unmask(body["config"])


async def _check(request: web.Request) -> web.Response:
    body, config = await _body(request)
    console: Console = request.app[CONSOLE]
    report = console.chosen.check(config, _language(body))
    return _scrubbed(console, report, config.get("accessKeySecret"))


async def _send(request: web.Request) -> web.Response:
    body, config = await _body(request)
    console: Console = request.app[CONSOLE]
    phone = body.get("phone")
    if not isinstance(phone, str) or not PHONE.fullmatch(phone.strip()):
        raise web.HTTPBadRequest(reason="phone must be a phone number (digits, an optional +)")
    language = _language(body)
    report = console.chosen.check(config, language)
    secret = config.get("accessKeySecret")
    if not report["valid"]:
        return _scrubbed(console, {"ok": False, "report": report}, secret)
    if console.sandbox_endpoint:
        config = {**config, "endpoint": console.sandbox_endpoint}
    data: SendMessageData = {
        "to": phone.strip(),
        "type": "Generic",
        "payload": {"code": TEST_PAYLOAD_CODE},
    }
    try:
        result = await console.chosen.send_async(data, config)
    except ConnectorError as error:
        from .results import explain

        return _scrubbed(console, {"ok": False, "error": explain(error, language)}, secret)
    return _scrubbed(console, {"ok": True, "result": dict(result), "report": report}, secret)


async def _save(request: web.Request) -> web.Response:
    body, config = await _body(request)
    console: Console = request.app[CONSOLE]
    report = console.chosen.check(config, _language(body))
    secret = config.get("accessKeySecret")
    if not report["valid"]:
        return _scrubbed(console, {"ok": False, "report": report}, secret)
    try:
        console.store.save(config)
    except OSError as error:
        failure = {"ok": False, "error": {"message": f"could not write the file: {error.strerror}"}}
        return _scrubbed(console, failure, secret)
    saved = {"ok": True, "path": str(console.store.path), "report": report}
    return _scrubbed(console, saved, secret)


async def _delivery(request: web.Request) -> web.Response:
    """The test message's delivery status (QuerySendDetails by its BizId): the page polls it."""
    body, config = await _body(request)
    console: Console = request.app[CONSOLE]
    phone, biz_id = body.get("phone"), body.get("bizId")
    if not isinstance(phone, str) or not PHONE.fullmatch(phone.strip()):
        raise web.HTTPBadRequest(reason="phone must be a phone number (digits, an optional +)")
    if not isinstance(biz_id, str) or not biz_id:
        raise web.HTTPBadRequest(reason="bizId must be the BizId of the test message")
    if console.sandbox_endpoint:
        config = {**config, "endpoint": console.sandbox_endpoint}
    from ..delivery import query_delivery_async
    from ..delivery.codes import explain as meaning_of

    secret = config.get("accessKeySecret")
    try:
        reports = await query_delivery_async(config, phone.strip(), biz_id=biz_id)
    except ConnectorError as error:
        from .results import explain

        failure = {"ok": False, "error": explain(error, _language(body))}
        return _scrubbed(console, failure, secret)
    if not reports:
        return _scrubbed(console, {"ok": True, "status": "unknown"}, secret)
    report = reports[0]
    meaning = meaning_of(report["error_code"])
    reported = report["reported_at"]
    answer = {
        "ok": True,
        "status": report["status"],
        "errorCode": report["error_code"],
        "meaning": meaning.meaning if meaning else None,
        "reportedAt": reported.strftime("%Y-%m-%d %H:%M:%S") + " (UTC+8)" if reported else None,
    }
    return _scrubbed(console, answer, secret)
