"""The relay config: routes and their credentials, ``env:`` secrets, connector files and ids."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from logto_connector_aliyun_sms.relay import RelayConfigError, load_relay_config, parse_relay_config
from logto_connector_aliyun_sms.relay.app import app_from_env, create_app
from logto_connector_aliyun_sms.relay.connectors import connector_for

CONNECTOR = {"accessKeyId": "id", "accessKeySecret": "connector-secret-123"}


def config(**top: Any) -> dict[str, Any]:
    return {"connector": CONNECTOR, "routes": {"kratos": {}}, **top}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "must be a JSON object"),
        ({"routes": {"kratos": {}}}, "connector is required"),
        (config(routes={}), "routes must name at least one"),
        (config(routes={"okta": {}}), "unknown platform 'okta'"),
        (config(extra=1), "unknown key 'extra'"),
        (config(routes={"kratos": []}), "routes.kratos must be an object"),
        (config(routes={"kratos": {"signingKey": "x"}}), "unknown key 'signingKey'"),
        (config(routes={"kratos": {"basic": {}, "apiKey": {}}}), "give one of basic or apiKey"),
        (config(routes={"kratos": {"basic": "x"}}), "routes.kratos.basic must be an object"),
        (config(routes={"kratos": {"basic": {"username": "u"}}}), "password must be a non-empty"),
        (config(routes={"kratos": {"apiKey": "x"}}), "apiKey must be an object"),
        (config(routes={"logto": {"authorization": ""}}), "authorization must be a non-empty"),
        (config(routes={"supabase": {"secret": "v1,whsec_%%%"}}), "v1,whsec_ followed by base64"),
        (config(routes={"kratos": {"usageTypes": {"*": "Login"}}}), "'Login' is not a Logto usage"),
        (config(routes={"kratos": {"usageTypes": []}}), "usageTypes must be an object"),
        (config(routes={"kratos": {"codeLifetimeSeconds": 0}}), "from 1 to 86400"),
        (config(codeLifetimeSeconds=True), "codeLifetimeSeconds must be a number"),
        (config(maxBodyBytes=10), "maxBodyBytes must be"),
        (config(trustedProxies="10.0.0.0/8"), "trustedProxies must be a list"),
        (config(trustedProxies=["10.0.0.0/33"]), "is not an address or CIDR"),
        (config(connectorId=5), "connectorId must be a string"),
        (config(connector=[1]), "connector must be a connector config"),
        (config(receipts="x"), "receipts must be an object"),
        (config(receipts={"token": "short-token"}), "receipts.token must be a secret of 16"),
        (config(receipts={"token": 12345678901234567}), "receipts.token must be a non-empty"),
        (config(receipts={}), "receipts.token must be a non-empty"),
        (config(receipts={"token": "t" * 16, "url": "x"}), "receipts: unknown key 'url'"),
        (config(receipts={"token": "env:RELAY_TEST_UNSET"}), "RELAY_TEST_UNSET is not set"),
        (
            config(routes={"kratos": {"bearer": "env:RELAY_TEST_UNSET"}}),
            "RELAY_TEST_UNSET is not set",
        ),
    ],
)
def test_bad_configs_say_where(raw: Any, message: str) -> None:
    with pytest.raises(RelayConfigError, match=re.escape(message)):
        parse_relay_config(raw)


def test_env_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAY_TOKEN", "token-from-env-123")
    monkeypatch.setenv("RELAY_AK_SECRET", "secret-from-env-456")
    parsed = parse_relay_config(
        config(
            connector={**CONNECTOR, "accessKeySecret": "env:RELAY_AK_SECRET"},
            routes={"logto": {"authorization": "env:RELAY_TOKEN"}},
        )
    )
    assert parsed.connector["accessKeySecret"] == "secret-from-env-456"
    assert parsed.secrets() == ["id", "secret-from-env-456", "token-from-env-123"]
    assert "token-from-env-123" not in repr(parsed)
    assert "secret-from-env-456" not in repr(parsed)


def test_open_routes_and_paths() -> None:
    parsed = parse_relay_config(
        config(routes={"kratos": {}, "authentik": {"bearer": "t-123456"}, "zitadel": {}})
    )
    assert parsed.open_routes() == ["zitadel", "kratos"]
    assert parsed.routes["authentik"].path == "/v1/authentik"


def test_connector_from_a_path_relative_to_the_relay_config(tmp_path: Path) -> None:
    (tmp_path / "connector.json").write_text(json.dumps(CONNECTOR))
    relay = tmp_path / "relay.json"
    relay.write_text(json.dumps({"connector": "connector.json", "routes": {"kratos": {}}}))
    assert load_relay_config(relay).connector["accessKeyId"] == "id"
    relay.write_text(json.dumps({"connector": "missing.json", "routes": {"kratos": {}}}))
    with pytest.raises(RelayConfigError, match="cannot read"):
        load_relay_config(relay)
    (tmp_path / "broken.json").write_text("{")
    relay.write_text(json.dumps({"connector": "broken.json", "routes": {"kratos": {}}}))
    with pytest.raises(RelayConfigError, match=r"broken\.json is not JSON"):
        load_relay_config(relay)
    relay.write_text("{")
    with pytest.raises(RelayConfigError, match="is not JSON"):
        load_relay_config(relay)
    with pytest.raises(RelayConfigError, match="cannot read"):
        load_relay_config(tmp_path / "nowhere.json")


def test_connector_ids() -> None:
    assert connector_for("aliyun-short-message-service").id == "aliyun-short-message-service"
    mas = connector_for("aliyun-short-message-auth-service")
    assert mas.id == "aliyun-short-message-auth-service"
    with pytest.raises(
        RelayConfigError,
        match="connectorId 'other' is not known to the relay "
        r"\(aliyun-short-message-auth-service, aliyun-short-message-service\)",
    ):
        create_app(parse_relay_config(config(connectorId="other")))


def test_app_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ALIYUN_SMS_RELAY_CONFIG", raising=False)
    with pytest.raises(RelayConfigError, match="set ALIYUN_SMS_RELAY_CONFIG"):
        app_from_env()
    path = tmp_path / "relay.json"
    path.write_text(json.dumps(config()))
    monkeypatch.setenv("ALIYUN_SMS_RELAY_CONFIG", str(path))
    app = app_from_env()
    assert {r.resource.canonical for r in app.router.routes() if r.resource} >= {
        "/v1/kratos",
        "/healthz",
        "/readyz",
        "/metrics",
    }
