"""The sandbox exposed: a warning and the real address, a Host allow-list against DNS rebinding,
admin changes only from the sandbox's own origin and only as JSON (real HTTP, real Chromium)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
from aiohttp import web
from sandbox_helpers import raw_request

from aliyun_sms_sandbox import AsyncSandbox, Sandbox, SandboxExposedWarning
from aliyun_sms_sandbox.guard import HostCheck, is_exposed
from logto_connector_aliyun_sms import send_message

CHROMIUM = Path("/usr/bin/chromium")
EXE = Path(sys.executable).with_name("aliyun-sms-sandbox")
EVERYWHERE = "0.0.0.0"  # noqa: S104
DATA = {"to": "+852 6832 6366", "type": "SignIn", "payload": {"code": "1234"}}


def _queue_a_fault(sb: Sandbox, headers: dict[str, str], body: bytes) -> int:
    return raw_request(sb, path="/_sandbox/faults", body=body, headers=headers)[0]


# --- exposure: a warning and the real address -----------------------------------------------


def test_a_loopback_sandbox_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", SandboxExposedWarning)
        with Sandbox() as sb:
            assert not sb.exposed
            assert sb.bound_urls == [sb.endpoint]


@pytest.mark.parametrize(
    ("host", "exposed"),
    [
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("::1", False),
        ("localhost", False),
        ("0.0.0.0", True),  # noqa: S104
        ("::", True),
        ("", True),
        ("192.168.1.20", True),
        ("mybox.lan", True),
    ],
)
def test_what_counts_as_exposed(host: str, exposed: bool) -> None:
    assert is_exposed(host) is exposed


async def test_async_sandbox_warns_with_the_bound_address() -> None:
    sandbox = AsyncSandbox(host="0.0.0.0")  # noqa: S104
    with pytest.warns(SandboxExposedWarning) as caught:
        await sandbox.start()
    try:
        assert sandbox.bound_urls == [f"http://0.0.0.0:{sandbox.port}"]
        assert f"http://0.0.0.0:{sandbox.port}" in str(caught[0].message)
        assert sandbox.endpoint == f"http://127.0.0.1:{sandbox.port}"  # for this machine
    finally:
        await sandbox.stop()


@pytest.fixture
def exposed_cli() -> Iterator[tuple[subprocess.Popen[str], list[dict[str, object]]]]:
    proc = subprocess.Popen(
        [str(EXE), "--host", EVERYWHERE, "--port", "0", "--json", "--allow-host", "sandbox.test"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    events: list[dict[str, object]] = []
    while not events or "endpoint" not in events[-1]:
        line = proc.stdout.readline()
        assert line, f"the sandbox stopped early: {proc.stderr.read() if proc.stderr else ''}"
        events.append(json.loads(line))
    try:
        yield proc, events
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_cli_on_every_interface_warns_and_prints_the_real_address(
    exposed_cli: tuple[subprocess.Popen[str], list[dict[str, object]]],
) -> None:
    _, (warning, started) = exposed_cli
    assert "beyond this machine" in str(warning["warning"])
    assert started["exposed"] is True
    urls = started["listening"]
    assert isinstance(urls, list)
    assert len(urls) == 1
    listening = str(urls[0])
    assert re.fullmatch(r"http://0\.0\.0\.0:\d+", listening)
    port = listening.rsplit(":", 1)[1]
    assert started["endpoint"] == f"http://127.0.0.1:{port}"
    sb = cast(Sandbox, _Remote(f"http://127.0.0.1:{port}"))
    assert raw_request(sb, "GET", "/_sandbox/stats", headers={"Host": "sandbox.test"})[0] == 200
    assert raw_request(sb, "GET", "/_sandbox/stats", headers={"Host": "evil.test"})[0] == 403


def test_cli_text_output_names_the_bound_address() -> None:
    proc = subprocess.Popen(
        [str(EXE), "--host", EVERYWHERE, "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first, second = proc.stdout.readline(), proc.stdout.readline()
        assert first.startswith("warning: the sandbox listens on http://0.0.0.0:"), first
        assert re.match(r"Aliyun SMS sandbox .* listening on http://0\.0\.0\.0:\d+$", second)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class _Remote:
    """Enough of a Sandbox for ``raw_request``: one running in another process."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint


