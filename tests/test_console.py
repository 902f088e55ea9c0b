"""The console's HTTP side over real HTTP: the page, checks, test sends, saves, and its guards."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from aliyun_sms_sandbox import AsyncSandbox
from logto_connector_aliyun_sms import metadata_for
from logto_connector_aliyun_sms.cli import EXIT_USAGE, main
from logto_connector_aliyun_sms.console.runner import ConsoleThread
from logto_connector_aliyun_sms.console.store import MASK

SECRET = "canary-Secret-4f9e2b7c"
PYTHON_M = (sys.executable, "-m", "logto_connector_aliyun_sms")


class Client:
    """Plain HTTP to one console, with the page's token and Origin unless told otherwise."""

    def __init__(self, console: ConsoleThread) -> None:
        parts = urlsplit(console.url)
        self.host, self.port = parts.hostname or "", parts.port or 80
        self.origin = f"http://{parts.netloc}"
        self.token = self.boot()["token"]

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def page(self, path: str = "/", **headers: str) -> str:
        status, _, body = self.request("GET", path, headers=headers)
        assert status == 200
        return body.decode()

    def boot(self, path: str = "/", **headers: str) -> dict[str, Any]:
        html = self.page(path, **headers)
        data: dict[str, Any] = json.loads(html.split('id="boot">')[1].split("</script>")[0])
        return data

    def post(self, path: str, body: Any, **headers: str) -> tuple[int, Any]:
        sent = {
            "Content-Type": "application/json",
            "X-Console-Token": self.token,
            "Origin": self.origin,
            **headers,
        }
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        status, _, answer = self.request("POST", path, raw, sent)
        return status, json.loads(answer) if answer else None


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    return tmp_path / "aliyun-sms.json"


@pytest.fixture
def running(config_file: Path) -> Iterator[ConsoleThread]:
    with ConsoleThread(config_file, sandbox=AsyncSandbox) as console:
        yield console


@pytest.fixture
def client(running: ConsoleThread) -> Client:
    return Client(running)


def form_config(client: Client) -> dict[str, Any]:
    values: dict[str, Any] = client.boot()["values"]
    return values


def test_the_page_starts_with_the_sandbox_config_and_a_masked_secret(
    client: Client, running: ConsoleThread
) -> None:
    boot = client.boot()
    assert boot["values"]["accessKeySecret"] == MASK == boot["mask"]
    assert boot["values"]["endpoint"] == running.running.sandbox.endpoint  # type: ignore[union-attr]
    assert boot["exists"] is False
    assert boot["sandbox"]["outbox"].endswith("/")
    html = client.page()
    assert running.running.sandbox.access_key_secret not in html  # type: ignore[union-attr]
    status, headers, _ = client.request("GET", "/")
    assert status == 200
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"
    for asset in ("/page.js", "/page.css"):
        assert client.request("GET", asset)[0] == 200


@pytest.mark.parametrize(
    ("header", "query", "language"),
    [
        ("ja-JP,ja;q=0.9,en;q=0.8", "", "ja"),
        ("zh-Hans-CN,zh;q=0.9", "", "zh-CN"),
        ("zh-TW", "", "zh-TW"),
        ("pt-BR,fr;q=0.8", "", "en"),
        ("fr;q=0.9,ko;q=0.5", "", "ko"),
        ("ja;q=0,ko;q=0.5", "", "ko"),
        ("ja", "?lang=tr", "tr-TR"),
        ("", "", "en"),
    ],
)
def test_language_from_the_browser_or_the_query(
    client: Client, header: str, query: str, language: str
) -> None:
    boot = client.boot("/" + query, **{"Accept-Language": header})
    assert boot["lang"] == language
    assert f'<html lang="{language}">' in client.page("/" + query, **{"Accept-Language": header})
    status, _, body = client.request("GET", f"/api/form?lang={language}")
    assert status == 200
    assert (
        json.loads(body)["metadata"]["formItems"][2]["label"]
        == (boot["metadata"]["formItems"][2]["label"])
    )


def test_check_places_problems_and_keeps_the_saved_secret(client: Client) -> None:
    config = form_config(client)
    assert client.post("/api/check", {"config": config}) == (
        200,
        {"valid": True, "errors": [], "warnings": []},
    )
    config["signName"] = ""
    config["templates"][0]["templateCode"] = "<template-code>"
    status, report = client.post("/api/check", {"config": config})
    assert (status, report["valid"]) == (200, False)
    assert [(e["pointer"], e["key"]) for e in report["errors"]] == [("/signName", "signName")]
    assert [w["pointer"] for w in report["warnings"]] == ["/templates/0/templateCode"]


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({"X-Console-Token": "wrong"}, "token"),
        ({"X-Console-Token": ""}, "token"),
        ({"Origin": "http://evil.example"}, "cross-origin"),
        ({"Origin": "null"}, "cross-origin"),
        ({"Host": "evil.example"}, "Host"),
        ({"Content-Type": "text/plain"}, "JSON"),
    ],
)
def test_posts_without_the_pages_credentials_are_refused(
    client: Client, headers: dict[str, str], why: str
) -> None:
    for path in ("/api/check", "/api/send", "/api/save"):
        status, answer = client.post(path, {"config": {}, "phone": "13812345678"}, **headers)
        assert status == 403
        assert why in answer["error"]


