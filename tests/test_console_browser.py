"""The console end to end in headless Chromium, against the sandbox: languages, a field error and
its fix, a test send that lands in the outbox, a save and a reload.

``ALIYUN_SMS_CONSOLE_SCREENSHOT=docs/images/console.png`` also writes the docs' screenshot.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from aliyun_sms_sandbox import AsyncSandbox
from logto_connector_aliyun_sms.console.runner import ConsoleThread
from logto_connector_aliyun_sms.console.store import MASK

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = "13812345678"

pytestmark = pytest.mark.browser


def _chromium() -> str:
    if not CHROMIUM.exists():
        if os.environ.get("ALIYUN_SMS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ALIYUN_SMS_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium to run the browser test)")
    return str(CHROMIUM)


def test_the_console_end_to_end(tmp_path: Path) -> None:
    executable = _chromium()
    from playwright.sync_api import expect, sync_playwright

    config_file = tmp_path / "aliyun-sms.json"
    with ConsoleThread(config_file, sandbox=AsyncSandbox) as console, sync_playwright() as pw:
        sandbox = console.running.sandbox  # type: ignore[union-attr]
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            # Japanese, because the browser asks for it
            context = browser.new_context(locale="ja-JP", viewport={"width": 1000, "height": 900})
            page = context.new_page()
            page.goto(console.url)
            expect(page.locator("#title")).to_have_text("Aliyun SMS コネクター")
            expect(page.locator('label[for="f-signName"]')).to_contain_text("署名名")
            expect(page.locator("#status")).to_have_text("設定は有効です。")
            assert page.locator("#f-accessKeySecret").input_value() == MASK

            # switched to Simplified Chinese; the choice sticks in the address
            page.select_option("#language", "zh-CN")
            expect(page.locator('label[for="f-signName"]')).to_contain_text("短信签名")
            expect(page.locator("#send")).to_have_text("发送")
            assert "lang=zh-CN" in page.url

            # a field error as the admin types, placed at its field, and its fix
            page.fill("#f-signName", "")
            expect(page.locator('ul[data-for="signName"] li.error')).to_contain_text(
                "signName must not be empty"
            )
            expect(page.locator("#status")).to_have_text("配置有错误。")
            page.fill("#f-signName", "Logto Sandbox")
            expect(page.locator('ul[data-for="signName"] li')).to_have_count(0)

            # a warning, in the page's language: a secret that looks like an AccessKey ID
            page.fill("#f-accessKeySecret", "LTAI5tNotTheSecret")
            expect(page.locator('ul[data-for="accessKeySecret"] li.warning')).to_contain_text(
                "看起来像 AccessKey ID"
            )
            page.fill("#f-accessKeySecret", MASK)  # back to the saved secret, untouched
            expect(page.locator('ul[data-for="accessKeySecret"] li')).to_have_count(0)

            # JSON the browser cannot parse is said at its field, in the page's language
            page.fill("#f-allowedCountryCodes", '["86", ')
            expect(page.locator('ul[data-for="allowedCountryCodes"] li.error')).to_contain_text(
                "不是有效的 JSON"
            )
            page.fill("#f-allowedCountryCodes", '["86"]')
            expect(page.locator("#status")).to_have_text("配置有效。")

            # the test box: one message, with the form's config, into the sandbox's outbox
            page.fill("#phone", PHONE)
            page.click("#send")
            expect(page.locator("#send-result")).to_contain_text("已发送", timeout=15000)
            # then its delivery status, polled from QuerySendDetails by its BizId
            expect(page.locator("#delivery-status")).to_contain_text("送达手机", timeout=15000)
            (message,) = sandbox.messages_for(PHONE)
            assert "000000" in message["Content"]
            assert message["SignName"] == "Logto Sandbox"
            outbox = context.new_page()
            outbox.goto(sandbox.endpoint + "/")
            expect(outbox.locator(f'[data-phone="{PHONE}"] .bubble')).to_contain_text("000000")
            outbox.close()

            # save: the file appears, 0600, with the saved secret kept
            assert not config_file.exists()
            page.click("#save")
            expect(page.locator("#save-result")).to_contain_text("已保存到")
            assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
            saved = json.loads(config_file.read_text("utf-8"))
            assert saved["signName"] == "Logto Sandbox"
            assert saved["allowedCountryCodes"] == ["86"]
            assert saved["accessKeySecret"] == sandbox.access_key_secret

            # reload: the saved config, still in Chinese, the secret still masked
            page.reload()
            expect(page.locator("#f-signName")).to_have_value("Logto Sandbox")
            expect(page.locator("#f-allowedCountryCodes")).to_have_value('[\n  "86"\n]')
            expect(page.locator("#title")).to_have_text("阿里云短信连接器")
            expect(page.locator("#file")).not_to_contain_text("尚未保存")
            assert page.locator("#f-accessKeySecret").input_value() == MASK
            assert sandbox.access_key_secret not in page.content()
            context.close()

            _screenshot(browser, console.url, tmp_path)
        finally:
            browser.close()


def _screenshot(browser: object, url: str, tmp_path: Path) -> None:
    """The docs' picture: English, a warning next to its field, a test message sent."""
    from playwright.sync_api import expect

    context = browser.new_context(  # type: ignore[attr-defined]
        locale="en-US", viewport={"width": 1000, "height": 900}
    )
    page = context.new_page()
    page.goto(url + "?lang=en")
    page.locator("#file").evaluate(  # the path of the test's temporary directory says nothing
        "(line) => { line.textContent = 'Config file: /etc/myapp/aliyun-sms.json'; }"
    )
    templates = json.loads(page.locator("#f-templates").input_value())
    templates[0]["templateCode"]["china"] = "<template-code>"
    page.fill("#f-templates", json.dumps(templates, indent=2))
    page.locator("#f-templates").evaluate("(box) => { box.scrollTop = 0; }")
    expect(page.locator('ul[data-for="templates"] li.warning')).to_contain_text("placeholder")
    page.fill("#phone", "+86 139 1234 5678")
    page.click("#send")
    expect(page.locator("#send-result")).to_contain_text("Sent.", timeout=15000)
    target = os.environ.get("ALIYUN_SMS_CONSOLE_SCREENSHOT") or str(tmp_path / "console.png")
    page.screenshot(path=target, full_page=True)
    assert Path(target).stat().st_size > 10_000
    context.close()
