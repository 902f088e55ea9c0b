"""Render the generated parts of the docs, in English, Japanese and Simplified Chinese.

- the config table in ``docs/<lang>/config.md``, from the JSON Schema's descriptions;
- the error table in ``docs/<lang>/errors.md``, from ``aliyun_errors.ANSWERS`` and its hints.

Each table sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers; everything
outside the markers is hand-written. Usage::

    .venv/bin/python docs/gen_config_reference.py          # rewrite the tables in place
    .venv/bin/python docs/gen_config_reference.py --check  # exit 1 if a table is out of date

English descriptions come from the schema itself. Japanese and Chinese ones live in
``TRANSLATIONS`` below, keyed by property path, each with a fingerprint of the English text it
was translated from: when the schema's description changes, the fingerprint no longer matches
and ``--check`` (and ``tests/test_docs.py``) fail until the translation is updated.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from logto_connector_aliyun_sms import CONFIG_SCHEMA
from logto_connector_aliyun_sms.aliyun_errors import ADVICE, ANSWERS, hint

DOCS = Path(__file__).resolve().parent
SCHEMA_FILE = DOCS.parent / "schema" / "aliyun-sms-connector.schema.json"
LANGS = ("en", "ja", "zh-CN")
CONFIG_TABLE = "config-table"
ERROR_TABLE = "error-table"

# --- words of the tables ----------------------------------------------------------------------

HEADERS = {
    CONFIG_TABLE: {
        "en": ("Key", "Type", "Required", "Default", "Description"),
        "ja": ("キー", "型", "必須", "既定値", "説明"),
        "zh-CN": ("键", "类型", "必填", "默认值", "说明"),
    },
    ERROR_TABLE: {
        "en": ("Aliyun `Code`", "ConnectorErrorCode", "Retry may help", "What the admin should do"),
        "ja": (
            "Aliyun の `Code`",
            "ConnectorErrorCode",
            "再送で解決しうるか",
            "管理者がすべきこと",
        ),
        "zh-CN": ("阿里云 `Code`", "ConnectorErrorCode", "重试可能有效", "管理员应如何处理"),
    },
}
WORDS = {
    "non-empty": {"en": "non-empty", "ja": "空文字不可", "zh-CN": "非空"},
    "yes": {"en": "yes", "ja": "はい", "zh-CN": "是"},
    "no": {"en": "no", "ja": "いいえ", "zh-CN": "否"},
}

# --- config descriptions: path -> (fingerprint of the English text, translations) -------------

TRANSLATIONS: dict[str, tuple[str, dict[str, str]]] = {
    "accessKeyId": (
        "9ffb9dd7",
        {
            "ja": "SMS の送信を許可した RAM ユーザーの AccessKey ID"
            "（AliyunDysmsFullAccess、またはそれより狭いポリシー）。",
            "zh-CN": "有权发送短信的 RAM 用户的 AccessKey ID"
            "（授予 AliyunDysmsFullAccess 或更小范围的权限策略）。",
        },
    ),
    "accessKeySecret": (
        "f7d79fa7",
        {
            "ja": "accessKeyId に対応する AccessKey Secret。機密情報であり、表示・ログ出力・"
            "エコーされることはありません。",
            "zh-CN": "与 accessKeyId 配对的 AccessKey Secret。属于机密信息，"
            "不会被显示、记录到日志或回显。",
        },
    ),
    "signName": (
        "c5fabfff",
        {
            "ja": "審査済みの SMS 署名名（签名名称）。すべてのテンプレートで共通で、"
            "本文の前に【signName】として表示されます。",
            "zh-CN": "审核通过的短信签名名称，所有模板共用；短信正文前会显示为【signName】。",
        },
    ),
    "templates": (
        "791ab7a6",
        {
            "ja": "用途（usageType）ごとに 1 件。Register、SignIn、ForgotPassword、"
            "Generic は必須で、"
            "テンプレートのない用途のメッセージには Generic のテンプレートが使われます。",
            "zh-CN": "每种用途（usageType）一项。必须包含 Register、SignIn、ForgotPassword 和 "
            "Generic；没有对应模板的消息类型使用 Generic 模板。",
        },
    ),
    "templates[].usageType": (
        "248e16e4",
        {
            "ja": "このテンプレートを使う Logto のメッセージ種別："
            "SignIn、Register、ForgotPassword、"
            "Generic、OrganizationInvitation、UserPermissionValidation、BindNewIdentifier、"
            "MfaVerification、BindMfa のいずれか。",
            "zh-CN": "该模板服务的 Logto 消息类型：SignIn、Register、ForgotPassword、Generic、"
            "OrganizationInvitation、UserPermissionValidation、BindNewIdentifier、"
            "MfaVerification 或 BindMfa。",
        },
    ),
    "templates[].templateCode": (
        "7d627e2c",
        {
            "ja": "審査済みのテンプレートコード（模板 CODE、例：SMS_123456789）。または "
            "{china, overseas} の組で、中国本土の番号には国内テンプレート、それ以外には"
            "国際テンプレートを使います。",
            "zh-CN": "审核通过的模板CODE，例如 SMS_123456789；也可以写成 {china, overseas}，"
            "中国大陆号码使用国内模板，其余号码使用国际模板。",
        },
    ),
    "templates[].templateCode.china": (
        "1c46f3ab",
        {
            "ja": "中国本土の番号に使うテンプレートコード。",
            "zh-CN": "用于中国大陆号码的模板CODE。",
        },
    ),
    "templates[].templateCode.overseas": (
        "9cd299cf",
        {
            "ja": "それ以外のすべての番号に使うテンプレートコード（国際／香港・マカオ・台湾向け"
            "テンプレート）。",
            "zh-CN": "用于其他所有号码的模板CODE（国际/港澳台消息模板）。",
        },
    ),
    "templates[].type": (
        "5d1020ef",
        {
            "ja": "Aliyun のテンプレート種別：0 通知、1 プロモーション、2 認証コード（既定）、"
            "6 国際、7 数字のみ。",
            "zh-CN": "阿里云模板类型：0 短信通知，1 推广短信，2 验证码（默认），6 国际/港澳台消息，"
            "7 数字短信。",
        },
    ),
    "strictPhoneRegionNumberCheck": (
        "a42879f8",
        {
            "ja": "true のとき、すべての電話番号が国番号付きであるとみなし、その国番号だけで"
            "中国本土の番号かどうかを判定します。国番号なしで保存されたユーザーは"
            "サインインできなくなる場合があります。",
            "zh-CN": "为 true 时，假定每个手机号都带有国家/地区代码，且仅凭该代码判断是否为"
            "中国大陆号码。未带国家代码保存的用户可能因此无法登录。",
        },
    ),
    "endpoint": (
        "e2300c5c",
        {
            "ja": "送信先：パスを含まないホスト名、host:port、または URL。"
            "空または未指定なら HTTPS の "
            "dysmsapi.aliyuncs.com。国際サイトのアカウントは "
            "dysmsapi.ap-southeast-1.aliyuncs.com などのリージョンエンドポイントを使います。"
            "平文の http:// はサンドボックスのようなループバックアドレス"
            "（localhost、127.0.0.0/8、[::1]）に限り使えます。",
            "zh-CN": "发送地址：不含路径的主机名、host:port 或 URL。为空或不设置时通过 HTTPS 访问 "
            "dysmsapi.aliyuncs.com；国际站账号使用地域接入点，例如 "
            "dysmsapi.ap-southeast-1.aliyuncs.com。明文 http:// 仅允许用于回环地址"
            "（localhost、127.0.0.0/8、[::1]），例如沙箱。",
        },
    ),
    "connectTimeout": (
        "4d8b9f84",
        {
            "ja": "エンドポイントへの接続を待つミリ秒数（既定 5000）。",
            "zh-CN": "等待与接入点建立连接的毫秒数（默认 5000）。",
        },
    ),
    "readTimeout": (
        "e0aabd72",
        {
            "ja": "リクエスト送信後、Aliyun の応答を待つミリ秒数（既定 10000）。",
            "zh-CN": "请求发出后等待阿里云应答的毫秒数（默认 10000）。",
        },
    ),
    "allowedCountryCodes": (
        "b0a8397b",
        {
            "ja": 'これらの国の番号にだけ送信します：国番号（"86"、"+852"）または '
            'ISO 3166 の地域コード（"CN"、"HK"）。空または未指定ならすべての国。'
            "SMS ポンピングに対する最初の防御であり、不正検知システムではありません。",
            "zh-CN": '只向这些国家/地区的号码发送：国际电话区号（"86"、"+852"）或 '
            'ISO 3166 地区代码（"CN"、"HK"）。为空或不设置时不限国家。'
            "这是防范短信盗刷（SMS pumping）的第一道防线，并不能替代风控系统。",
        },
    ),
    "allowedCountryCodes[]": (
        "9a4e146d",
        {
            "ja": '国番号（"86"、"+852"）または 2 文字の ISO 3166 地域コード（"CN"）。',
            "zh-CN": '国际电话区号（"86"、"+852"）或两个字母的 ISO 3166 地区代码（"CN"）。',
        },
    ),
    "minSendIntervalSeconds": (
        "5a7e46a7",
        {
            "ja": "同じ番号への 2 通のメッセージの最小間隔（秒）（0 または未指定で無効）。"
            "ホストが制限を数える場所で数えます：既定ではこのプロセス、または全ワーカーで共有する "
            "Redis（ALIYUN_SMS_LIMITS_URL）。",
            "zh-CN": "向同一号码发送两条消息之间的最小间隔（秒）（0 或不设置表示关闭）。"
            "在宿主保存限额的位置计数：默认为当前进程，也可以是所有 worker 共享的 Redis"
            "（ALIYUN_SMS_LIMITS_URL）。",
        },
    ),
    "maxMessagesPerNumberPerDay": (
        "b6ac848e",
        {
            "ja": "1 つの番号に送るメッセージを、任意の 24 時間でこの件数までに制限します"
            "（0 または未指定で無効）。ループやボットが 1 台の電話にメッセージを浴びせるのを"
            "防ぎます。",
            "zh-CN": "任意 24 小时内向同一号码最多发送的消息条数（0 或不设置表示关闭）。"
            "防止循环或机器人对同一部手机狂发短信。",
        },
    ),
    "maxMessagesPerIpPerHour": (
        "f486d244",
        {
            "ja": "1 つのクライアント IP（Logto の ip。IPv6 は /64 単位）から要求される"
            "メッセージを、任意の 1 時間でこの件数までに制限します（0 または未指定で無効）。"
            "ip のないメッセージは数えません。",
            "zh-CN": "任意一小时内同一客户端 IP（Logto 的 ip；IPv6 按 /64 计）最多可请求的消息条数"
            "（0 或不设置表示关闭）。没有 ip 的消息不计数。",
        },
    ),
    "maxMessagesPerCountryPerHour": (
        "ec5589ae",
        {
            "ja": "1 つの国番号の番号宛てのメッセージを、任意の 1 時間でこの件数までに制限します"
            "（0 または未指定で無効）。少数の高額な国の多数の番号へ送りつける SMS ポンピングへの"
            "ブレーキです。",
            "zh-CN": "任意一小时内发往同一国际区号号码的消息条数上限（0 或不设置表示关闭）。"
            "短信盗刷（SMS pumping）通常向少数高资费国家的大量号码发送，这是针对它的刹车。",
        },
    ),
    "limitsFailMode": (
        "d28ad6c1",
        {
            "ja": "制限の保存先（Redis）に到達できないときの送信の扱い：open は送信して警告を"
            "ログに出し、closed は拒否します（エラー general、再試行可）。",
            "zh-CN": "无法连接限额存储（Redis）时如何处理发送：open 照常发送并记录警告日志；"
            "closed 拒绝发送（错误码 general，可重试）。",
        },
    ),
}

# --- the error table: Aliyun code -> advice group, advice group -> what to do ------------------

# --- rendering ---------------------------------------------------------------------------------


def fingerprint(text: str) -> str:
    """The first 8 hex digits of the text's SHA-256: what a translation was made from."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def load_schema() -> dict[str, Any]:
    """The canonical schema file of the repository (the package ships a copy of it)."""
    if SCHEMA_FILE.exists():
        schema: dict[str, Any] = json.loads(SCHEMA_FILE.read_text("utf-8"))
        return schema
    return CONFIG_SCHEMA


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return node
    target: Any = schema
    for part in ref[2:].split("/"):
        target = target[part]
    resolved: dict[str, Any] = target
    return resolved


