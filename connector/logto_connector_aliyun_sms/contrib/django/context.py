"""The current request, for code that Django calls without one (two-factor gateways)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest

_request: ContextVar[HttpRequest | None] = ContextVar("aliyun_sms_request", default=None)


def current_request() -> HttpRequest | None:
    """The request being served, when ``RequestMiddleware`` is installed."""
    return _request.get()


class RequestMiddleware:
    """Makes the request known to the SMS gateway, so it can tell the user what went wrong.

    ``MIDDLEWARE += ["logto_connector_aliyun_sms.contrib.django.context.RequestMiddleware"]``
    (after ``MessageMiddleware``). Works under WSGI and ASGI.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self._acall(request)
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)

    async def _acall(self, request: HttpRequest) -> Any:
        token = _request.set(request)
        try:
            response: Awaitable[Any] = self.get_response(request)
            return await response
        finally:
            _request.reset(token)
