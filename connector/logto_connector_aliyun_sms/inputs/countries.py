"""The country allow-list, applied before any request (the counted limits live in ``limits/``).

A first line against SMS pumping, not a fraud system.
"""

from __future__ import annotations

from ..kit import ConnectorError, ConnectorErrorCode
from .phone import PhoneNumber


def allowed_countries(codes: list[str] | None) -> frozenset[str] | None:
    """The allow-list as a set of calling codes ("86") and upper-case regions ("CN")."""
    if not codes:
        return None
    return frozenset(code.lstrip("+").upper() for code in codes)


def check_country(phone: PhoneNumber, allowed: frozenset[str] | None) -> None:
    """Refuse a number whose country is not in ``allowedCountryCodes``."""
    if allowed is None:
        return
    if str(phone.calling_code) in allowed or (phone.region or "") in allowed:
        return
    raise ConnectorError(
        ConnectorErrorCode.INVALID_REQUEST_PARAMETERS,
        {
            "message": f"numbers with calling code +{phone.calling_code} are not in "
            "allowedCountryCodes",
            "retryable": False,
        },
    )
