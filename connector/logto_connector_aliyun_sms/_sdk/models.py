"""The SDK's request models, built from plain values (the SDK is imported on first use)."""

from __future__ import annotations

from typing import Any


def send_sms_request(
    phone_numbers: str, sign_name: str, code: str, param: str, out_id: str | None = None
) -> Any:
    """A ``SendSmsRequest`` (``OutId`` only when given: a Logto-shaped send stays the same)."""
    from alibabacloud_dysmsapi20170525.models import SendSmsRequest

    return SendSmsRequest(
        phone_numbers=phone_numbers,
        sign_name=sign_name,
        template_code=code,
        template_param=param,
        out_id=out_id,
    )


def send_statistics_request(is_globe: int, start: str, end: str, page: int, size: int) -> Any:
    """A ``QuerySendStatisticsRequest`` (``is_globe``: 1 mainland China, 2 international)."""
    from alibabacloud_dysmsapi20170525.models import QuerySendStatisticsRequest

    return QuerySendStatisticsRequest(
        is_globe=is_globe, start_date=start, end_date=end, page_index=page, page_size=size
    )


def query_send_details_request(
    phone_number: str, send_date: str, page: int, size: int, biz_id: str | None = None
) -> Any:
    """A ``QuerySendDetailsRequest`` (``send_date``: yyyyMMdd, China time)."""
    from alibabacloud_dysmsapi20170525.models import QuerySendDetailsRequest

    return QuerySendDetailsRequest(
        phone_number=phone_number,
        send_date=send_date,
        current_page=page,
        page_size=size,
        biz_id=biz_id,
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
