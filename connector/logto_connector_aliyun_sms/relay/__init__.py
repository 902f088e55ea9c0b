"""The relay (``aliyun-sms serve``): identity platforms that cannot import Python post their own
SMS requests to it, and it sends them through the connector.

Routes: ``/v1/logto`` (Logto's HTTP SMS connector), ``/v1/authentik`` (authentik's generic
provider), ``/v1/zitadel`` (Zitadel's HTTP SMS provider), ``/v1/supabase`` (Supabase's Send SMS
hook), ``/v1/kratos`` (Ory Kratos' HTTP courier), each enabled by the relay config; ``/healthz``,
``/readyz``, ``/metrics``. Needs the ``relay`` extra (``prometheus-client``).
"""

from __future__ import annotations

from .app import app_from_env, create_app
from .config import RelayConfig, RelayConfigError, load_relay_config, parse_relay_config
from .runner import RelayThread

__all__ = [
    "RelayConfig",
    "RelayConfigError",
    "RelayThread",
    "app_from_env",
    "create_app",
    "load_relay_config",
    "parse_relay_config",
]