def test_a_rebound_host_cannot_read_the_page(client: Client) -> None:
    status, _, body = client.request("GET", "/", headers={"Host": "attacker.example:80"})
    assert status == 403
    assert client.token.encode() not in body


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"[]", 400),
        (b'{"config": []}', 400),
        (b'{"config": "x"}', 400),
        (b'{"config": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 400),
        (b"\xff\xfe", 400),
    ],
)
def test_malformed_bodies(client: Client, body: bytes, status: int) -> None:
    for path in ("/api/check", "/api/send", "/api/save"):
        assert client.post(path, body)[0] == status


def test_a_huge_body_is_refused(client: Client) -> None:
    status, _ = client.post("/api/check", {"config": {"x": "y" * 300_000}})
    assert status == 413


def test_a_test_send_reaches_the_sandbox(client: Client, running: ConsoleThread) -> None:
    status, answer = client.post(
        "/api/send", {"config": form_config(client), "phone": "+86 138 1234 5678", "lang": "ja"}
    )
    assert status == 200
    assert answer["ok"] is True
    assert answer["result"]["Code"] == "OK"
    sandbox = running.running.sandbox  # type: ignore[union-attr]
    (message,) = sandbox.messages_for("13812345678")
    assert "000000" in message["Content"]
    assert message["RequestId"] == answer["result"]["RequestId"]


@pytest.mark.parametrize("phone", ["", "abc", "1", "13812345678,13912345678", 13812345678, None])
def test_a_test_send_needs_one_phone_number(client: Client, phone: Any) -> None:
    status, answer = client.post("/api/send", {"config": form_config(client), "phone": phone})
    assert status == 400
    assert "phone" in answer["error"]


def test_an_invalid_config_is_not_sent(client: Client, running: ConsoleThread) -> None:
    config = form_config(client)
    config["templates"] = []
    status, answer = client.post("/api/send", {"config": config, "phone": "13812345678"})
    assert status == 422
    assert answer["ok"] is False
    assert answer["report"]["errors"][0]["key"] == "templates"
    assert running.running.sandbox.messages == []  # type: ignore[union-attr]


def test_aliyuns_refusal_comes_back_with_a_hint_and_no_secret(client: Client) -> None:
    config = form_config(client)
    config["accessKeySecret"] = SECRET  # a secret the sandbox does not know
    status, answer = client.post("/api/send", {"config": config, "phone": "13812345678"})
    assert status == 422
    assert answer["ok"] is False
    assert answer["error"]["aliyunCode"] == "SignatureDoesNotMatch"
    assert answer["error"]["hint"]
    assert SECRET not in json.dumps(answer)


@pytest.mark.parametrize(
    ("key", "bad"), [("accessKeySecret", "\ud800"), ("accessKeyId", "\r\nX: y")]
)
def test_a_control_character_or_lone_surrogate_is_a_field_error_not_a_500(
    client: Client, running: ConsoleThread, key: str, bad: str
) -> None:
    config = form_config(client)
    config[key] = SECRET + bad
    status, answer = client.post("/api/send", {"config": config, "phone": "13812345678"})
    assert status == 422
    assert answer["ok"] is False
    assert [e["key"] for e in answer["report"]["errors"]] == [key]
    assert SECRET not in json.dumps(answer)
    assert running.running.sandbox.messages == []  # type: ignore[union-attr]


def test_the_hint_comes_in_the_pages_language(client: Client) -> None:
    config = dict(form_config(client), accessKeySecret=SECRET)
    hints = {}
    for lang in ("en", "ja", "zh-CN"):
        status, answer = client.post(
            "/api/send", {"config": config, "phone": "13812345678", "lang": lang}
        )
        assert status == 422
        hints[lang] = answer["error"]["hint"]
    assert "AccessKey" in hints["en"]
    assert re.search(r"[\u3040-\u30ff]", hints["ja"])  # kana
    assert "请" in hints["zh-CN"]
    assert len(set(hints.values())) == 3


def test_save_writes_0600_only_a_valid_config(
    client: Client, config_file: Path, running: ConsoleThread
) -> None:
    config = form_config(client)
    bad = {**config, "readTimeout": 0}
    status, answer = client.post("/api/save", {"config": bad})
    assert (status, answer["ok"]) == (422, False)
    assert not config_file.exists()
    status, answer = client.post("/api/save", {"config": {**config, "connectTimeout": None}})
    assert (status, answer["ok"], answer["path"]) == (200, True, str(config_file))
    assert stat.S_IMODE(os.stat(config_file).st_mode) == 0o600
    saved = json.loads(config_file.read_text("utf-8"))
    sandbox = running.running.sandbox  # type: ignore[union-attr]
    assert saved["accessKeySecret"] == sandbox.access_key_secret  # the mask became the secret
    assert "connectTimeout" not in saved  # None: absent
    assert client.boot()["exists"] is True
    assert sandbox.access_key_secret not in json.dumps(answer)


