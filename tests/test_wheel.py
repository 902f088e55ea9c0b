"""The built distribution: `python -m build` (sdist, then the wheel from the sdist), installed
into a fresh virtualenv, serves CONFIG_SCHEMA, the logo and the readme from site-packages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schema" / "aliyun-sms-connector.schema.json"
PACKAGE = "logto_connector_aliyun_sms"

CHECK = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import logto_connector_aliyun_sms as m

    package = Path(m.__file__).resolve().parent
    shipped = package / "config" / "config.schema.json"
    templates = [{"usageType": t.value, "templateCode": "SMS_1"} for t in m.TemplateType]
    config = {"accessKeyId": "id", "accessKeySecret": "s", "signName": "n", "templates": templates}
    print(json.dumps({
        "package": str(package),
        "schema": m.CONFIG_SCHEMA,
        "schema_is_symlink": shipped.is_symlink(),
        "schema_file": json.loads(shipped.read_text("utf-8")),
        "logo": str(m.asset_path(m.METADATA["logo"])),
        "logo_bytes": len(m.asset_bytes(m.METADATA["logo"])),
        "readme": str(m.asset_path(m.METADATA["readme"])),
        "readme_text": m.asset_bytes(m.METADATA["readme"]).decode("utf-8"),
        "validated": m.validate_config(config)["templates"][0],
        "typed": (package / "py.typed").is_file(),
        "form_label": m.metadata_for("ja-JP")["formItems"][2]["label"],
        "schema_path": str(m.schema_path()),
        "console_files": sorted(p.name for p in (package / "console").iterdir()),
        "mas_schema": __import__("logto_connector_aliyun_sms.mas").mas.CONFIG_SCHEMA["title"],
        "mas_label": __import__("logto_connector_aliyun_sms.mas").mas.metadata_for("ja")[
            "formItems"][2]["label"],
    }))
    """
)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return out


def only(directory: Path, pattern: str) -> Path:
    (found,) = directory.glob(pattern)
    return found


def test_the_sdist_holds_the_canonical_schema(dist: Path) -> None:
    with tarfile.open(only(dist, "*.tar.gz")) as sdist:
        names = {
            Path(name).relative_to(Path(name).parts[0]).as_posix() for name in sdist.getnames()
        }
        member = next(n for n in sdist.getnames() if n.endswith("schema/" + SCHEMA_FILE.name))
        extracted = sdist.extractfile(member)
        assert extracted is not None
        assert extracted.read() == SCHEMA_FILE.read_bytes()
    assert f"connector/{PACKAGE}/config/config.schema.json" in names
    assert not any("node_modules" in name for name in names)


def test_the_wheel_holds_the_schema_as_a_real_file(dist: Path) -> None:
    with zipfile.ZipFile(only(dist, "*.whl")) as wheel:
        names = set(wheel.namelist())
        for name in ("config/config.schema.json", "aliyun.svg", "README.md", "py.typed"):
            assert f"{PACKAGE}/{name}" in names
        for name in (
            "__init__.py",
            "config/__init__.py",
            "texts/__init__.py",
            "inputs/__init__.py",
        ):
            assert f"{PACKAGE}/{name}" in names
        for name in (
            "texts/form_texts.json",
            "console/page.html",
            "console/page.js",
            "console/page.css",
        ):
            assert f"{PACKAGE}/{name}" in names
        assert f"{PACKAGE}/console/ui_texts.json" in names
        for lang in ("zh_Hans", "zh_Hant", "ja", "ko"):  # the adapters' compiled catalogs
            assert f"{PACKAGE}/contrib/locale/{lang}/LC_MESSAGES/aliyun_sms.mo" in names
        mas_schema = ROOT / "schema" / "aliyun-sms-mas-connector.schema.json"
        assert wheel.read(f"{PACKAGE}/mas/config.schema.json") == mas_schema.read_bytes()
        assert f"{PACKAGE}/mas/texts.json" in names
        info = wheel.getinfo(f"{PACKAGE}/config/config.schema.json")
        assert (info.external_attr >> 16) & 0o170000 != 0o120000, "stored as a symlink"
        assert wheel.read(f"{PACKAGE}/config/config.schema.json") == SCHEMA_FILE.read_bytes()
    assert not any(name.startswith(("tests/", "schema/")) for name in names)
    # the connector's wheel carries no sandbox code: the sandbox is its own distribution
    sandbox_code = ("aliyun_sms_sandbox/", f"{PACKAGE}/sandbox/")
    assert not any(name.startswith(sandbox_code) for name in names), sorted(names)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    requires = [
        line for line in wheel_text(dist, metadata).splitlines() if line.startswith("Requires-Dist")
    ]
    sandbox = [line for line in requires if "logto-aliyun-sms-sandbox" in line]
    assert sandbox, requires
    assert all("extra ==" in line for line in sandbox), requires


def wheel_text(dist: Path, name: str) -> str:
    with zipfile.ZipFile(only(dist, "*.whl")) as wheel:
        return wheel.read(name).decode("utf-8")


def test_the_sandbox_builds_as_its_own_wheel(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "-o", str(tmp_path), str(ROOT / "sandbox")],
        check=True,
        capture_output=True,
        timeout=600,
    )
    with zipfile.ZipFile(only(tmp_path, "*.whl")) as wheel:
        names = set(wheel.namelist())
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        points = wheel.read(entry_points).decode("utf-8")
    assert "aliyun_sms_sandbox/py.typed" in names
    assert not any(name.startswith("logto_connector_aliyun_sms") for name in names)
    assert "aliyun_sms_sandbox = aliyun_sms_sandbox.pytest_plugin" in points
    assert "aliyun-sms-sandbox = aliyun_sms_sandbox.cli:main" in points


def test_installed_in_a_fresh_virtualenv(dist: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--no-deps", str(only(dist, "*.whl"))], check=True, timeout=300)
    subprocess.run([*pip, "jsonschema>=4.18,<5"], check=True, timeout=300)

    # run outside the source tree, so only the installed copy can be imported
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run(
        [str(python), "-I", "-c", CHECK],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = json.loads(done.stdout)
    package = Path(found["package"])
    assert "site-packages" in package.parts
    assert not package.is_relative_to(ROOT)
    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    assert found["schema"] == schema
    assert found["schema_file"] == schema
    assert found["schema_is_symlink"] is False
    assert Path(found["logo"]) == package / "aliyun.svg"
    assert found["logo_bytes"] > 200
    assert Path(found["readme"]) == package / "README.md"
    assert found["readme_text"].startswith("# Aliyun Short Message Service connector")
    assert found["validated"] == {"usageType": "SignIn", "templateCode": "SMS_1", "type": 2}
    assert found["typed"] is True
    assert found["form_label"] == "署名名"
    assert found["mas_schema"] == "Aliyun Message Authentication Service connector config"
    assert found["mas_label"] == "署名名"
    assert Path(found["schema_path"]) == package / "config" / "config.schema.json"
    assert {"page.html", "page.js", "page.css", "ui_texts.json"} <= set(found["console_files"])