def _walk(
    schema: dict[str, Any], node: dict[str, Any], prefix: str
) -> Iterator[tuple[str, dict[str, Any], bool]]:
    required = set(node.get("required", []))
    for key, child in node.get("properties", {}).items():
        path = f"{prefix}{key}"
        yield path, child, key in required
        yield from _inside(schema, child, path)


def _inside(
    schema: dict[str, Any], node: dict[str, Any], path: str
) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """The documented keys nested in one property: array items, object variants."""
    items = node.get("items")
    if isinstance(items, dict):
        item = _resolve(schema, items)
        if "properties" in item:
            yield from _walk(schema, item, f"{path}[].")
        elif "description" in item:
            yield f"{path}[]", item, False
    for variant in node.get("oneOf", []):
        variant = _resolve(schema, variant)
        if "properties" in variant:
            yield from _walk(schema, variant, f"{path}.")


def config_rows(
    schema: dict[str, Any] | None = None,
) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """Every documented key: (path, schema node, required in its parent), in schema order."""
    schema = schema or load_schema()
    yield from _walk(schema, schema, "")


def _type(node: dict[str, Any], lang: str) -> str:
    if "oneOf" in node:
        return " \\| ".join(_type(variant, lang) for variant in node["oneOf"])
    if "enum" in node:
        return " \\| ".join(f"`{value}`" for value in node["enum"])
    kind = node.get("type", "")
    if kind == "array":
        items = node.get("items", {})
        name = items["$ref"].rsplit("/", 1)[-1] if "$ref" in items else items.get("type", "")
        return f"`{name}[]`"
    if kind == "object":
        return "`{" + ", ".join(node.get("properties", {})) + "}`"
    text = f"`{kind}`"
    if node.get("minLength") == 1:
        text += f" ({WORDS['non-empty'][lang]})"
    if "minimum" in node and "maximum" in node:
        text += f" {node['minimum']}–{node['maximum']}"
    return text