# --- the Host allow-list (DNS rebinding) -----------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:80", "127.0.0.1.nip.io", "localhost.evil.example", "[::1"],
)
def test_a_foreign_host_is_refused_before_any_handler(sb: Sandbox, host: str) -> None:
    for method, path in [("GET", "/"), ("GET", "/_sandbox/messages"), ("POST", "/_sandbox/reset")]:
        status, _, answer = raw_request(sb, method, path, headers={"Host": host})
        assert status == 403
        assert "DNS rebinding" in answer["error"]
        assert "--allow-host" in answer["error"]
    sb.inject_fault("error")
    status, _, answer = raw_request(sb, "POST", "/", query="Action=SendSms", headers={"Host": host})
    assert status == 403
    assert sb.requests == []  # never reached the service, nor used up the fault
    assert len(sb.state.faults.pending()) == 1


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "LOCALHOST.", "app.localhost", "[::1]", "10.0.0.7", None]
)
def test_loopback_names_and_addresses_are_answered(sb: Sandbox, host: str | None) -> None:
    headers = {"Host": f"{host}:{sb.port}"} if host else {}
    assert raw_request(sb, "GET", "/_sandbox/stats", headers=headers)[0] == 200


def test_allowed_hosts_are_configurable() -> None:
    with Sandbox(allowed_hosts=["sandbox.test", ".corp.example"]) as sb:
        for host in ["sandbox.test", "Sandbox.Test:8787", "corp.example", "a.b.corp.example"]:
            assert raw_request(sb, "GET", "/_sandbox/stats", headers={"Host": host})[0] == 200
        for host in ["evil.test", "corp.example.evil", "xcorp.example", "sandbox.test.evil"]:
            assert raw_request(sb, "GET", "/_sandbox/stats", headers={"Host": host})[0] == 403
        assert send_message(DATA, sb.connector_config())["Code"] == "OK"  # type: ignore[arg-type]
    with Sandbox(allowed_hosts=["*"]) as sb:
        assert raw_request(sb, "GET", "/_sandbox/stats", headers={"Host": "any.test"})[0] == 200


def test_the_bound_name_is_allowed() -> None:
    check = HostCheck("mybox.lan")
    assert check.allows("mybox.lan:8787")
    assert not check.allows("other.lan:8787")
    assert not HostCheck("0.0.0.0").allows("0.0.0.0.evil.test")  # noqa: S104


@pytest.mark.parametrize("entry", ["", "http://sandbox.test", "a b", "sandbox.test/x", 7])
def test_a_malformed_allowed_host_is_refused(entry: object) -> None:
    with pytest.raises(ValueError, match="an allowed host is a name"):
        Sandbox(allowed_hosts=[entry])  # type: ignore[list-item]


# --- admin changes: own origin, JSON only ----------------------------------------------------


