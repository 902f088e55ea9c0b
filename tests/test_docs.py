"""The docs stay true: generated tables match their sources, languages stay in step, links work,
and the README's example runs."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

from _docblocks import split
from logto_connector_aliyun_sms.aliyun_errors import ANSWERS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LANGS = ("en", "ja", "zh-CN")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_config_reference", DOCS / "gen_config_reference.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def _prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks (a line like ``` `to` ...``` is inline code)."""
    return split(text, ROOT / "README.md")[1]


def _headings(path: Path) -> list[tuple[int, str]]:
    found = []
    for line in _prose_lines(path.read_text("utf-8")):
        match = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if match:
            found.append((len(match.group(1)), match.group(2)))
    return found


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`|\*\*|\[([^\]]*)\]\([^)]*\)", r"\1", heading).lower()
    kept = "".join(
        ch
        for ch in text
        if ch in " -_" or unicodedata.category(ch)[0] in "LMN" or unicodedata.category(ch) == "Pc"
    )
    return kept.replace(" ", "-")


def _markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


# --- generated tables ------------------------------------------------------------------------


def test_generator_has_every_translation_and_advice() -> None:
    assert gen.problems() == []


@pytest.mark.parametrize("lang", LANGS)
def test_config_table_matches_the_schema(lang: str) -> None:
    text = (DOCS / lang / "config.md").read_text("utf-8")
    block = gen.generated_block(text, gen.CONFIG_TABLE)
    assert block is not None, "config-table markers missing"
    assert block == gen.render_config_table(lang), (
        f"docs/{lang}/config.md is out of date: run .venv/bin/python docs/gen_config_reference.py"
    )


def test_config_table_lists_every_schema_key() -> None:
    text = (DOCS / "en" / "config.md").read_text("utf-8")
    block = gen.generated_block(text, gen.CONFIG_TABLE) or ""
    schema = gen.load_schema()
    for key, node in schema["properties"].items():
        assert f"| `{key}` |" in block
        assert " ".join(node["description"].split()) in block
    for key in schema["$defs"]["template"]["properties"]:
        assert f"| `templates[].{key}` |" in block


@pytest.mark.parametrize("lang", LANGS)
def test_error_table_matches_errors_answers(lang: str) -> None:
    text = (DOCS / lang / "errors.md").read_text("utf-8")
    block = gen.generated_block(text, gen.ERROR_TABLE)
    assert block is not None, "error-table markers missing"
    assert block == gen.render_error_table(lang), (
        f"docs/{lang}/errors.md is out of date: run .venv/bin/python docs/gen_config_reference.py"
    )
    rows = re.findall(r"^\| `([^`]+)` \| `([a-z_]+)` \|", block, re.M)
    assert rows == [(code, error.value) for code, (error, _, _) in ANSWERS.items()]


def test_generator_check_mode_passes() -> None:
    assert gen.main(["--check"]) == 0


def test_replace_block_needs_its_markers() -> None:
    with pytest.raises(ValueError, match="markers"):
        gen.replace_block("no markers here", gen.CONFIG_TABLE, "x")


# --- three languages in step --------------------------------------------------------------------


def _files(lang: str) -> set[str]:
    return {str(p.relative_to(DOCS / lang)) for p in (DOCS / lang).rglob("*.md")}


def test_languages_have_the_same_files() -> None:
    english = _files("en")
    assert english >= {
        "setup.md",
        "config.md",
        "phone-numbers.md",
        "errors.md",
        "integration.md",
        "sandbox.md",
        "cli.md",
    }
    for lang in LANGS[1:]:
        assert _files(lang) == english, lang


@pytest.mark.parametrize("name", sorted(_files("en")))
def test_languages_have_the_same_headings(name: str) -> None:
    levels = {lang: [level for level, _ in _headings(DOCS / lang / name)] for lang in LANGS}
    for lang in LANGS[1:]:
        assert len(levels[lang]) == len(levels["en"]), f"{lang}/{name}: heading count differs"
        assert levels[lang] == levels["en"], f"{lang}/{name}: heading levels differ"


# --- links -----------------------------------------------------------------------------------


def _links(path: Path) -> list[str]:
    return [
        m.group(1) for line in _prose_lines(path.read_text("utf-8")) for m in LINK.finditer(line)
    ]


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_to_existing_files(path: Path) -> None:
    broken = []
    for target in _links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue  # https:, mailto:
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        if not resolved.exists():
            broken.append(target)
            continue
        if anchor and resolved.suffix == ".md":
            anchors = {_slug(text) for _, text in _headings(resolved)}
            if anchor not in anchors:
                broken.append(target)
    assert broken == [], f"{path.relative_to(ROOT)}: broken links {broken}"


def test_slug_follows_github() -> None:
    assert _slug("Stricter than Logto, and why") == "stricter-than-logto-and-why"
    assert _slug("`create_connector`") == "create_connector"
    assert _slug("Logto より厳しい点とその理由") == "logto-より厳しい点とその理由"


# --- the README's example runs -----------------------------------------------------------------


def _readme_example() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, re.M | re.S)
    assert blocks, "the README has no python example"
    code: str = blocks[0]
    return code


def test_readme_example_is_ten_lines() -> None:
    lines = [line for line in _readme_example().splitlines() if line.strip()]
    assert len(lines) <= 10


def test_readme_example_runs_against_the_sandbox() -> None:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy")}
    env.pop("DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-c", _readme_example()],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()[:2]
    assert first.startswith("OK ")
    assert "123456" in second
