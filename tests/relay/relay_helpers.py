"""What the relay tests share: configs, signed requests as each platform signs them, a relay in a
child process (``aliyun-sms serve``), and a plain HTTP client."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

LOGTO_TOKEN = "Bearer logto-relay-token-0123456789"
AUTHENTIK_TOKEN = "authentik-token-0123456789"
BASIC_USER, BASIC_PASSWORD = "kratos", "kratos-password-0123456789"
ZITADEL_KEY = "zitadel-signing-key-0123456789"
WEBHOOK_KEY = b"supabase-hook-secret-0123456789!"
WEBHOOK_SECRET = "v1,whsec_" + base64.b64encode(WEBHOOK_KEY).decode()
API_KEY = ("X-Relay-Key", "kratos-api-key-0123456789")

SECRETS = (
    LOGTO_TOKEN.split()[1],
    AUTHENTIK_TOKEN,
    BASIC_PASSWORD,
    ZITADEL_KEY,
    WEBHOOK_SECRET.split("_", 1)[1],
    API_KEY[1],
)


def routes(**overrides: Any) -> dict[str, Any]:
    """Every route, each with credentials."""
    table: dict[str, Any] = {
        "logto": {"authorization": LOGTO_TOKEN},
        "authentik": {"bearer": AUTHENTIK_TOKEN},
        "zitadel": {"signingKey": ZITADEL_KEY},
        "supabase": {"secret": WEBHOOK_SECRET},
        "kratos": {"basic": {"username": BASIC_USER, "password": BASIC_PASSWORD}},
    }
    table.update(overrides)
    return table


def relay_config(connector: dict[str, Any], **top: Any) -> dict[str, Any]:
    """A relay config for ``connector`` with every route (``routes=`` to change them)."""
    return {"connector": connector, "routes": top.pop("routes", routes()), **top}


def basic(user: str = BASIC_USER, password: str = BASIC_PASSWORD) -> str:
    """An ``Authorization: Basic`` value."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def zitadel_signature(body: bytes, key: str = ZITADEL_KEY, at: float | None = None) -> str:
    """``ZITADEL-Signature`` as Zitadel writes it (zitadel-go ``pkg/actions``)."""
    stamp = int(time.time() if at is None else at)
    mac = hmac.new(key.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


def webhook_headers(
    body: bytes, key: bytes = WEBHOOK_KEY, at: float | None = None, delivery: str = "msg_1"
) -> dict[str, str]:
    """Standard Webhooks headers, computed here from the spec (not with the relay's code)."""
    stamp = int(time.time() if at is None else at)
    mac = hmac.new(key, f"{delivery}.{stamp}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": delivery,
        "webhook-timestamp": str(stamp),
        "webhook-signature": "v1," + base64.b64encode(mac).decode(),
    }


def encode(body: Any) -> bytes:
    """A JSON body as platforms send it."""
    return json.dumps(body).encode()


def post(
    url: str,
    body: Any,
    headers: Mapping[str, str] | None = None,
    content_type: str = "application/json",
) -> requests.Response:
    """POST a body (bytes as they are, anything else as JSON)."""
    data = body if isinstance(body, bytes) else encode(body)
    return requests.post(
        url, data=data, headers={"Content-Type": content_type, **(headers or {})}, timeout=30
    )


def platform_request(
    platform: str, to: str, code: str, **extra: Any
) -> tuple[bytes, dict[str, str]]:
    """The body and headers each platform sends for one code, signed as it signs."""
    if platform == "logto":
        body = encode(
            {
                "to": to,
                "type": extra.get("type", "SignIn"),
                "payload": {"code": code, "locale": "en"},
            }
        )
        return body, {"Authorization": LOGTO_TOKEN}
    if platform == "authentik":
        body = encode(
            {
                "From": "Acme",
                "To": to,
                "Body": code,
                "Message": f"Use this code to authenticate in authentik: {code}",
            }
        )
        return body, {"Authorization": f"Bearer {AUTHENTIK_TOKEN}"}
    if platform == "zitadel":
        body = encode(
            {
                "contextInfo": {
                    "eventType": extra.get("type", "user.human.otp.sms.code.added"),
                    "provider": {"id": "p1", "description": "relay"},
                    "recipientPhoneNumber": to,
                },
                "templateData": {"text": f"Your code is {code}"},
                "args": {"code": code, "expiry": "5m0s"},
            }
        )
        return body, {"ZITADEL-Signature": zitadel_signature(body)}
    if platform == "supabase":
        body = encode(
            {
                "user": {"id": "u1", "phone": to.lstrip("+")},
                "sms": {"otp": code, "sms_type": extra.get("type", "sms")},
            }
        )
        return body, webhook_headers(body, delivery=extra.get("delivery", f"msg_{code}_{to}"))
    if platform == "kratos":
        body = encode(
            {
                "recipient": to,
                "template_type": extra.get("type", "login_code_valid"),
                "template_data": {"login_code": code, "expires_in_minutes": 10},
            }
        )
        return body, {"Authorization": basic()}
    raise ValueError(platform)


class RelayProcess:
    """``aliyun-sms --json serve RELAY.json --port 0`` in a child process."""

    def __init__(self, config_path: Path, *args: str, env: Mapping[str, str] | None = None) -> None:
        self.args = [
            sys.executable,
            "-m",
            "logto_connector_aliyun_sms",
            "--json",
            "serve",
            str(config_path),
            "--port",
            "0",
            *args,
        ]
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> RelayProcess:
        self.process = subprocess.Popen(
            self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(10)
            raise RuntimeError(f"the relay did not start: {self.process.stderr.read()}")  # type: ignore[union-attr]
        self.url = json.loads(line)["url"]
        return self

    def stop(self, sig: int = 15) -> tuple[int, str]:
        """Signal the relay and wait; its exit code and its stderr (the access log)."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        _, err = self.process.communicate(timeout=40)
        return self.process.returncode, err

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.process is not None and self.process.poll() is None:
            self.stop()
