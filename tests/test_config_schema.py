"""The schema file: valid draft 2020-12, documented, and the same verdicts in Python and in Ajv.

``tests/config_cases.json`` holds the configs (name, expected verdict, config) that the
Python validator, ``validate_config`` and Ajv must all judge the same way.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import logto_connector_aliyun_sms as aliyun_sms
from js_packages import JS_DIR, install_js_packages
from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schema" / "aliyun-sms-connector.schema.json"
CASES_FILE = ROOT / "tests" / "config_cases.json"

SCHEMA: dict[str, Any] = json.loads(SCHEMA_FILE.read_text("utf-8"))
CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text("utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)


def case_params() -> list[Any]:
    return [pytest.param(case, id=case["name"]) for case in CASES]


def test_schema_is_valid_draft_2020_12() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


def test_schema_has_id_title_and_description() -> None:
    assert SCHEMA["$id"].startswith("https://")
    assert SCHEMA["$id"].endswith("/aliyun-sms-connector.schema.json")
    assert SCHEMA["title"]
    assert SCHEMA["description"]


def _property_schemas(schema: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every subschema that describes a property (under ``properties`` or ``$defs``)."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in ("properties", "$defs") and isinstance(value, dict):
                for name, sub in value.items():
                    yield f"{where}/{key}/{name}", sub
            yield from _property_schemas(value, f"{where}/{key}")
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from _property_schemas(value, f"{where}/{index}")


def test_every_property_has_a_description() -> None:
    found = list(_property_schemas(SCHEMA))
    # the walk reaches nested properties: the {china, overseas} pair inside $defs/template
    assert "/$defs/template/properties/templateCode/oneOf/1/properties/china" in dict(found)
    assert len(found) >= 20
    undocumented = [path for path, sub in found if not str(sub.get("description", "")).strip()]
    assert undocumented == []


def test_config_schema_is_the_schema_file() -> None:
    assert aliyun_sms.CONFIG_SCHEMA == SCHEMA


def test_the_package_copy_is_the_canonical_file() -> None:
    """In the source tree, the package's config.schema.json is the schema/ file, not a copy."""
    shipped = ROOT / "connector" / "logto_connector_aliyun_sms" / "config" / "config.schema.json"
    assert shipped.resolve() == SCHEMA_FILE.resolve()


def test_the_cases_cover_enough() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    assert len(CASES) >= 40
    assert sum(case["valid"] for case in CASES) >= 20
    assert sum(not case["valid"] for case in CASES) >= 20
    assert {type(case["config"]).__name__ for case in CASES} >= {"dict", "list", "str", "int"}


@pytest.mark.parametrize("case", case_params())
def test_python_verdict(case: dict[str, Any]) -> None:
    assert VALIDATOR.is_valid(case["config"]) is case["valid"]


@pytest.mark.parametrize("case", case_params())
def test_validate_config_verdict(case: dict[str, Any]) -> None:
    """validate_config agrees with the schema."""
    config = case["config"]
    if case["valid"]:
        result = aliyun_sms.validate_config(config)
        assert set(result) <= set(SCHEMA["properties"])
        assert VALIDATOR.is_valid(result)
    else:
        with pytest.raises(ConnectorError) as caught:
            aliyun_sms.validate_config(config)
        assert caught.value.code is ConnectorErrorCode.INVALID_CONFIG


def _node_modules() -> Path:
    """tests/js/node_modules, installed from the lock file (npm ci) when missing."""
    modules = JS_DIR / "node_modules"
    install_js_packages(modules / "ajv" / "package.json", "check the schema with Ajv")
    return modules


@pytest.fixture(scope="module")
def ajv_verdicts() -> dict[str, dict[str, Any]]:
    _node_modules()
    node = shutil.which("node")
    assert node is not None, "node is required to check the schema with Ajv"
    done = subprocess.run(
        [node, str(JS_DIR / "validate.mjs"), str(SCHEMA_FILE), str(CASES_FILE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    verdicts = json.loads(done.stdout)
    return {verdict["name"]: verdict for verdict in verdicts}


def test_ajv_judges_every_case(ajv_verdicts: dict[str, dict[str, Any]]) -> None:
    assert set(ajv_verdicts) == {case["name"] for case in CASES}


@pytest.mark.parametrize("case", case_params())
def test_ajv_verdict(case: dict[str, Any], ajv_verdicts: dict[str, dict[str, Any]]) -> None:
    verdict = ajv_verdicts[case["name"]]
    assert verdict["valid"] is case["valid"], verdict["errors"]
