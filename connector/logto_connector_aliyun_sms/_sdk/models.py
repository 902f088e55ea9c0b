"""The SDK's request models, built from plain values (the SDK is imported on first use)."""

from __future__ import annotations

from typing import Any


def send_sms_request(phone_numbers: str, sign_name: str, code: str, param: str) -> Any:
    """A ``SendSmsRequest``."""
    from alibabacloud_dysmsapi20170525.models import SendSmsRequest

    return SendSmsRequest(
        phone_numbers=phone_numbers, sign_name=sign_name, template_code=code, template_param=param
    )


def send_statistics_request(is_globe: int, start: str, end: str, page: int, size: int) -> Any:
    """A ``QuerySendStatisticsRequest`` (``is_globe``: 1 mainland China, 2 international)."""
    from alibabacloud_dysmsapi20170525.models import QuerySendStatisticsRequest

    return QuerySendStatisticsRequest(
        is_globe=is_globe, start_date=start, end_date=end, page_index=page, page_size=size
    )


def send_sms_verify_code_request(
    national_number: str, sign_name: str, code: str, param: str
) -> Any:
    """A Dypnsapi ``SendSmsVerifyCodeRequest`` to a mainland number (``CountryCode`` 86)."""
    from alibabacloud_dypnsapi20170525.models import SendSmsVerifyCodeRequest

    return SendSmsVerifyCodeRequest(
        country_code="86",
        phone_number=national_number,
        sign_name=sign_name,
        template_code=code,
        template_param=param,
    )
