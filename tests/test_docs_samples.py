"""Every code block in the docs runs, so that no sample can rot.

For each page (README.md and docs/**/*.md):

- Python blocks run in order, in one namespace, in a fresh interpreter (``_docs_runner.py``);
  samples are self-contained and start the sandbox themselves, as a reader pasting them would.
  A block defining ``test_*`` functions has them called with the sandbox fixture.
- Shell blocks whose commands are ``aliyun-sms ...`` run with the installed console script, in a
  directory holding ``config.json`` (a sandbox config) and ``config-without-keys.json`` (the same
  without credentials, which come from ``ALIBABA_CLOUD_ACCESS_KEY_ID`` / ``_SECRET``). They must
  exit 0 and print no secret. A reader runs them with a real config, so a number they send to is
  the reader's own, written as a placeholder (``OWN_PHONES``) that the test replaces with a
  sandbox number; any other number in a send command fails the test (it would bill a stranger).
- JSON blocks must parse; TOML blocks too; text blocks are output or synopses.
- Any other block (another language, a shell command other than ``aliyun-sms``) fails the test
  unless the line before its fence says why it is not run: ``<!-- not run: reason -->``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from _docblocks import ROOT, Block, blocks_of, pages

PYTHON = {"python", "py"}
SHELL = {"sh", "shell", "bash", "console"}
DATA = {"json", "toml", "text", "txt", ""}
RUNNER = Path(__file__).resolve().parent / "_docs_runner.py"
BIN = Path(sys.executable).parent
COMMAND = re.compile(r"^(aliyun-sms(\s|$)|export [A-Z_][A-Z0-9_]*=)")
TIMEOUT = 180
# the reader's own phone, as the shell samples write it, and the sandbox number the test sends to
OWN_PHONES = {"+86 1XX XXXX XXXX": "+86 138 1234 5678", "+852 XXXX XXXX": "+852 6123 4567"}
_SEND_TO = re.compile(r"aliyun-sms send\b.*--to\s+(?P<to>'[^']*'|\"[^\"]*\"|\S+)")


def strangers(code: str) -> list[str]:
    """The numbers a shell block's ``aliyun-sms send`` commands send to that are no placeholder."""
    found = [m["to"].strip("'\"") for m in map(_SEND_TO.search, _commands(code)) if m]
    return [to for to in found if to not in OWN_PHONES]


def with_sandbox_phones(code: str) -> str:
    for placeholder, number in OWN_PHONES.items():
        code = code.replace(placeholder, number)
    return code


