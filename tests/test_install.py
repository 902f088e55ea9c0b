"""The README's install commands, run as written in a fresh virtualenv, then the README's example.

Each of the README's install blocks (the ones whose not-run marker names this file) gets its own
venv: its first ``pip install`` line (production) must give an importable connector without the
sandbox, its second (tests) the sandbox too, and then the README's Python example runs in that
venv, outside the source tree. ``make dist`` builds the wheels the blocks name, into a temporary
``dist/``; the index block reads them as its index (``--find-links``). Dependencies come from the
index pip is configured with; pip's cache makes it quick.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from _docblocks import ROOT, Block, blocks_of

pytestmark = pytest.mark.slow

README = ROOT / "README.md"
EXAMPLE = re.compile(r"^```python\n(.*?)^```", re.M | re.S)
TIMEOUT = 600


def _marked_readme_blocks() -> list[Block]:
    return [
        block
        for block in blocks_of(README)
        if block.lang == "sh" and block.not_run and "tests/test_install.py" in block.not_run
    ]


def install_blocks() -> list[Block]:
    """The README's shell blocks that this test runs (their not-run marker names this file)."""
    return [block for block in _marked_readme_blocks() if "resolves" not in str(block.not_run)]


def extras_block() -> Block:
    """The README's block of extras, one ``pip install '.[extra]'`` line each."""
    found = [block for block in _marked_readme_blocks() if "resolves" in str(block.not_run)]
    assert len(found) == 1, [block.where for block in found]
    return found[0]


def pip_lines(block: Block) -> list[str]:
    """The block's ``pip install`` commands, comments dropped."""
    lines = [line.split("#", 1)[0].strip() for line in block.code.splitlines()]
    return [line for line in lines if line.startswith("pip install")]


def readme_example() -> str:
    found = EXAMPLE.findall(README.read_text("utf-8"))
    assert found, "the README has no python example"
    return str(found[0])


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``make dist``, as the README gives it, into a temporary directory."""
    out = tmp_path_factory.mktemp("built") / "dist"
    python = Path(sys.executable)
    subprocess.run(
        ["make", "-C", str(ROOT), "dist", f"DIST={out}", f"BIN={python.parent}"],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    return out


def _venv(where: Path) -> dict[str, str]:
    """A fresh venv; the environment that puts its ``pip`` and ``python`` first on PATH."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True, timeout=120)
    bindir = where / ("Scripts" if os.name == "nt" else "bin")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VIRTUAL_ENV", "DEBUG")
        and key.lower() not in ("http_proxy", "https_proxy", "all_proxy")
    }
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(where)
    return env


