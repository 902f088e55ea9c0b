"""The official Aliyun SDK, behind one door: every use of its internals lives in this subpackage.

Nothing here is imported at package import; the SDK loads on the first send (or ``warm_up``).
"""

from .client import (
    ClientKey,
    SdkClient,
    cached_clients,
    clear_clients,
    client_for,
    client_key,
    import_sdk,
)
from .constants import DYPNSAPI, DYSMSAPI
from .models import (
    query_send_details_request,
    send_sms_request,
    send_sms_verify_code_request,
    send_statistics_request,
)
from .outcome import Outcome, SendFailure

__all__ = [
    "DYPNSAPI",
    "DYSMSAPI",
    "ClientKey",
    "Outcome",
    "SdkClient",
    "SendFailure",
    "cached_clients",
    "clear_clients",
    "client_for",
    "client_key",
    "import_sdk",
    "query_send_details_request",
    "send_sms_request",
    "send_sms_verify_code_request",
    "send_statistics_request",
]
