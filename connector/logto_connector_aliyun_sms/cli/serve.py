"""``aliyun-sms serve``: the relay for identity platforms that cannot import Python."""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import ipaddress
import json

from ..kit import ConnectorError
from ._output import (
    EXIT_INVALID_CONFIG,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    Output,
    UsageError,
    exit_codes_help,
    port_number,
)

NAME = "serve"
# the connector is on no index yet: the command that works from a clone (the README's Install)
INSTALL_HINT = (
    "pip install '.[relay]' at the root of a clone of the repository "
    "(the extra adds prometheus-client)"
)
SUMMARY = "relay SMS requests of authentik, Zitadel, Supabase, Kratos and Logto to Aliyun"
DESCRIPTION = (
    "Serve the relay: /v1/logto (Logto's HTTP SMS connector), /v1/authentik (authentik's "
    "generic SMS provider), /v1/zitadel (Zitadel's HTTP SMS provider), /v1/supabase (the Send "
    "SMS hook), /v1/kratos (Kratos' HTTP courier), as RELAY.json enables them, plus /healthz, "
    "/readyz and /metrics. Each request is checked (token, Basic, or signature), sent once "
    "through the connector, and answered in its platform's shape. Runs until Ctrl-C or SIGTERM; "
    "requests in flight finish first. Needs the `relay` extra."
)
EPILOG = (
    f"examples:\n  {PROG} serve relay.json --port 8080\n"
    f"  {PROG} serve relay.json --host 0.0.0.0 --port 8080\n"
    f'  {PROG} --json serve relay.json --port 0        first line: {{"url": ...}}\n\n'
    "output:\n  The address and the routes, then one access-log line per request on stderr\n"
    "  (numbers masked). With --json the first stdout line is one JSON object.\n\n"
    + exit_codes_help(
        {
            EXIT_OK: "stopped by Ctrl-C or SIGTERM",
            EXIT_USAGE: "usage error: the port is taken, an open route off loopback, the "
            "`relay` extra missing",
            EXIT_INVALID_CONFIG: "invalid relay config or connector config",
        }
    )
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``serve``."""
    parser.add_argument("relay_config", metavar="RELAY.json", help="the relay config file")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default: %(default)s; 0.0.0.0 for every interface)",
    )
    parser.add_argument(
        "--port", type=port_number, default=8080, help="port to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="allow routes without credentials (on a loopback address only)",
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (or ``localhost``)."""
    if host == "localhost":
        return True
    with contextlib.suppress(ValueError):
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    return False


def _refuse_open(open_routes: list[str], host: str, insecure: bool) -> None:
    if not open_routes:
        return
    names = ", ".join(f"/v1/{name}" for name in open_routes)
    if not is_loopback(host):
        raise UsageError(
            f"{names} would accept requests without credentials on {host}",
            f"{PROG} {NAME}",
            hint="give each route its credentials in RELAY.json (see docs/en/relay.md)",
        )
    if not insecure:
        raise UsageError(
            f"{names} would accept requests without credentials",
            f"{PROG} {NAME}",
            hint="give the route credentials, or pass --insecure (loopback only) to test",
        )


def run(args: argparse.Namespace, out: Output) -> int:
    """Serve until Ctrl-C or SIGTERM."""
    if importlib.util.find_spec("prometheus_client") is None:
        raise UsageError(
            "the relay needs the `relay` extra",
            f"{PROG} {NAME}",
            hint=f"install it: {INSTALL_HINT}",
        )
    from ..relay import RelayConfigError, load_relay_config
    from ..relay.app import log_to_stderr
    from ..relay.connectors import connector_for
    from ..relay.runner import serve

    try:
        config = load_relay_config(args.relay_config)
        connector = connector_for(config.connector_id)
        connector.validate(config.connector)
    except RelayConfigError as error:
        return out.failure(
            "invalid_relay_config",
            str(error),
            "fix RELAY.json (see docs/en/relay.md)",
            EXIT_INVALID_CONFIG,
            None,
            [],
        )
    except ConnectorError as error:  # from validate_config
        for secret in config.secrets():
            out.add_secret(secret)
        message = (error.data or {}).get("message") or str(error)
        return out.failure(
            error.code.value,
            f"the connector config is invalid: {message}",
            "fix the connector config (`aliyun-sms validate` explains each problem)",
            EXIT_INVALID_CONFIG,
            None,
            [],
        )
    for secret in config.secrets():
        out.add_secret(secret)
    _refuse_open(config.open_routes(), args.host, args.insecure)

    def ready(url: str) -> None:
        routes = [f"/v1/{name}" for name in config.routes]
        if config.receipts is not None:
            routes.append("/v1/receipts")
        if out.as_json:
            print(json.dumps({"url": url, "routes": routes}), flush=True)
            return
        out.text(f"Relay: {url}  (connector {config.connector_id})")
        for name, route in config.routes.items():
            kind = getattr(route.auth, "kind", "OPEN, no credentials")
            out.text(f"  {url}/v1/{name}  ({kind})")
        if config.receipts is not None:  # the token stays out of the output
            out.text(f"  {url}/v1/receipts?token=...  (Aliyun's delivery receipts)")
        out.text("  /healthz /readyz /metrics; Ctrl-C stops (requests in flight finish first).")

    log_to_stderr()
    try:
        with contextlib.suppress(KeyboardInterrupt):
            serve(config, host=args.host, port=args.port, on_ready=ready)
    except OSError as error:
        raise UsageError(
            f"the relay cannot start: {error.strerror or error}",
            f"{PROG} {NAME}",
            hint="choose another --port (0 picks a free one)",
        ) from None
    return EXIT_OK