def _sh(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _python(code: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["python", "-I", "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_readme_has_the_three_install_blocks() -> None:
    blocks = install_blocks()
    assert len(blocks) == 3, [block.where for block in blocks]
    for block in blocks:
        assert len(pip_lines(block)) == 2, block.where
    assert "make dist" in blocks[1].code


@pytest.mark.parametrize("which", [0, 1, 2], ids=["clone", "wheels", "index"])
def test_the_readme_install_then_its_example(which: int, dist: Path, tmp_path: Path) -> None:
    block = install_blocks()[which]
    production, tests = pip_lines(block)
    env = _venv(tmp_path / "venv")
    if which == 0:  # from a clone: the commands run at the clone's root
        cwd = tmp_path / "clone"
        shutil.copytree(
            ROOT,
            cwd,
            ignore=shutil.ignore_patterns(
                ".venv*", "node_modules", ".git", "dist", "build", ".*_cache", "__pycache__"
            ),
        )
    else:  # the wheels in ./dist, as `make dist` leaves them
        cwd = tmp_path / "project"
        cwd.mkdir()
        shutil.copytree(dist, cwd / "dist")
    if which == 2:  # the index holding both distributions: the wheels, read as one
        env["PIP_FIND_LINKS"] = f"{cwd / 'dist'} {env.get('PIP_FIND_LINKS', '')}".strip()
    outside = tmp_path / "elsewhere"
    outside.mkdir()

    done = _sh(production, cwd, env)
    assert done.returncode == 0, f"{block.where}: {production}\n{done.stderr[-3000:]}"
    probe = _python(
        "import importlib.util, logto_connector_aliyun_sms as m;"
        "print(m.__file__, importlib.util.find_spec('aliyun_sms_sandbox') is None)",
        outside,
        env,
    )
    assert probe.returncode == 0, probe.stderr
    where, no_sandbox = probe.stdout.split()
    assert "site-packages" in Path(where).parts
    assert no_sandbox == "True", "the production line installed the sandbox"
    demo = _sh("aliyun-sms demo", outside, env)
    assert demo.returncode == 2
    assert "sandbox" in demo.stderr + demo.stdout

    done = _sh(tests, cwd, env)
    assert done.returncode == 0, f"{block.where}: {tests}\n{done.stderr[-3000:]}"
    example = _python(readme_example(), outside, env)
    assert example.returncode == 0, example.stderr[-3000:]
    first, second = example.stdout.splitlines()[:2]
    assert first.startswith("OK ")
    assert "123456" in second


def test_the_extra_alone_fails_as_the_readme_says(tmp_path: Path) -> None:
    """From a clone, `pip install '.[sandbox]'` without `./sandbox` finds no sandbox."""
    text = " ".join(README.read_text("utf-8").split())
    assert "No matching distribution found for logto-aliyun-sms-sandbox" in text
    env = _venv(tmp_path / "venv")
    done = _sh(f"pip install --dry-run '{ROOT}[sandbox]'", tmp_path, env)
    assert done.returncode != 0
    assert "No matching distribution found for logto-aliyun-sms-sandbox" in done.stderr


def test_docs_install_lines_are_the_readmes() -> None:
    """A docs block marked as run by this file holds only install lines the README's blocks have."""
    from _docblocks import pages

    blocks = [*install_blocks(), extras_block()]
    readme = {line for block in blocks for line in pip_lines(block)}
    marked = [
        block
        for page in pages()
        if page != README
        for block in blocks_of(page)
        if block.not_run and "tests/test_install.py" in block.not_run
    ]
    # sandbox.md, integration.md, the framework pages, many-workers.md and relay.md
    assert len(marked) >= 21, [block.where for block in marked]
    for block in marked:
        lines = pip_lines(block)
        assert lines, block.where
        assert set(lines) <= readme, f"{block.where}: {set(lines) - readme}"


# --- the extras (redis, django, flask, relay) --------------------------------------------------

_PROJECT_EXTRA = re.compile(r"""^'?\.\[(?P<extras>[a-z,]+)\]'?$""")


def readme_extras() -> dict[str, str]:
    """extra -> its README line, checked to be ``pip install '.[extra]'``."""
    found = {}
    for line in pip_lines(extras_block()):
        match = _PROJECT_EXTRA.match(line.removeprefix("pip install").strip())
        assert match, f"not a from-the-clone extra line: {line!r}"
        found[match["extras"]] = line
    return found


def test_the_readme_names_every_extra_users_install() -> None:
    """One README line per extra of the connector, but the sandbox's and the project's own."""
    from importlib.metadata import metadata

    provided = metadata("logto-connector-aliyun-sms").get_all("Provides-Extra") or []
    extras = set(provided) - {"sandbox", "test", "dev", "docs"}
    assert extras >= {"redis", "django", "flask", "relay"}
    assert set(readme_extras()) == extras


@pytest.mark.parametrize("extra", ["redis", "django", "flask", "relay"])
def test_each_readme_extra_resolves_from_the_clone(extra: str, tmp_path: Path) -> None:
    """The README's line, run from the clone's root as a dry run in this environment (which holds
    the extras already: nothing is downloaded but the build backend, from pip's cache)."""
    line = readme_extras()[extra]
    command = line.replace("pip install", f"'{sys.executable}' -m pip install --dry-run", 1)
    report = tmp_path / "report.json"
    done = _sh(f"{command} --report '{report}' --quiet", ROOT, dict(os.environ))
    assert done.returncode == 0, f"{line}\n{done.stderr[-3000:]}"
    import json

    installs = json.loads(report.read_text("utf-8"))["install"]
    project = [i for i in installs if i["metadata"]["name"] == "logto-connector-aliyun-sms"]
    assert len(project) == 1, installs
    assert project[0]["requested_extras"] == [extra]
    # the extra exists in the clone's metadata and names what the README says it brings
    requires = project[0]["metadata"]["requires_dist"]
    assert any(re.search(rf"""extra == ['"]{extra}['"]""", r) for r in requires), requires


_INDEX_FORM = re.compile(r"pip install [^`\n]*logto-connector-aliyun-sms\[")
_CLONE_EXTRA = re.compile(r"""pip install [^`\n]*'\.\[(?P<extras>[a-z,]+)\]'""")


def test_docs_install_the_extras_as_the_readme_does() -> None:
    """No page but the README and sandbox.md gives the index form (it fails until the connector is
    on an index); every ``'.[...]'`` names extras the README installs."""
    from _docblocks import pages

    known = set(readme_extras()) | {"sandbox"}
    wrong = []
    for page in pages():
        for number, line in enumerate(page.read_text("utf-8").splitlines(), 1):
            where = f"{page.relative_to(ROOT)}:{number}"
            if _INDEX_FORM.search(line) and page != README and page.name != "sandbox.md":
                wrong.append(f"{where}: the index form {line.strip()!r}")
            for match in _CLONE_EXTRA.finditer(line):
                if not set(match["extras"].split(",")) <= known:
                    wrong.append(f"{where}: unknown extra in {line.strip()!r}")
    assert wrong == []
