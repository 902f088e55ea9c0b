"""Phone numbers: one `to` is one recipient, classified mainland or overseas, formatted for Aliyun.

The mainland test keeps Logto's semantics for the digit forms Logto stores (``8613812345678``,
``+8613812345678``, ``13812345678``); people's own formats (spaces, dashes, dots, brackets, a
leading ``+`` or ``00``) are accepted too. Anything that cannot be exactly one possible phone
number is refused here, before any request leaves the process.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from ..kit import ConnectorError, ConnectorErrorCode
from ..redact import mask_phone

MAINLAND_CALLING_CODE = 86
_MAX_INPUT = 64
_SEPARATORS = re.compile(r"[\s\-.()\u00a0\u2010-\u2015\u2212/]+")
_BRACKETED_ZERO = re.compile(r"\(\s*0\s*\)")
_SHAPE = re.compile(r"\+?[0-9]+")
_MAINLAND = re.compile(r"(?:\+86|0086|86)?1[0-9]{10}")
_MAINLAND_STRICT = re.compile(r"(?:\+86|0086|86)1[0-9]{10}")


class PhoneNumber(NamedTuple):
    """A single recipient, ready for Aliyun."""

    aliyun: str  # the value sent as PhoneNumbers
    mainland: bool  # mainland Chinese mobile: pick the `china` template code
    calling_code: int  # 86, 852, 1, ...
    region: str | None  # ISO 3166 region ("CN", "HK"), None when not known

    @property
    def masked(self) -> str:
        """The number with its middle hidden, for logs: ``138****5678``."""
        return mask_phone(self.aliyun)

    @property
    def key(self) -> str:
        """One phone, one key, however it was written: ``8613812345678``, ``85261234567``."""
        return f"86{self.aliyun[-11:]}" if self.mainland else self.aliyun


def _reject(reason: str) -> ConnectorError:
    return ConnectorError(
        ConnectorErrorCode.INVALID_REQUEST_PARAMETERS,
        {
            "message": f"`to` is not a single phone number: {reason}",
            "field": "to",
            "retryable": False,
        },
    )


def _compact(to: str) -> str:
    """Drop separators, after folding full-width digits to ASCII; refuse anything else."""
    if len(to) > _MAX_INPUT:
        raise _reject(f"longer than {_MAX_INPUT} characters")
    text = unicodedata.normalize("NFKC", to).strip()
    if not text.isascii():  # copy-pasted marks (zero-width, bidi), digits of other scripts
        text = "".join(_ascii_digit(ch) for ch in text if unicodedata.category(ch) != "Cf")
    if any(sep in text for sep in ",;，；、|&"):
        raise _reject("it lists several recipients; send one message per number")
    text = _drop_trunk_zero(text)
    compact = _SEPARATORS.sub("", text)
    if not compact:
        raise _reject("it is empty")
    if not _SHAPE.fullmatch(compact):
        raise _reject("only digits, an optional leading '+' and separators are allowed")
    return compact


def _drop_trunk_zero(text: str) -> str:
    """Drop one ``(0)`` right after the country code (``+44 (0) 20 …``); refuse any other."""
    found = _BRACKETED_ZERO.search(text)
    if found is None:
        return text
    rest = text[found.end() :]
    if _BRACKETED_ZERO.search(rest) or not _is_calling_code(text[: found.start()]):
        raise _reject(
            "'(0)' is allowed only right after the country code, as the trunk zero in "
            "'+44 (0) 20 …'; a zero elsewhere is part of the number, write it without brackets"
        )
    return text[: found.start()] + rest


def _is_calling_code(prefix: str) -> bool:
    """True for ``+44``, ``0044``, ``+4 4``: an international prefix and a country calling code."""
    digits = _SEPARATORS.sub("", prefix)
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("00"):
        digits = digits[2:]
    else:
        return False  # no country code written: the bracketed zero cannot be a trunk prefix
    if not (digits.isascii() and digits.isdigit()) or digits.startswith("0") or len(digits) > 3:
        return False
    import phonenumbers  # imported on first use, as in _overseas

    return int(digits) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE


def _ascii_digit(ch: str) -> str:
    digit = unicodedata.decimal(ch, None)
    return str(digit) if digit is not None else ch


def parse_phone(to: object, *, strict: bool = False) -> PhoneNumber:
    """Turn Logto's `to` into exactly one recipient, or raise INVALID_REQUEST_PARAMETERS.

    ``strict`` is ``strictPhoneRegionNumberCheck``: the country code must be present, and it
    alone decides whether the number is mainland Chinese.
    """
    if isinstance(to, str) and len(to) <= _MAX_INPUT:
        return _parse_cached(to, strict)
    return _parse(to, strict)


@lru_cache(maxsize=4096)
def _parse_cached(to: str, strict: bool) -> PhoneNumber:
    return _parse(to, strict)


def _parse(to: object, strict: bool) -> PhoneNumber:
    if not isinstance(to, str):
        raise ConnectorError(
            ConnectorErrorCode.INVALID_REQUEST_PARAMETERS,
            {"message": "`to` must be a phone number string", "field": "to", "retryable": False},
        )
    compact = _compact(to)
    if (_MAINLAND_STRICT if strict else _MAINLAND).fullmatch(compact):
        # Aliyun documents the prefixes +86, 0086, 86 and none for mainland numbers: send what
        # Logto sends, so both connectors hit Aliyun's per-number flow control the same way.
        return PhoneNumber(compact, True, MAINLAND_CALLING_CODE, "CN")
    return _overseas(compact)


def _overseas(compact: str) -> PhoneNumber:
    import phonenumbers  # imported on first use: keeps `import logto_connector_aliyun_sms` cheap

    digits = compact.lstrip("+")
    if not compact.startswith("+") and digits.startswith("00"):
        digits = digits[2:]  # the international call prefix, written 00
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException as exc:
        too_long = exc.error_type == phonenumbers.NumberParseException.TOO_LONG
        raise _reject(
            "too long for a phone number" if too_long else "no valid country calling code"
        ) from None
    region = phonenumbers.region_code_for_number(number)
    if number.country_code == MAINLAND_CALLING_CODE:
        raise _reject("a +86 number that is not a mainland mobile number (1 and ten digits)")
    # SMS reach mobiles: judge the length against the country's mobile numbers (possibility,
    # not carrier validity, so a newly opened range still works).
    reason = phonenumbers.is_possible_number_for_type_with_reason(
        number, phonenumbers.PhoneNumberType.MOBILE
    )
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise _reject(_REASONS.get(reason, "not a possible number for its country"))
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if e164[1:] != digits:  # never send digits other than the ones written (e.g. "+27 000000")
        raise _reject("not a possible number for its country")
    known_region = region if region and region != "ZZ" else None
    return PhoneNumber(e164[1:], False, int(number.country_code or 0), known_region)


_REASONS = {
    1: "no valid country calling code",  # INVALID_COUNTRY_CODE
    2: "too short for its country",  # TOO_SHORT
    3: "too long for its country",  # TOO_LONG
    4: "a local-only number, not reachable from abroad",  # IS_POSSIBLE_LOCAL_ONLY
    5: "not a possible length for its country",  # INVALID_LENGTH
}