def test_save_keeps_what_the_form_does_not_show(tmp_path: Path) -> None:
    path = tmp_path / "kept.json"
    original = {
        "accessKeyId": "LTAI5tExample",
        "accessKeySecret": SECRET,
        "signName": "Logto",
        "templates": [
            {"usageType": u, "templateCode": f"SMS_12345678{i}"}
            for i, u in enumerate(["SignIn", "Register", "ForgotPassword", "Generic"])
        ],
        "note": "kept by the console",
    }
    path.write_text(json.dumps(original), "utf-8")
    with ConsoleThread(path) as console:
        client = Client(console)
        boot = client.boot()
        assert SECRET not in client.page()
        assert "note" not in boot["values"]
        config = dict(boot["values"], signName="Logto Two")
        status, answer = client.post("/api/save", {"config": config})
        assert (status, answer["ok"]) == (200, True)
    saved = json.loads(path.read_text("utf-8"))
    assert saved == {**original, "signName": "Logto Two"}


def test_an_unreadable_config_file_is_reported_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", "utf-8")
    with ConsoleThread(path) as console:
        boot = Client(console).boot()
    assert boot["loadError"].startswith("not JSON")
    assert boot["values"] == {}


# --- the command ----------------------------------------------------------------------------------


def test_the_command_serves_until_interrupted(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALIBABA_CLOUD_")}
    process = subprocess.Popen(
        [*PYTHON_M, "--json", "console", "--sandbox", str(tmp_path / "c.json")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        lines = []
        while not lines or lines[-1] != "}\n":
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else ""
            lines.append(line)
        started = json.loads("".join(lines))
        assert started["ok"] is True
        assert started["url"].startswith("http://127.0.0.1:")
        assert started["sandbox"].startswith("http://127.0.0.1:")
        parts = urlsplit(started["url"])
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        connection.request("GET", "/")
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com"])  # noqa: S104
def test_the_command_binds_loopback_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, host: str
) -> None:
    assert main(["console", str(tmp_path / "c.json"), "--host", host]) == EXIT_USAGE
    assert "not a loopback address" in capsys.readouterr().err


def test_the_metadata_command_takes_any_tag_and_localises_the_form(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["metadata", "--lang", "ja-JP", "--form"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["formItems"] == metadata_for("ja")["formItems"]
    assert printed["name"] == metadata_for("ja")["name"]["ja"]
    assert main(["metadata", "--lang", "zh-hans"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "阿里云短信服务"


def test_the_connector_does_not_import_the_console() -> None:
    code = (
        "import sys, logto_connector_aliyun_sms as m; m.metadata_for('ja'); "
        "m.check_config('{}'); import logto_connector_aliyun_sms.cli as c; c.build_parser(); "
        "print(sorted(n for n in sys.modules if n.startswith(('aiohttp', "
        "'logto_connector_aliyun_sms.console.'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- delivery status of the test message ----------------------------------------------------------


def test_the_test_messages_delivery_status(client: Client, running: ConsoleThread) -> None:
    sandbox = running.running.sandbox  # type: ignore[union-attr]
    config = form_config(client)
    _, sent = client.post("/api/send", {"config": config, "phone": "13812345678"})
    asked = {"config": config, "phone": "13812345678", "bizId": sent["result"]["BizId"]}
    status, answer = client.post("/api/delivery", asked)
    assert status == 200
    assert answer["status"] == "delivered"
    assert answer["errorCode"] == "DELIVERED"
    assert answer["reportedAt"].endswith("(UTC+8)")
    sandbox.set_delivery("failed", "MOBILE_IN_BLACK")
    sandbox.clock.advance(120)
    _, sent = client.post("/api/send", {"config": config, "phone": "13812345678"})
    status, answer = client.post("/api/delivery", {**asked, "bizId": sent["result"]["BizId"]})
    assert (answer["status"], answer["errorCode"]) == ("failed", "MOBILE_IN_BLACK")
    assert "block list" in answer["meaning"]
    status, answer = client.post("/api/delivery", {**asked, "bizId": "1^0"})
    assert answer == {"ok": True, "status": "unknown"}


@pytest.mark.parametrize(
    "change", [{"phone": "abc"}, {"bizId": ""}, {"bizId": None}, {"phone": None}]
)
def test_the_delivery_route_checks_its_input(client: Client, change: dict[str, Any]) -> None:
    body = {"config": form_config(client), "phone": "13812345678", "bizId": "1^0", **change}
    status, _ = client.post("/api/delivery", body)
    assert status == 400


def test_the_delivery_route_keeps_the_secret(client: Client) -> None:
    config = form_config(client)
    config["accessKeySecret"] = SECRET
    body = {"config": config, "phone": "13812345678", "bizId": "1^0"}
    status, answer = client.post("/api/delivery", body)
    assert status == 422
    assert answer["error"]["aliyunCode"] == "SignatureDoesNotMatch"
    assert SECRET not in json.dumps(answer)
