"""The sandbox's set-up, shared by both runners: accounts, signatures, templates, balance and
quota, faults, delivery outcomes, latency and Dypnsapi's gift signatures."""

from __future__ import annotations

from collections.abc import Iterable

from .faults import Fault, FaultKind
from .models import Account, Signature, Template, TemplateKind
from .state import SandboxState


class SetupAPI:
    """What the emulated account holds and how the service behaves; thread-safe."""

    state: SandboxState

    def set_gift_signatures(self, names: Iterable[str]) -> None:
        """Replace Dypnsapi's gift signatures (as Aliyun's rotation does)."""
        with self.state.lock:
            self.state.mas.set_gift_signatures(names)

    def add_account(
        self,
        access_key_id: str,
        access_key_secret: str,
        balance: int | None = None,
        daily_quota: int | None = None,
        enabled: bool = True,
    ) -> Account:
        """Add an AccessKey pair (``enabled=False``: answered as a disabled key)."""
        account = Account(access_key_id, access_key_secret, balance, daily_quota, enabled)
        self.state.add(account)
        return account

    def add_signature(self, name: str, approved: bool = True) -> Signature:
        """Add a signature."""
        signature = Signature(name, approved)
        self.state.add(signature)
        return signature

    def add_template(
        self,
        code: str,
        content: str,
        international: bool = False,
        kind: TemplateKind = "verification",
        approved: bool = True,
    ) -> Template:
        """Add a template; ``content`` uses ``${var}`` placeholders."""
        template = Template(code, content, international, kind, approved)
        self.state.add(template)
        return template

    def set_balance(self, amount: int | None) -> None:
        """Messages the default account can still pay for (None: unlimited)."""
        with self.state.lock:
            self.state.default_account.balance = amount

    def set_daily_quota(self, count: int | None) -> None:
        """Messages the default account may send per day, UTC+8 (None: unlimited)."""
        with self.state.lock:
            self.state.default_account.daily_quota = count

    def inject_fault(
        self,
        kind: FaultKind,
        count: int = 1,
        *,
        status: int | None = None,
        code: str | None = None,
        message: str | None = None,
        delay_ms: int | None = None,
        retry_after_ms: int | None = None,
        action: str | None = None,
    ) -> Fault:
        """Answer the next ``count`` API requests (of ``action``, if given) with a fault."""
        fault = Fault(kind, count, status, code, message, delay_ms, retry_after_ms, action)
        self.state.inject(fault)
        return fault

    def set_delivery(
        self, outcome: str, err_code: str | None = None, phone: str | None = None
    ) -> None:
        """What phones (or only ``phone``) report for messages sent from now on: ``delivered``,
        ``failed`` (``err_code``, default ``MOBILE_NOT_ON_SERVICE``) or ``waiting`` (never
        reported); QuerySendDetails and the pushed receipts agree."""
        self.state.set_delivery(outcome, err_code, phone)

    def set_latency(self, rtt_ms: float = 0, handshake_ms: float = 0) -> None:
        """Add ``rtt_ms`` to every answer and ``handshake_ms`` to each connection's first one."""
        with self.state.lock:
            self.state.rtt_ms = float(rtt_ms)
            self.state.handshake_ms = float(handshake_ms)