def test_a_cross_site_admin_change_is_refused(sb: Sandbox) -> None:
    assert send_message(DATA, sb.connector_config())["Code"] == "OK"  # type: ignore[arg-type]
    own = f"http://127.0.0.1:{sb.port}"
    body = b'{"kind": "drop"}'
    json_type = {"Content-Type": "application/json"}
    for origin in ["http://evil.example", "null", f"http://localhost:{sb.port + 1}"]:
        headers = {**json_type, "Origin": origin}
        status, _, answer = raw_request(sb, path="/_sandbox/faults", body=body, headers=headers)
        assert (status, "cross-site request refused" in answer["error"]) == (403, True)
        assert raw_request(sb, "DELETE", "/_sandbox/messages", headers={"Origin": origin})[0] == 403
        assert raw_request(sb, path="/_sandbox/reset", headers={"Origin": origin})[0] == 403
    fetch_metadata = {**json_type, "Sec-Fetch-Site": "cross-site"}
    assert _queue_a_fault(sb, fetch_metadata, body) == 403
    assert sb.state.faults.pending() == []
    assert len(sb.messages) == 1
    # from the sandbox's own origin (its page), and from clients that send no Origin: accepted
    assert _queue_a_fault(sb, {**json_type, "Origin": own}, body) == 201
    assert _queue_a_fault(sb, json_type, body) == 201
    assert raw_request(sb, "DELETE", "/_sandbox/messages", headers={"Origin": own})[0] == 200


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "text/json"],
)
def test_an_admin_body_must_be_json(sb: Sandbox, content_type: str) -> None:
    headers = {"Content-Type": content_type}
    status, _, answer = raw_request(
        sb, path="/_sandbox/faults", body=b'{"kind": "drop"}', headers=headers
    )
    assert status == 415
    assert "Content-Type: application/json" in answer["error"]
    assert sb.state.faults.pending() == []
    charset = {"Content-Type": "application/json; charset=utf-8"}
    assert _queue_a_fault(sb, charset, b'{"kind": "drop"}') == 201


def test_reads_carry_no_cors_grant(sb: Sandbox) -> None:
    _, headers, _ = raw_request(
        sb, "GET", "/_sandbox/messages", headers={"Origin": "http://evil.example"}
    )
    assert not any(name.lower().startswith("access-control-") for name in headers)


# --- in a real browser -----------------------------------------------------------------------

_ATTACK = """<!doctype html><html><body>
<form id="f" method="POST" enctype="text/plain" action="{sandbox}/_sandbox/faults" target="sink">
<input name='{{"kind": "drop", "message": "' value='"}}'></form>
<iframe name="sink"></iframe>
<script>
fetch("{sandbox}/_sandbox/reset", {{method: "POST", mode: "no-cors", body: "{{}}"}})
  .finally(() => {{ document.getElementById("f").submit(); }});
setTimeout(() => {{ document.title = "done"; }}, 1500);
</script></body></html>"""


@pytest.fixture
def attacker_site(sb: Sandbox) -> Iterator[str]:
    """A page on another origin (another loopback port) that tries to change the sandbox."""
    page = _ATTACK.format(sandbox=sb.endpoint)

    async def attack(_: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", attack)
    with _Served(app) as url:
        yield url


class _Served:
    """An aiohttp app in a background thread on a free loopback port."""

    def __init__(self, app: web.Application) -> None:
        import asyncio

        self.loop = asyncio.new_event_loop()
        self.runner = web.AppRunner(app)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/"
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.run_until_complete(self.runner.cleanup())
        self.loop.close()


def _chromium_or_skip() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("ALIYUN_SMS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ALIYUN_SMS_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium to run the browser test)")


@pytest.mark.browser
def test_a_page_elsewhere_cannot_change_the_sandbox(sb: Sandbox, attacker_site: str) -> None:
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    assert send_message(DATA, sb.connector_config())["Code"] == "OK"  # type: ignore[arg-type]
    opened = sb.stats()["connections_opened"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(attacker_site)
            page.wait_for_function("document.title === 'done'", timeout=10_000)
        finally:
            browser.close()
    assert sb.state.faults.pending() == []  # the text/plain form post queued nothing
    assert len(sb.messages) == 1  # the no-cors reset changed nothing
    assert sb.stats()["connections_opened"] > opened  # the browser did reach the sandbox


@pytest.mark.browser
def test_dns_rebinding_in_a_browser_is_refused(sb: Sandbox) -> None:
    """Chromium resolves ``rebind.test`` to the sandbox, as a rebinding attacker's DNS would."""
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    rule = "--host-resolver-rules=MAP rebind.test 127.0.0.1"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", rule]
        )
        try:
            page = browser.new_page()
            response = page.goto(f"http://rebind.test:{sb.port}/_sandbox/messages")
            assert response is not None
            assert response.status == 403
            own = page.goto(f"{sb.endpoint}/_sandbox/messages")
            assert own is not None
            assert own.status == 200
        finally:
            browser.close()
