"""TemplateParam is byte-identical to JavaScript's JSON.stringify (checked against node)."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode
from logto_connector_aliyun_sms.inputs.template_param import js_number, template_param

# Payloads whose values are all strings: JSON.stringify of the payload without locale keys
# must give exactly our bytes.
STRING_PAYLOADS: list[dict[str, Any]] = [
    {"code": "123456"},
    {"code": "123456", "locale": "zh-CN"},
    {"code": "000000", "locale": "en", "uiLocales": "fr-CA fr"},
    {"code": "12CDE", "link": "https://example.com/x?a=1&b=2"},
    {
        "b": "1",
        "a": "2",
        "2": "x",
        "10": "y",
        "1": "z",
        "01": "w",
        "-1": "v",
        "4294967294": "i",
        "4294967295": "n",
    },
    {"name": "日本語 中文 한국어 emoji 😀"},
    {"ctl": 'a\nb\tc\rd\x00e\x1f\x7f\u2028\u2029"\\/'},
    {"lone": "\ud800x\udfff"},
    {"": "empty key", " ": "space"},
]


def _js_stringify(payloads: list[dict[str, Any]]) -> list[str]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is required for the JSON.stringify parity test")
    script = (
        "const items = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const out = items.map(p => { const {locale, uiLocales, ...rest} = p;"
        " return JSON.stringify(rest); });"
        "process.stdout.write(JSON.stringify(out));"
    )
    text = json.dumps(payloads, ensure_ascii=True)  # \\ud800 survives as an escape
    done = subprocess.run(
        [node, "-e", script], input=text.encode(), capture_output=True, check=True, timeout=60
    )
    result: list[str] = json.loads(done.stdout.decode("utf-8", "surrogatepass"))
    return result


def test_byte_identical_to_javascript() -> None:
    expected = _js_stringify(STRING_PAYLOADS)
    for payload, js in zip(STRING_PAYLOADS, expected, strict=True):
        assert template_param(payload) == js, payload


NUMBERS = [
    0,
    1,
    -1,
    123456,
    1.5,
    -0.0,
    0.1 + 0.2,
    1e21,
    1e20,
    123456789012345680000.0,
    1e-6,
    1e-7,
    2.5e-8,
    5e-324,
    1.7976931348623157e308,
    100.0,
    3.0e15,
    12.340,
]


def test_numbers_become_their_javascript_text() -> None:
    node = shutil.which("node")
    assert node is not None
    script = (
        "const xs = JSON.parse(require('fs').readFileSync(0,'utf8'));"
        "process.stdout.write(JSON.stringify(xs.map(String)));"
    )
    done = subprocess.run(
        [node, "-e", script],
        input=json.dumps(NUMBERS).encode(),
        capture_output=True,
        check=True,
        timeout=60,
    )
    assert [js_number(x) for x in NUMBERS] == json.loads(done.stdout)


def test_value_policy() -> None:
    assert template_param({"code": 123456}) == '{"code":"123456"}'
    assert template_param({"ok": True, "no": False}) == '{"ok":"true","no":"false"}'
    assert template_param({"code": "1", "link": None}) == '{"code":"1"}'
    assert template_param({"locale": "en"}) == "{}"


@pytest.mark.parametrize(
    "payload",
    [
        {"code": {"nested": "1"}},
        {"code": ["1"]},
        {"code": float("nan")},
        {"code": float("inf")},
        {1: "x"},
        "code=1",
        ["1"],
        None,
        {"code": b"1"},
    ],
)
def test_refused_payloads(payload: Any) -> None:
    with pytest.raises(ConnectorError) as caught:
        template_param(payload)
    assert caught.value.code is ConnectorErrorCode.INVALID_REQUEST_PARAMETERS
    assert "payload" in caught.value.data["message"]  # type: ignore[index]