def _commands(code: str) -> list[str]:
    """The shell block's commands: continuations joined, blank lines and comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", code)
    lines = (line.strip() for line in joined.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def runnable(block: Block) -> bool:
    """Whether the test can run (or check) this block as written."""
    if block.lang in PYTHON or block.lang in DATA:
        return True
    if block.lang in SHELL:
        commands = _commands(block.code)
        return bool(commands) and all(COMMAND.match(command) for command in commands)
    return False


def _env(sandbox: object | None = None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key.lower() not in ("http_proxy", "https_proxy", "all_proxy", "debug")
        and not key.startswith("ALIBABA_CLOUD_")
    }
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    if sandbox is not None:
        env["ALIBABA_CLOUD_ACCESS_KEY_ID"] = sandbox.access_key_id  # type: ignore[attr-defined]
        env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = sandbox.access_key_secret  # type: ignore[attr-defined]
    return env


@pytest.fixture(scope="module")
def sandbox() -> Iterator[object]:
    from aliyun_sms_sandbox import Sandbox

    with Sandbox() as running:
        yield running


@pytest.fixture
def workdir(tmp_path: Path, sandbox: object) -> Path:
    """A directory with the files the shell samples name."""
    sandbox.reset()  # type: ignore[attr-defined]
    config = sandbox.connector_config()  # type: ignore[attr-defined]
    (tmp_path / "config.json").write_text(json.dumps(config, ensure_ascii=False, indent=2))
    keyless = {k: v for k, v in config.items() if k not in ("accessKeyId", "accessKeySecret")}
    (tmp_path / "config-without-keys.json").write_text(json.dumps(keyless, ensure_ascii=False))
    return tmp_path


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


ALL_PAGES = pages()


@pytest.mark.parametrize("page", ALL_PAGES, ids=_page_id)
def test_every_block_runs_or_says_why_not(page: Path) -> None:
    unmarked = [
        f"{block.where} ({block.lang or 'no language'})"
        for block in blocks_of(page)
        if block.not_run is None and not runnable(block)
    ]
    assert unmarked == [], (
        "blocks the tests cannot run: rewrite them, or put <!-- not run: reason --> on the line "
        f"before the fence: {unmarked}"
    )


@pytest.mark.parametrize("page", ALL_PAGES, ids=_page_id)
def test_data_blocks_parse(page: Path) -> None:
    for block in blocks_of(page):
        if block.not_run is not None:
            continue
        if block.lang == "json":
            try:
                json.loads(block.code)
            except ValueError as error:
                pytest.fail(f"{block.where}: not JSON: {error}")
        elif block.lang == "toml":
            tomllib = pytest.importorskip("tomllib")
            tomllib.loads(block.code)


@pytest.mark.parametrize("page", ALL_PAGES, ids=_page_id)
def test_python_samples_run(page: Path, workdir: Path, sandbox: object) -> None:
    blocks = [b for b in blocks_of(page) if b.lang in PYTHON and b.not_run is None]
    if not blocks:
        return
    spec = workdir / "blocks.json"
    spec.write_text(json.dumps([{"where": b.where, "code": b.code} for b in blocks]))
    result = subprocess.run(
        [sys.executable, str(RUNNER), str(spec)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=workdir,
        env=_env(),
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    secret = sandbox.access_key_secret  # type: ignore[attr-defined]
    assert secret not in result.stdout + result.stderr, f"{_page_id(page)} prints a secret"


@pytest.mark.parametrize("page", ALL_PAGES, ids=_page_id)
def test_shell_samples_run(page: Path, workdir: Path, sandbox: object) -> None:
    for block in blocks_of(page):
        if block.lang not in SHELL or block.not_run is not None or not runnable(block):
            continue
        assert strangers(block.code) == [], (
            f"{block.where}: send to the reader's own number, {' or '.join(OWN_PHONES)}"
        )
        result = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", with_sandbox_phones(block.code)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            cwd=workdir,
            env=_env(sandbox),
            check=False,
        )
        assert result.returncode == 0, f"{block.where}: exit {result.returncode}\n{result.stderr}"
        secret = sandbox.access_key_secret  # type: ignore[attr-defined]
        assert secret not in result.stdout + result.stderr, f"{block.where} prints a secret"


# --- the test itself catches what it should ----------------------------------------------------


def _blocks(text: str) -> list[Block]:
    from _docblocks import split

    return split(text, ROOT / "README.md")[0]


def test_markers_and_languages_are_read() -> None:
    text = (
        "``` `to` is inline code, not a fence```\n"
        "<!-- not run: needs a browser -->\n"
        "```js\nconsole.log(1)\n```\n\n"
        "```js\nconsole.log(2)\n```\n"
        "```sh\naliyun-sms validate config.json\n```\n"
        "```sh\npip install .\n```\n"
        '  ```json\n  {"a": 1}\n  ```\n'
    )
    found = [(b.lang, b.not_run, runnable(b)) for b in _blocks(text)]
    assert found == [
        ("js", "needs a browser", False),
        ("js", None, False),
        ("sh", None, True),
        ("sh", None, False),
        ("json", None, True),
    ]
    assert _blocks(text)[-1].code == '{"a": 1}\n'


def test_the_runner_reports_a_failing_sample(tmp_path: Path) -> None:
    spec = tmp_path / "blocks.json"
    spec.write_text(
        json.dumps(
            [
                {"where": "page.md:1", "code": "x = 1\n"},
                {"where": "page.md:5", "code": "def test_x():\n    assert x == 2\n"},
            ]
        )
    )
    result = subprocess.run(
        [sys.executable, str(RUNNER), str(spec)],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(),
        check=False,
    )
    assert result.returncode == 1
    assert "sample failed: page.md:5" in result.stderr
    assert "AssertionError" in result.stderr


_ANY_SEND_TO = re.compile(
    r"(?:aliyun-sms send|aliyun_sms_send)\b[^`]{0,200}?--to\s+"
    r"(?P<to>'[^']*'|\"[^\"]*\"|<[^>]*>|[^\s`]+)"
)


def strangers_anywhere(text: str) -> list[str]:
    """Numbers any send command of a page sends to (a block run or not, or inline code, the
    management commands of the framework adapters too) that are no placeholder."""
    flat = re.sub(r"\s*\n\s*", " ", text)
    found = [m["to"].strip("'\"") for m in _ANY_SEND_TO.finditer(flat)]
    # a synopsis names the option's value (PHONE); prose may write <your phone>
    return [to for to in found if to not in OWN_PHONES and to != "PHONE" and to[:1] != "<"]


@pytest.mark.parametrize("page", ALL_PAGES, ids=_page_id)
def test_no_page_sends_to_a_stranger(page: Path) -> None:
    """A reader runs every send sample with a real config: the number is theirs, a placeholder."""
    assert strangers_anywhere(page.read_text("utf-8")) == []


def test_the_page_wide_check_sees_commands_a_block_runner_skips() -> None:
    inline = "test SMS: `python manage.py aliyun_sms_send --to +8613800138000\n--type SignIn`"
    assert strangers_anywhere(inline) == ["+8613800138000"]
    flask = "flask --app myapp aliyun-sms send --to '+86 1XX XXXX XXXX' --type MfaVerification"
    assert strangers_anywhere(flask) == []
    assert strangers_anywhere("`aliyun-sms send --connector mas --to YOUR_NUMBER`") == [
        "YOUR_NUMBER"
    ]


def test_a_send_to_a_real_looking_number_is_caught() -> None:
    assert strangers("aliyun-sms send --config config.json --to 13800000000\n") == ["13800000000"]
    assert strangers("aliyun-sms send --config c.json --to '+852 6123 4567' --type SignIn") == [
        "+852 6123 4567"
    ]
    own = "aliyun-sms send --config config.json \\\n  --to '+86 1XX XXXX XXXX'\n"
    assert strangers(own) == []
    assert "+86 138 1234 5678" in with_sandbox_phones(own)
