"""Phone numbers as Dysmsapi reads them, per template kind.

Mainland templates: an 11-digit mobile number ``1[3-9]XXXXXXXXX``, bare or with one of the prefixes
Aliyun documents: ``+``, ``+86``, ``0086``, ``86``. A valid number of another country gets
``isv.SMS_TEMPLATE_ILLEGAL`` (mainland templates cannot reach it), anything else
``isv.MOBILE_NUMBER_ILLEGAL``.

International (and HK/Macau/Taiwan) templates: the country code followed by the national number,
digits only (Aliyun's documented form). A leading ``+`` is tolerated; ``00`` is not. The number must
be of a possible length for its country (libphonenumber's ``is_possible_number``), so test numbers
that are not assigned still pass.

A bare ``1XXXXXXXXXX`` is ambiguous: it is a mainland mobile and, read as ``+1 ...``, maybe a North
American one. With an international template it counts as international when it is a valid
number outside China read that way (``18624017194``), else as mainland (``13812345678``).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

_MAINLAND = re.compile(r"(?:\+86|0086|86|\+)?(1[3-9]\d{9})")
_INTERNATIONAL = re.compile(r"\+?([1-9]\d{6,16})")

MAINLAND_ONLY_TEMPLATE = "国内短信模板不支持发送国际/港澳台号码"


def mainland_number(raw: str) -> str | None:
    """The 11-digit national number when ``raw`` is a mainland mobile number, else None."""
    match = _MAINLAND.fullmatch(raw)
    return match[1] if match else None


@cache
def _possible_lengths(country_code: int) -> frozenset[int]:
    """National-number lengths libphonenumber calls possible for a country code (empty: unknown)."""
    import phonenumbers

    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if not regions:
        return frozenset()
    metadata = (
        phonenumbers.PhoneMetadata.metadata_for_nongeo_region(country_code)
        if regions[0] == "001"
        else phonenumbers.PhoneMetadata.metadata_for_region(regions[0])
    )
    desc = metadata.general_desc if metadata is not None else None
    if desc is None:  # pragma: no cover - every listed code has metadata
        return frozenset()
    return frozenset(desc.possible_length or ()) | frozenset(desc.possible_length_local_only or ())


def _possible(digits: str) -> tuple[bool, bool]:
    """(a possible number, in mainland China) for country code + number.

    A length check against libphonenumber's metadata answers most numbers without parsing; the
    rest (e.g. a national prefix after the country code) get the full, cached parse.
    """
    for size in (1, 2, 3):
        lengths = _possible_lengths(int(digits[:size]))
        if lengths:
            in_china = digits[:size] == "86"
            return (len(digits) - size in lengths or _parsed_possible(digits)), in_china
    return False, False


@lru_cache(maxsize=8192)
def _parsed_possible(digits: str) -> bool:
    import phonenumbers

    try:
        return bool(phonenumbers.is_possible_number(phonenumbers.parse("+" + digits)))
    except phonenumbers.NumberParseException:
        return False


@lru_cache(maxsize=8192)
def _valid_abroad(digits: str) -> bool:
    """True when ``+digits`` is a valid number outside mainland China (a full parse)."""
    import phonenumbers

    number = phonenumbers.parse("+" + digits)
    return number.country_code != 86 and bool(phonenumbers.is_valid_number(number))


def check(raw: str, international_template: bool) -> tuple[str | None, str]:
    """Aliyun's refusal code for ``raw`` (or None when accepted) and its normalised form.

    The normalised form is the national number for mainland numbers (the flow-control key) and the
    digits of country code and number for the others.
    """
    national = mainland_number(raw)
    match = _INTERNATIONAL.fullmatch(raw)
    if not international_template:
        if national is not None:
            return None, national
        if match is not None and _possible(match[1])[0] and _valid_abroad(match[1]):
            return "isv.SMS_TEMPLATE_ILLEGAL", match[1]
        return "isv.MOBILE_NUMBER_ILLEGAL", raw
    if match is None:
        return (
            "isv.DOMESTIC_NUMBER_NOT_SUPPORTED" if national else "isv.MOBILE_NUMBER_ILLEGAL"
        ), raw
    digits = match[1]
    possible, in_china = _possible(digits)
    if national is not None and not (possible and _valid_abroad(digits)):
        return "isv.DOMESTIC_NUMBER_NOT_SUPPORTED", national
    if not possible:
        return "isv.MOBILE_NUMBER_ILLEGAL", digits
    if in_china:
        return "isv.DOMESTIC_NUMBER_NOT_SUPPORTED", digits
    return None, digits


def same_number(a: str, b: str) -> bool:
    """True when two written numbers reach the same phone (prefixes ignored)."""
    return _normal(a) == _normal(b)


def number_key(raw: str) -> str:
    """One phone, one key however written: the national number in mainland China, else the
    country code and number."""
    return _normal(raw)


def _normal(raw: str) -> str:
    raw = "".join(raw.split())  # a query's "+86..." arrives as " 86..." when not percent-encoded
    national = mainland_number(raw)
    if national is not None:
        return national
    return raw.lstrip("+")


def mask(raw: str) -> str:
    """A number for logs, by the connector's rule: ``138****5678`` (3 + 4 digits kept from 11
    digits on, 2 + 3 from 7 on, none below; a mainland mobile on its national number)."""
    national = mainland_number(raw) or raw.lstrip("+")
    kept = (3, 4) if len(national) >= 11 else (2, 3) if len(national) >= 7 else None
    return f"{national[: kept[0]]}****{national[-kept[1] :]}" if kept else "****"
