"""The house's shape: no import cycle in either distribution, the sandbox imports nothing of the
connector, and the connector imports the sandbox only where a command needs it (lazily)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {
    "logto_connector_aliyun_sms": ROOT / "connector" / "logto_connector_aliyun_sms",
    "aliyun_sms_sandbox": ROOT / "sandbox" / "aliyun_sms_sandbox",
}


def _module_name(package: str, base: Path, path: Path) -> str:
    parts = [package, *path.relative_to(base).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package, base in PACKAGES.items():
        for path in base.rglob("*.py"):
            found[_module_name(package, base, path)] = path
    return found


MODULES = _modules()


def _resolve(current: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = current.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(name: str) -> set[str]:
    """Every module of either package that ``name`` imports, anywhere in its body (function-local
    and TYPE_CHECKING imports too: a cycle hidden in a function is still a cycle)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, path.name == "__init__.py", node)
            subs = [f"{base}.{alias.name}" for alias in node.names]
            # ``from pkg import name``: the submodule when ``name`` is one, else pkg itself
            targets = [sub if sub in MODULES else base for sub in subs]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _cycle() -> list[str] | None:
    graph = {name: imports_of(name) for name in MODULES}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        stack.append(name)
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        state[name] = 2
        return None

    for name in sorted(graph):
        if name not in state:
            found = visit(name)
            if found:
                return found
    return None


def test_the_walker_sees_function_local_imports() -> None:
    assert "logto_connector_aliyun_sms._sdk.aio_transport" in imports_of(
        "logto_connector_aliyun_sms._sdk.client"
    )


def test_no_import_cycle() -> None:
    cycle = _cycle()
    assert cycle is None, " -> ".join(cycle or [])


def test_the_sandbox_imports_nothing_of_the_connector() -> None:
    for name in MODULES:
        if name.startswith("aliyun_sms_sandbox"):
            connector = [m for m in imports_of(name) if m.startswith("logto_connector_aliyun_sms")]
            assert connector == [], name


@pytest.mark.parametrize("name", sorted(m for m in MODULES if m.startswith("logto_")))
def test_only_the_cli_reaches_for_the_sandbox(name: str) -> None:
    text = MODULES[name].read_text("utf-8")
    # an import statement, or the module's name in a string (importlib), not a mere mention
    if re.search(r"(?:import|from)\s+aliyun_sms_sandbox\b|[\"']aliyun_sms_sandbox\b", text):
        assert name.startswith("logto_connector_aliyun_sms.cli."), name


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_over_400_lines_without_a_reason(name: str) -> None:
    lines = MODULES[name].read_text("utf-8").splitlines()
    assert len(lines) <= 400 or "over 400 lines because" in "\n".join(lines[:15]), name


CONNECTOR = PACKAGES["logto_connector_aliyun_sms"]


def test_at_most_14_modules_at_the_top_level() -> None:
    """One home per concern: the package's top level holds few modules; the rest are packages."""
    top = sorted(path.name for path in CONNECTOR.glob("*.py"))
    assert len(top) <= 14, top
    packages = ("config", "texts", "inputs", "_sdk", "limits", "delivery", "relay", "cli")
    for package in (*packages, "console", "contrib"):
        assert (CONNECTOR / package / "__init__.py").is_file(), package


def _inside(name: str) -> set[str]:
    return {m for m in imports_of(name) if m.startswith("logto_connector_aliyun_sms")}


@pytest.mark.parametrize(
    ("package", "allowed"),
    [
        # the inputs of a send are leaves: Logto's contract and the masks, nothing else
        ("inputs", ("kit", "redact", "inputs")),
        # texts read the schema file for ranges and defaults, nothing of validation or sending
        ("texts", ("kit", "config.schema", "texts")),
    ],
)
def test_leaf_packages_stay_leaves(package: str, allowed: tuple[str, ...]) -> None:
    prefix = f"logto_connector_aliyun_sms.{package}"
    for name in (m for m in MODULES if m == prefix or m.startswith(prefix + ".")):
        for target in _inside(name):
            short = target.removeprefix("logto_connector_aliyun_sms.")
            assert short.split(".")[0] in allowed or short in allowed, (name, target)
