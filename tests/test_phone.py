"""Phone numbers: Logto's mainland test, people's formats, one recipient, Aliyun's format."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode, SendMessageData
from logto_connector_aliyun_sms.inputs.phone import PhoneNumber, parse_phone
from logto_connector_aliyun_sms.redact import mask_phone as mask

# (to, strict, expected Aliyun value, mainland)
ACCEPTED = [
    # Logto's digit forms, non-strict: optional +86 / 0086 / 86, then 1 and ten digits
    ("13812345678", False, "13812345678", True),
    ("8613812345678", False, "8613812345678", True),
    ("+8613812345678", False, "+8613812345678", True),
    ("008613812345678", False, "008613812345678", True),
    # the ambiguous bare number: mainland when non-strict, North American when strict
    ("18624017194", False, "18624017194", True),
    ("18624017194", True, "18624017194", False),
    ("8613812345678", True, "8613812345678", True),
    ("+8613812345678", True, "+8613812345678", True),
    # overseas digit forms Logto stores: country code and number, no '+'
    ("85268326366", False, "85268326366", False),
    ("85268326366", True, "85268326366", False),
    ("6591234567", False, "6591234567", False),
    # people's own formats
    ("+86 138 1234 5678", False, "+8613812345678", True),
    ("138-1234-5678", False, "13812345678", True),
    ("(+852) 6832.6366", False, "85268326366", False),
    ("+1 (202) 555-0123", False, "12025550123", False),
    ("00 44 20 7183 8750", False, "442071838750", False),
    ("+39 06 1234 5678", False, "390612345678", False),  # Italian leading zero kept
    ("１３８１２３４５６７８", False, "13812345678", True),  # full-width digits
    ("  +81 90-1234-5678  ", False, "819012345678", False),
    ("+44 (0) 7911 123456", False, "447911123456", False),  # the trunk 0 written in brackets
    ("+44 (0)20 7946 0958", False, "442079460958", False),
    ("+44(0)2079460958", False, "442079460958", False),
    ("0044 ( 0 ) 20 7946 0958", False, "442079460958", False),
    ("+49 (0)151 2345 6789", True, "4915123456789", False),
    ("+86 (0) 138 1234 5678", False, "+8613812345678", True),
    ("\u202a+86 138 1234 5678\u202c", False, "+8613812345678", True),  # bidi marks (copy-paste)
    ("+86\u200b13812345678", False, "+8613812345678", True),  # a zero-width space
    (
        "\u0661\u0663\u0668\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668",
        False,
        "13812345678",
        True,
    ),
]


@pytest.mark.parametrize(("to", "strict", "aliyun", "mainland"), ACCEPTED)
def test_accepted_numbers(to: str, strict: bool, aliyun: str, mainland: bool) -> None:
    phone = parse_phone(to, strict=strict)
    assert phone.aliyun == aliyun
    assert phone.mainland is mainland
    assert "," not in phone.aliyun
    assert phone.aliyun.lstrip("+").isdigit()


def test_strict_mode_requires_the_prefix_for_mainland() -> None:
    assert parse_phone("13812345678", strict=False).mainland
    strict = parse_phone("13812345678", strict=True)
    assert not strict.mainland
    assert strict.calling_code == 1


def test_overseas_numbers_carry_country_and_region() -> None:
    phone = parse_phone("+852 6832 6366")
    assert (phone.calling_code, phone.region) == (852, "HK")


REFUSED = [
    ("13800000000,13900000000", "several recipients"),
    ("13800000000;13900000000", "several recipients"),
    ("13800000000，13900000000", "several recipients"),
    ("13800000000 & 13900000000", "several recipients"),
    ("1380000000013900000000", "too long"),
    ("+1-800-FLOWERS", "only digits"),
    ("abc", "only digits"),
    ("138 0000 0000 ext 12", "only digits"),
    ("", "empty"),
    ("   ", "empty"),
    ("+", "only digits"),
    ("++8613812345678", "only digits"),
    ("86+13812345678", "only digits"),
    ("+85212", "too short"),
    ("+1 202 555 01234", "too long"),
    ("+999 1234 5678", "country calling code"),
    ("+86 10 1234 5678", "not a mainland mobile"),
    ("1" * 65, "longer than 64"),
    ("<script>", "only digits"),
    # '(0)' only as the trunk zero right after the country code, never anywhere else
    ("+86 138 1234 (0) 5678", "'(0)' is allowed only right after the country code"),
    ("+9(0)1 98765 43210", "'(0)' is allowed only right after the country code"),
    ("+44 (0) 20 (0) 7946 0958", "'(0)' is allowed only right after the country code"),
    ("44 (0)20 7946 0958", "'(0)' is allowed only right after the country code"),
    ("(0)20 7946 0958", "'(0)' is allowed only right after the country code"),
    ("+0044 (0)20 7946 0958", "'(0)' is allowed only right after the country code"),
    ("+999 (0) 1234 5678", "'(0)' is allowed only right after the country code"),
]


@pytest.mark.parametrize(("to", "reason"), REFUSED)
def test_refused_numbers(to: str, reason: str) -> None:
    with pytest.raises(ConnectorError) as caught:
        parse_phone(to)
    assert caught.value.code is ConnectorErrorCode.INVALID_REQUEST_PARAMETERS
    assert reason in caught.value.data["message"]  # type: ignore[index]


@pytest.mark.parametrize("to", [None, 13812345678, ["13812345678"], b"13812345678"])
def test_non_string_to_is_refused(to: object) -> None:
    with pytest.raises(ConnectorError) as caught:
        parse_phone(to)
    assert caught.value.code is ConnectorErrorCode.INVALID_REQUEST_PARAMETERS


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("13812345678", "138****5678"),
        ("85268326366", "852****6366"),
        ("6591234567", "65****567"),
        ("12345", "****"),
    ],
)
def test_mask(number: str, masked: str) -> None:
    assert mask(number) == masked


def test_masked_mainland_number_hides_the_prefix() -> None:
    assert parse_phone("+8613812345678").masked == "138****5678"


def test_one_phone_one_key_however_written() -> None:
    forms = [
        "+8613812345678",
        "8613812345678",
        "13812345678",
        "008613812345678",
        "+86 138-1234-5678",
    ]
    assert {parse_phone(to).key for to in forms} == {"8613812345678"}
    assert parse_phone("+852 6832 6366").key == "85268326366"


@pytest.mark.parametrize(
    "number",
    [
        "13812345678",
        "+8613812345678",
        "008613812345678",
        "85268326366",
        "12345678",
        "6591234567",
        "123456",
        "+14155550123",
        "4915112345678",
    ],
)
def test_the_sandbox_masks_numbers_by_the_same_rule(number: str) -> None:
    from aliyun_sms_sandbox.phones import mask as sandbox_mask

    assert sandbox_mask(number) == mask(number)


@pytest.mark.parametrize("to", ["+86 138 1234 (0) 5678", "+9(0)1 98765 43210"])
def test_a_misplaced_bracketed_zero_sends_nothing(aliyun_sms_sandbox: Any, to: str) -> None:
    """Before the rule these went out as +8613812345678 and 919876543210 (another country)."""
    sb = aliyun_sms_sandbox
    data: SendMessageData = {"to": to, "type": "SignIn", "payload": {"code": "123456"}}
    with pytest.raises(ConnectorError) as caught:
        aliyun_sms.send_message(data, sb.connector_config())
    assert caught.value.code is ConnectorErrorCode.INVALID_REQUEST_PARAMETERS
    assert sb.requests == []
    assert sb.messages == []


POSSIBLE = ["+442079460958", "+4915123456789", "+8613812345678", "+85268326366", "+12025550123"]
POSSIBLE += ["+919876543210", "+819012345678", "+6591234567", "+390612345678", "+971501234567"]


@given(
    digits=st.sampled_from([to.lstrip("+") for to in POSSIBLE])
    | st.from_regex(r"\A[1-9][0-9]{6,13}\Z"),
    cut=st.integers(min_value=0, max_value=4) | st.integers(min_value=0, max_value=15),
    prefix=st.sampled_from(["+", "00"]),
)
def test_a_bracketed_zero_is_dropped_only_after_the_country_code(
    digits: str, cut: int, prefix: str
) -> None:
    """`(0)` anywhere: the same number when it follows the country code, else refused."""
    to = f"{prefix}{digits[:cut]} (0) {digits[cut:]}"
    try:
        plain: PhoneNumber | None = parse_phone(prefix + digits)
    except ConnectorError:
        plain = None
    if plain is not None and cut == len(str(plain.calling_code)):
        assert parse_phone(to) == plain
    else:
        with pytest.raises(ConnectorError) as caught:
            parse_phone(to)
        assert caught.value.code is ConnectorErrorCode.INVALID_REQUEST_PARAMETERS