def description(path: str, node: dict[str, Any], lang: str) -> str:
    """The description of one key in one language (English straight from the schema)."""
    english: str = node.get("description", "")
    if lang == "en":
        return english
    return TRANSLATIONS[path][1][lang]


def render_config_table(lang: str) -> str:
    """The config reference table for one language, as Markdown."""
    head = HEADERS[CONFIG_TABLE][lang]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for path, node, required in config_rows():
        default = f"`{str(node['default']).lower()}`" if "default" in node else ""
        cells = [
            f"`{path}`",
            _type(node, lang),
            "✓" if required else "",
            default,
            _cell(description(path, node, lang)),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_error_table(lang: str) -> str:
    """The Aliyun code -> ConnectorErrorCode table for one language, as Markdown."""
    head = HEADERS[ERROR_TABLE][lang]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for code, answer in ANSWERS.items():
        cells = [
            f"`{code}`",
            f"`{answer.error.value}`",
            WORDS["yes" if answer.retryable else "no"][lang],
            _cell(hint(code, lang) or ""),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def problems() -> list[str]:
    """What keeps the tables from being generated faithfully: missing or stale translations."""
    found = []
    paths = {path: node for path, node, _ in config_rows()}
    for path, node in paths.items():
        if "description" not in node:
            found.append(f"schema: {path} has no description")
            continue
        if path not in TRANSLATIONS:
            found.append(f"TRANSLATIONS: {path} is missing")
            continue
        source, texts = TRANSLATIONS[path]
        if source != fingerprint(node["description"]):
            found.append(
                f"TRANSLATIONS: {path} was translated from an older English description "
                f"(fingerprint {source}, now {fingerprint(node['description'])})"
            )
        found.extend(
            f"TRANSLATIONS: {path} has no {lang}" for lang in LANGS[1:] if lang not in texts
        )
    found.extend(
        f"TRANSLATIONS: {path} is not in the schema" for path in TRANSLATIONS if path not in paths
    )
    found.extend(
        f"aliyun_errors: {code} has no {lang} hint"
        for code, answer in ANSWERS.items()
        for lang in LANGS
        if lang not in ADVICE.get(answer.advice, {})
    )
    return found


def markers(name: str) -> tuple[str, str]:
    """The start and end markers of a generated block."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def generated_block(text: str, name: str) -> str | None:
    """The text between a block's markers (stripped), or None when the markers are missing."""
    start, end = markers(name)
    match = re.search(re.escape(start) + r"\n(.*?)\n?" + re.escape(end), text, re.S)
    return match.group(1).strip() if match else None


def replace_block(text: str, name: str, body: str) -> str:
    """``text`` with the block between ``name``'s markers replaced by ``body``."""
    start, end = markers(name)
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise ValueError(f"markers {start} ... {end} not found")
    return pattern.sub(lambda _: f"{start}\n{body}\n{end}", text, count=1)


TARGETS = {
    CONFIG_TABLE: ("config.md", render_config_table),
    ERROR_TABLE: ("errors.md", render_error_table),
}


def expected(docs: Path = DOCS) -> dict[Path, str]:
    """Every generated file as it should read."""
    out: dict[Path, str] = {}
    for name, (filename, render) in TARGETS.items():
        for lang in LANGS:
            path = docs / lang / filename
            current = out.get(path) or path.read_text("utf-8")
            out[path] = replace_block(current, name, render(lang))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail instead of rewriting")
    args = parser.parse_args(argv)
    issues = problems()
    if issues:
        print("\n".join(issues), file=sys.stderr)
        return 1
    stale = []
    for path, text in expected().items():
        if path.read_text("utf-8") == text:
            continue
        stale.append(path)
        if not args.check:
            path.write_text(text, "utf-8")
    for path in stale:
        verb = "out of date" if args.check else "rewritten"
        print(f"{path.relative_to(DOCS.parent)}: {verb}", file=sys.stderr)
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    raise SystemExit(main())
