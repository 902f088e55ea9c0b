"""Transport safety: TLS always verified, proxies respected for real endpoints."""

from __future__ import annotations

import asyncio
import datetime
import socket
import ssl
import threading
from pathlib import Path
from typing import Any

import pytest

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode
from logto_connector_aliyun_sms._sdk import client_for, client_key
from logto_connector_aliyun_sms.inputs.endpoint import parse_endpoint

CONFIG: dict[str, Any] = {
    "accessKeyId": "LTAI-transport-test",
    "accessKeySecret": "transport-secret",
    "signName": "Test",
    "templates": [
        {"usageType": u, "templateCode": "SMS_1"}
        for u in ("Register", "SignIn", "ForgotPassword", "Generic")
    ],
}
DATA = {"to": "13812345678", "type": "SignIn", "payload": {"code": "123456"}}


class _Recorder:
    """A loopback TCP server that records the first bytes of each connection, then answers."""

    def __init__(
        self, answer: bytes, tls: ssl.SSLContext | None = None, answer_outside_tls: bool = False
    ) -> None:
        self.answer = answer
        self.tls = tls
        self.answer_outside_tls = answer_outside_tls  # corrupt the TLS stream after the request
        self.seen: list[bytes] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    stream = self.tls.wrap_socket(conn, server_side=True) if self.tls else conn
                    self.seen.append(stream.recv(4096))
                    (conn if self.answer_outside_tls else stream).sendall(self.answer)
                except (OSError, ssl.SSLError) as exc:
                    self.seen.append(repr(exc).encode())

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def self_signed(tmp_path: Path) -> ssl.SSLContext:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


def _sync(data: dict[str, Any], config: dict[str, Any]) -> Any:
    return aliyun_sms.send_message(data, config)


def _async(data: dict[str, Any], config: dict[str, Any]) -> Any:
    return asyncio.run(aliyun_sms.send_message_async(data, config))


both_paths = pytest.mark.parametrize("send", [_sync, _async], ids=["sync", "async"])


@both_paths
def test_tls_verification_is_never_disabled(
    self_signed: ssl.SSLContext, no_proxy_env: None, send: Any
) -> None:
    ok = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    server = _Recorder(ok, tls=self_signed)
    try:
        config = dict(CONFIG, endpoint=f"https://127.0.0.1:{server.port}")
        with pytest.raises(ConnectorError) as caught:
            send(DATA, config)
        assert caught.value.code is ConnectorErrorCode.GENERAL
        assert "CERTIFICATE_VERIFY_FAILED" in caught.value.data["errorDescription"]  # type: ignore[index]
        # the TLS handshake failed: no request line ever reached the server
        assert not any(b"PhoneNumbers" in seen for seen in server.seen)
        assert caught.value.data["maybeSent"] is False  # type: ignore[index]
    finally:
        server.close()
    client = client_for(
        client_key(parse_endpoint("dysmsapi.aliyuncs.com"), "id", "secret"), "secret"
    )
    assert client.runtime.ignore_ssl is False


@both_paths
def test_https_proxy_is_used_for_real_endpoints(monkeypatch: pytest.MonkeyPatch, send: Any) -> None:
    refuse = b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    proxy = _Recorder(refuse)
    try:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
        monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{proxy.port}")
        config = dict(CONFIG, endpoint="dysmsapi.ap-southeast-1.aliyuncs.com", connectTimeout=2000)
        with pytest.raises(ConnectorError) as caught:
            send(DATA, config)
        assert caught.value.code is ConnectorErrorCode.GENERAL
        assert proxy.seen, "the request must go through the proxy"
        assert proxy.seen[0].startswith(b"CONNECT dysmsapi.ap-southeast-1.aliyuncs.com:443")
        # CONNECT carries only the host: the phone number stays inside the TLS tunnel
        assert b"13812345678" not in b"".join(proxy.seen)
        assert caught.value.data["maybeSent"] is False  # type: ignore[index]
    finally:
        proxy.close()


def _http_answer(status: str, body: bytes) -> bytes:
    """A raw HTTP/1.1 JSON answer that closes the connection."""
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
    head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    return head.encode() + body


def _refused(send: Any, server: _Recorder) -> ConnectorError:
    """The ConnectorError a send to ``server`` raises."""
    with pytest.raises(ConnectorError) as caught:
        send(DATA, dict(CONFIG, endpoint=f"http://127.0.0.1:{server.port}"))
    return caught.value


@pytest.mark.parametrize(
    "raised",
    [
        b"[]",  # JSON, but not an object
        b"{}",  # an object without Aliyun's Code
    ],
)
@both_paths
def test_error_statuses_without_aliyuns_body_are_invalid_response(
    no_proxy_env: None, send: Any, raised: bytes
) -> None:
    server = _Recorder(_http_answer("500 Internal Server Error", raised))
    try:
        caught = _refused(send, server)
        assert caught.code is ConnectorErrorCode.INVALID_RESPONSE
        assert caught.data["maybeSent"] is True  # type: ignore[index]
        assert len(server.seen) == 1  # never retried
    finally:
        server.close()


@both_paths
def test_an_ok_answer_with_ids_that_are_not_text_is_invalid_response(
    no_proxy_env: None, send: Any
) -> None:
    body = b'{"Code":"OK","Message":"OK","BizId":{"a":1},"RequestId":[1]}'
    server = _Recorder(_http_answer("200 OK", body))
    try:
        assert _refused(send, server).code is ConnectorErrorCode.INVALID_RESPONSE
    finally:
        server.close()


def test_where_the_sdk_failed_decides_the_outcome_not_the_text() -> None:
    """A failure of no transport type: not sent (and not retried) when the SDK had not handed
    the request over yet; maybe sent after, whatever its text says (the text of a failed TLS
    handshake included)."""
    from logto_connector_aliyun_sms._sdk import Outcome
    from logto_connector_aliyun_sms._sdk.translate import translate

    text = "[SSL: CERTIFICATE_VERIFY_FAILED] Connection refused"
    failure, wait = translate(RuntimeError(text), reached=False)
    assert (failure.outcome, wait) == (Outcome.NOT_SENT, None)
    assert (failure.data["maybeSent"], failure.data["retryable"]) == (False, False)  # type: ignore[index]
    failure, wait = translate(RuntimeError(text), reached=True)
    assert (failure.outcome, wait) == (Outcome.MAYBE_SENT, None)
    assert failure.data["maybeSent"] is True  # type: ignore[index]


def test_importing_the_package_loads_no_http_client() -> None:
    """The transports' libraries load with the SDK, on the first send, not at import."""
    import subprocess
    import sys

    code = "import sys, logto_connector_aliyun_sms\n"
    code += "print(sorted({m.split('.')[0] for m in sys.modules} & {'httpcore', 'h11', 'aiohttp'}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_send_failure_pickles_with_its_outcome() -> None:
    """Failures cross process boundaries (a worker pool): code, data and outcome survive."""
    import pickle

    from logto_connector_aliyun_sms._sdk import Outcome, SendFailure

    error = ConnectorError(ConnectorErrorCode.GENERAL, {"maybeSent": False, "Code": None})
    failure = pickle.loads(pickle.dumps(SendFailure(error, Outcome.NOT_SENT)))  # noqa: S301
    assert isinstance(failure, SendFailure)
    assert (failure.code, failure.data, failure.outcome) == (
        ConnectorErrorCode.GENERAL,
        {"maybeSent": False, "Code": None},
        Outcome.NOT_SENT,
    )
    assert str(failure) == str(error)
