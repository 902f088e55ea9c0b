"""pytest plugin (entry point ``pytest11``): the ``aliyun_sms_sandbox`` fixture.

One server per test session, reset before every test, so each test sees the default seed, an
empty outbox and request log, no faults, the real clock and no latency. After each reset the hook
``pytest_aliyun_sms_sandbox_reset(sandbox)`` runs, so that a library under test resets its own
state too (the connector's plugin resets its send limits and ties them to ``sandbox.clock``).
Cheap to import: the server code loads only when a test asks for the fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .runner import Sandbox


class _HookSpecs:
    @pytest.hookspec
    def pytest_aliyun_sms_sandbox_reset(self, sandbox: Any) -> None:
        """The sandbox was reset for a new test: reset what depends on it (e.g. send limits)."""


REPORT_URL_OPTION = "aliyun_sms_sandbox_report_url"


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Declare ``pytest_aliyun_sms_sandbox_reset``."""
    pluginmanager.add_hookspecs(_HookSpecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--aliyun-sms-sandbox-report-url`` (or the ini key): where the sandbox pushes receipts."""
    help_text = "push the sandbox's delivery receipts to this URL (as Aliyun's SmsReport does)"
    parser.addoption("--aliyun-sms-sandbox-report-url", dest=REPORT_URL_OPTION, help=help_text)
    parser.addini(REPORT_URL_OPTION, help_text, default="")


@pytest.fixture(scope="session")
def aliyun_sms_sandbox_server(pytestconfig: pytest.Config) -> Iterator[Sandbox]:
    """The session's sandbox, in a background thread on a free loopback port; it pushes
    delivery receipts to ``--aliyun-sms-sandbox-report-url`` when given (a test may call
    ``set_reports`` instead: the reset before each test restores the option's URL)."""
    from .runner import Sandbox

    url = pytestconfig.getoption(REPORT_URL_OPTION) or pytestconfig.getini(REPORT_URL_OPTION)
    with Sandbox(report_url=str(url) or None) as sandbox:
        yield sandbox


@pytest.fixture
def aliyun_sms_sandbox(aliyun_sms_sandbox_server: Sandbox, pytestconfig: pytest.Config) -> Sandbox:
    """The session's sandbox with fresh state for this test."""
    aliyun_sms_sandbox_server.reset()
    pytestconfig.hook.pytest_aliyun_sms_sandbox_reset(sandbox=aliyun_sms_sandbox_server)
    return aliyun_sms_sandbox_server
