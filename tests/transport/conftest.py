"""Fixtures of the transport tests: scripted servers, a test CA, both send paths."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from transport_helpers import TUNNELLED_HOST, Handler, Server, send_async, send_sync


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    """Start servers for a test; all are closed at its end."""
    servers: list[Server] = []

    def start(handler: Handler, tls: ssl.SSLContext | None = None) -> Server:
        servers.append(Server(handler, tls))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def test_ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """A CA made for this test, trusted through SSL_CERT_FILE; returns a server context whose
    certificate (127.0.0.1, localhost) it signed."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def build(subject: str, issuer: x509.Name | None, signer: Any, public: Any) -> Any:
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(issuer or name)
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
        )
        if issuer is None:
            builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=0), True)
            builder = builder.add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
            )
            builder = builder.add_extension(
                x509.SubjectKeyIdentifier.from_public_key(public), False
            )
        else:
            sans = [
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                x509.DNSName("localhost"),
                x509.DNSName(TUNNELLED_HOST),  # reached only through a test proxy
            ]
            builder = builder.add_extension(x509.SubjectAlternativeName(sans), False)
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = build("transport test CA", None, ca_key, ca_key.public_key())
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = build("127.0.0.1", ca.subject, ca_key, key.public_key())
    pem = serialization.Encoding.PEM
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(pem))
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(pem))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "key.pem")
    return context


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(params=[send_sync, send_async], ids=["sync", "async"])
def send(request: pytest.FixtureRequest) -> Callable[[dict[str, Any], dict[str, Any]], Any]:
    """Each test runs on both paths."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="module", autouse=True)
def _sdk_imported() -> None:
    """Timed tests time the send, not the SDK's first import (seconds under coverage)."""
    import logto_connector_aliyun_sms as aliyun_sms

    aliyun_sms.warm_up()
