"""Hostile input (hypothesis): nothing but a result or a ConnectorError, never a charge by mistake.

Example counts scale with HYPOTHESIS_EXAMPLES (CI runs thousands per property).
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logto_connector_aliyun_sms as aliyun_sms
from logto_connector_aliyun_sms import ConnectorError, ConnectorErrorCode, TemplateType

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "2000"))
SLOW_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=30,
)
usage_types = st.sampled_from([t.value for t in TemplateType]) | st.text(max_size=12)
template_codes = (
    st.text(max_size=12)
    | st.fixed_dictionaries({"china": st.text(max_size=8), "overseas": st.text(max_size=8)})
    | json_values
)
templates = st.lists(
    st.fixed_dictionaries(
        {"usageType": usage_types, "templateCode": template_codes},
        optional={"type": st.sampled_from([0, 1, 2, 6, 7, 3, "2", True, None])},
    ),
    max_size=10,
)
near_configs = st.fixed_dictionaries(
    {},
    optional={
        "accessKeyId": st.text(max_size=8) | json_values,
        "accessKeySecret": st.text(max_size=8) | json_values,
        "signName": st.text(max_size=8) | json_values,
        "templates": templates | json_values,
        "strictPhoneRegionNumberCheck": st.booleans() | json_values,
        "endpoint": st.text(max_size=30) | json_values,
        "readTimeout": st.integers() | json_values,
        "allowedCountryCodes": st.lists(st.text(max_size=4)) | json_values,
        "minSendIntervalSeconds": st.floats() | json_values,
    },
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(json_values | near_configs | st.text() | st.binary(max_size=50))
def test_any_config_is_validated_or_refused_cleanly(config: Any) -> None:
    try:
        result = aliyun_sms.validate_config(config)
    except ConnectorError as error:
        assert error.code is ConnectorErrorCode.INVALID_CONFIG
        assert error.data is not None
    else:
        assert isinstance(result, dict)
        assert isinstance(result["templates"], list)


payloads = st.dictionaries(st.text(max_size=8), json_values, max_size=4) | json_values
phone_like = st.from_regex(r"\A[+0]?[0-9 ()\-.]{0,20}\Z") | st.text(max_size=25)
datas = (
    st.fixed_dictionaries(
        {},
        optional={
            "to": phone_like | json_values,
            "type": usage_types | json_values,
            "payload": payloads,
            "ip": st.text(max_size=5),
        },
    )
    | json_values
)


@settings(max_examples=EXAMPLES // 2, deadline=None, suppress_health_check=SLOW_OK)
@given(data=datas)
def test_any_data_gives_a_result_or_a_connector_error(aliyun_sms_sandbox: Any, data: Any) -> None:
    sb = aliyun_sms_sandbox
    config = dict(sb.connector_config(), strictPhoneRegionNumberCheck=False)
    before = len(sb.requests)
    try:
        result = aliyun_sms.send_message(data, config)
    except ConnectorError as error:
        assert isinstance(error.code, ConnectorErrorCode)
    else:
        assert result["Code"] == "OK"
    assert len(sb.requests) - before <= 1


_SEPARATORS = re.compile(r"[\s\-.()\u00a0\u2010-\u2015\u2212/]+")
_TRUNK_ZERO = re.compile(r"\(\s*0\s*\)")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=SLOW_OK)
@given(to=st.text(max_size=30) | phone_like, strict=st.booleans())
def test_any_to_reaches_at_most_one_phone(aliyun_sms_sandbox: Any, to: str, strict: bool) -> None:
    sb = aliyun_sms_sandbox
    config = dict(sb.connector_config(), strictPhoneRegionNumberCheck=strict)
    before = len(sb.requests)
    with contextlib.suppress(ConnectorError):
        aliyun_sms.send_message({"to": to, "type": "SignIn", "payload": {"code": "1234"}}, config)
    arrived = sb.requests[before:]
    assert len(arrived) <= 1
    if arrived:
        sent = arrived[0]["params"]["PhoneNumbers"]
        assert re.fullmatch(r"\+?[0-9]{6,17}", sent), sent
        # what reached Aliyun is the number written in `to`, nothing added, nothing else
        # a trunk "(0)" after the country code is dropped (test_phone checks where it may stand)
        text = _TRUNK_ZERO.sub("", unicodedata.normalize("NFKC", to).strip(), count=1)
        written = _SEPARATORS.sub("", text)
        assert re.fullmatch(r"\+?[0-9]+", written), to
        # mainland numbers go as written; others without their '+' or '00' prefix
        assert sent in (written, written.lstrip("+"), written[2:] if written[:2] == "00" else ""), (
            to,
            sent,
        )
