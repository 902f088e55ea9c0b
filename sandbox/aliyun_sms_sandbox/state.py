"""The emulated service: accounts, templates, outbox, counters and the Dysmsapi business rules.

No HTTP here: each action takes the caller's account and its decoded parameters and returns an
``Answer`` (HTTP status + Aliyun body). Every public method is thread-safe (one re-entrant lock),
so a test thread may inspect and change the state while the server thread serves requests.

This module is over 400 lines because it is the emulated service's rules in one place, as moto's
``models.py`` is: splitting them would scatter one state machine over several files.
"""

from __future__ import annotations

import copy
import itertools
import json
import random
import re
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from . import mas, phones
from .answers import Answer, business, invalid_parameter, missing, new_request_id, refuse
from .bounded import BoundedLog, NonceBook
from .clock import CHINA, Clock
from .faults import Fault, FaultQueue
from .flow import FlowControl
from .models import DELIVERED, FAILED, WAITING, Account, Message, Signature, Template
from .params import check_values, parse_values
from .reports import ReportBook
from .seed import Seed, default_seed

API_VERSION = "2017-05-25"
MAX_NUMBERS = 1000
MAX_BATCH = 100
NONCE_TTL = 15 * 60
#: The request log and the outbox keep the latest entries only, so a long-running sandbox stays
#: small: at most this many, and about ``MAX_LOG_BYTES`` of their data each (oldest dropped first).
MAX_LOGGED_REQUESTS = 10_000
MAX_MESSAGES = 50_000
MAX_LOG_BYTES = 64 << 20
_DELIVERY_OUTCOMES = {
    "delivered": (DELIVERED, "DELIVERED"),
    "failed": (FAILED, "MOBILE_NOT_ON_SERVICE"),
    "waiting": (WAITING, ""),
}
_DATE = re.compile(r"\d{8}")

Params = Mapping[str, str]


class SandboxState:
    """Everything the sandbox knows, and the rules that decide each answer."""

    def __init__(
        self,
        seed: Seed | None = None,
        clock: Clock | None = None,
        *,
        max_messages: int = MAX_MESSAGES,
        max_requests: int = MAX_LOGGED_REQUESTS,
        report_url: str | None = None,
    ) -> None:
        self.max_messages, self.max_requests = max_messages, max_requests
        self.default_report_url = report_url
        self.lock = threading.RLock()
        self.clock = clock or Clock()
        self.faults = FaultQueue()
        self.flow = FlowControl()
        self.seed = seed or default_seed()
        self.actions: dict[str, Callable[[Account, Params], Answer]] = {
            "SendSms": self.send_sms,
            "SendBatchSms": self.send_batch_sms,
            "QuerySendDetails": self.query_send_details,
            "QuerySendStatistics": self.query_send_statistics,
            mas.ACTION: self.send_sms_verify_code,
        }
        self._load(self.seed)

    # --- set-up -----------------------------------------------------------------------------

    def _load(self, seed: Seed) -> None:
        self.accounts = {a.access_key_id: copy.copy(a) for a in seed.accounts}
        self.default_access_key_id = seed.accounts[0].access_key_id
        self.signatures = {s.name: copy.copy(s) for s in seed.signatures}
        self.templates = {t.code: copy.copy(t) for t in seed.templates}
        self.usage_types = dict(seed.usage_types)
        self.sign_name = next((s.name for s in seed.signatures if s.approved), "")
        self.messages: BoundedLog[Message] = BoundedLog(self.max_messages, MAX_LOG_BYTES)
        self.requests: BoundedLog[dict[str, Any]] = BoundedLog(self.max_requests, MAX_LOG_BYTES)
        self.rtt_ms = 0.0
        self.handshake_ms = 0.0
        self.delivery: tuple[int, str] = (DELIVERED, "DELIVERED")  # new messages' SendStatus
        self.delivery_by_number: dict[str, tuple[int, str]] = {}  # number key -> outcome
        self.report_delay_s = 0.0  # from a send to its receipt, on the clock
        self.report_url = self.default_report_url  # where receipts are pushed (None: nowhere)
        self.reports = ReportBook()
        self.connections_opened = 0
        self.requests_served = 0
        self._nonces = NonceBook(NONCE_TTL)
        self._sent_per_day: dict[tuple[str, str], int] = {}
        self._biz_ids = itertools.count(random.randrange(10**17, 9 * 10**17))
        self.flow.clear()
        self.faults.clear()
        self.mas = mas.MasService(seed.gift_signatures)

    def reset(self, seed: Seed | None = None) -> None:
        """Back to the seed (or a new one): outbox, requests, faults, counters, clock, latency."""
        with self.lock:
            if seed is not None:
                self.seed = seed
            self.clock.reset()
            self._load(self.seed)

    @property
    def default_account(self) -> Account:
        """The account whose keys ``connector_config()`` hands out."""
        return self.accounts[self.default_access_key_id]

    def add(self, item: Account | Signature | Template) -> None:
        """Add (or replace) an account, a signature or a template."""
        with self.lock:
            if isinstance(item, Account):
                self.accounts[item.access_key_id] = item
            elif isinstance(item, Signature):
                self.signatures[item.name] = item
            else:
                self.templates[item.code] = item

    def template_for(self, usage_type: str, international: bool) -> str:
        """The approved verification template code serving ``usage_type`` in a region.

        Falls back to the ``Generic`` one, then to any approved verification template, then "".
        """
        with self.lock:
            candidates = [
                t
                for t in self.templates.values()
                if t.approved and t.international == international and t.kind == "verification"
            ]
            for wanted in (usage_type, "Generic"):
                for template in candidates:
                    if self.usage_types.get(template.code) == wanted:
                        return template.code
            return candidates[0].code if candidates else ""

    # --- inspection -------------------------------------------------------------------------

    def outbox(self, phone: str | None = None) -> list[dict[str, Any]]:
        """Accepted messages, newest first, optionally only those to ``phone``."""
        with self.lock:
            chosen = list(reversed(self.messages))
        if phone is not None:
            chosen = [m for m in chosen if phones.same_number(m.phone_number, phone)]
        now = self.clock.time()
        return [m.as_dict(now) for m in chosen]

    def clear_messages(self) -> int:
        """Empty the outbox; returns how many messages it held."""
        with self.lock:
            return self.messages.clear()

    def set_delivery(
        self, outcome: str, err_code: str | None = None, phone: str | None = None
    ) -> None:
        """What the handset reports for the messages sent from now on (QuerySendDetails and
        pushed receipts), for every number or only ``phone``'s.

        ``outcome`` is ``delivered`` (the default), ``failed`` (with Aliyun's receipt code,
        ``MOBILE_NOT_ON_SERVICE`` unless given) or ``waiting`` (never reported).
        """
        if not isinstance(outcome, str) or outcome not in _DELIVERY_OUTCOMES:
            raise ValueError(f"outcome must be delivered, failed or waiting, not {outcome!r}")
        status, default_code = _DELIVERY_OUTCOMES[outcome]
        if err_code is not None and (not isinstance(err_code, str) or not err_code.strip()):
            raise ValueError("err_code must be a non-empty string")
        chosen = (status, default_code if err_code is None else err_code)
        if phone is not None and (not isinstance(phone, str) or not phone.strip()):
            raise ValueError("phone must be a phone number")
        with self.lock:
            if phone is None:
                self.delivery = chosen
            else:
                self.delivery_by_number[phones.number_key(phone)] = chosen

    def outcome_for(self, number: str) -> tuple[int, str]:
        """SendStatus and ErrCode a message to ``number`` gets."""
        with self.lock:
            return self.delivery_by_number.get(phones.number_key(number), self.delivery)

    def set_reports(
        self,
        url: str | None = None,
        *,
        delay_s: float | None = None,
        batch_size: int | None = None,
        duplicate_rate: float | None = None,
        retry_delays: tuple[float, ...] | None = None,
    ) -> None:
        """Push receipts to ``url`` (None: keep the current one; "" stops pushing), each
        ``delay_s`` after its send (the clock's seconds), ``batch_size`` per push,
        ``duplicate_rate`` of them twice, tried again after ``retry_delays`` when refused."""
        if url is not None and url != "" and not url.startswith(("http://", "https://")):
            raise ValueError("the report URL must start with http:// or https://")
        if delay_s is not None and not (
            isinstance(delay_s, (int, float)) and 0 <= delay_s <= 86400
        ):
            raise ValueError("delay_s must be from 0 to 86400 seconds")
        with self.lock:
            self.reports.configure(batch_size, duplicate_rate, retry_delays)
            if url is not None:
                self.report_url = url or None
            if delay_s is not None:
                self.report_delay_s = float(delay_s)

    def request_log(self) -> list[dict[str, Any]]:
        """The API requests received, oldest first (the latest ``max_requests``)."""
        with self.lock:
            return [dict(r) for r in self.requests]

    def record_request(self, record: dict[str, Any], size: int = 0) -> None:
        """Log one API request of ``size`` bytes (status and code are filled in when answered)."""
        with self.lock:
            self.requests.append(record, size)
            self.requests_served += 1

    def inject(self, fault: Fault) -> None:
        """Queue a fault for the next matching requests."""
        with self.lock:
            self.faults.add(fault)

    def take_fault(self, action: str | None) -> Fault | None:
        """The fault the next request of ``action`` gets, if any."""
        with self.lock:
            return self.faults.take(action)

    # --- authentication support -------------------------------------------------------------

    def account(self, access_key_id: str) -> Account | None:
        """The account of an AccessKeyId."""
        return self.accounts.get(access_key_id)

    def use_nonce(self, access_key_id: str, nonce: str, now: float) -> bool:
        """Remember a signature nonce; False when it was already used within 15 minutes."""
        return self._nonces.use(access_key_id, nonce, now)

    # --- actions ----------------------------------------------------------------------------

    def send_sms(self, account: Account, params: Params) -> Answer:
        """SendSms: one message per comma-separated number, all or nothing."""
        for name in ("PhoneNumbers", "SignName", "TemplateCode"):
            if not params.get(name):
                return missing(name)
        numbers = params["PhoneNumbers"].split(",")
        if len(numbers) > MAX_NUMBERS:
            return refuse("isv.MOBILE_COUNT_OVER_LIMIT")
        sign, raw = params["SignName"], params.get("TemplateParam")
        return self._send(
            account, [(n, sign, raw) for n in numbers], params["TemplateCode"], params.get("OutId")
        )

    def send_batch_sms(self, account: Account, params: Params) -> Answer:
        """SendBatchSms: numbers, signatures and parameters as parallel JSON arrays."""
        for name in ("PhoneNumberJson", "SignNameJson", "TemplateCode"):
            if not params.get(name):
                return missing(name)
        arrays: list[list[Any]] = []
        for name in ("PhoneNumberJson", "SignNameJson", "TemplateParamJson"):
            if name == "TemplateParamJson" and not params.get(name):
                arrays.append([None] * len(arrays[0]))
                continue
            parsed = _json_array(params[name])
            if parsed is None:
                return refuse("isv.INVALID_JSON_PARAM", f"JSON参数不合法: {name}")
            arrays.append(parsed)
        numbers, signs, values = arrays
        if len(numbers) > MAX_BATCH:
            return refuse("isv.MOBILE_COUNT_OVER_LIMIT")
        if not numbers or not len(numbers) == len(signs) == len(values):
            return refuse("isv.INVALID_PARAMETERS", "参数异常: 数组长度不一致")
        if not all(isinstance(x, str) for x in (*numbers, *signs)):
            return refuse("isv.INVALID_PARAMETERS")
        items = [
            (n, s, v if v is None or isinstance(v, str) else _dumps(v))
            for n, s, v in zip(numbers, signs, values, strict=True)
        ]
        return self._send(account, items, params["TemplateCode"], params.get("OutId"))

    def _send(
        self,
        account: Account,
        items: list[tuple[str, str, str | None]],
        template_code: str,
        out_id: str | None,
    ) -> Answer:
        for sign in dict.fromkeys(s for _, s, _ in items):
            signature = self.signatures.get(sign)
            if signature is None:
                return refuse("isv.SMS_SIGNATURE_ILLEGAL")
            if not signature.approved:
                return refuse("isv.SMS_SIGNATURE_ILLEGAL", "签名未审核通过")
        template = self.templates.get(template_code)
        if template is None:
            return refuse("isv.SMS_TEMPLATE_ILLEGAL")
        if not template.approved:
            return refuse("isv.SMS_TEMPLATE_ILLEGAL", "模板未审核通过")
        keys: list[str] = []
        for number, _, _ in items:
            refusal, key = phones.check(number, template.international)
            if refusal == "isv.SMS_TEMPLATE_ILLEGAL":
                return refuse(refusal, phones.MAINLAND_ONLY_TEMPLATE)
            if refusal is not None:
                return refuse(refusal)
            keys.append(key)
        rendered: dict[str | None, str] = {}
        for _, _, raw in items:
            if raw in rendered:
                continue
            values = parse_values(raw)
            if isinstance(values, Answer):
                return values
            refusal_answer = check_values(template, values)
            if refusal_answer is not None:
                return refusal_answer
            rendered[raw] = template.render(values)
        now = self.clock.time()
        count = len(items)
        if account.balance is not None and account.balance < count:
            return refuse("isv.AMOUNT_NOT_ENOUGH")
        day_key = (account.access_key_id, _china_day(now))
        sent_today = self._sent_per_day.get(day_key, 0)
        if account.daily_quota is not None and sent_today + count > account.daily_quota:
            return refuse("isv.DAY_LIMIT_CONTROL")
        limited = template.kind == "verification" and not template.international
        if limited:
            pending: dict[tuple[str, ...], int] = {}  # one number twice in a request counts twice
            for (_, sign, _), key in zip(items, keys, strict=True):
                flow_key = (account.access_key_id, sign, key)
                message = self.flow.refusal(flow_key, now, pending.get(flow_key, 0))
                if message is not None:
                    return business("isv.BUSINESS_LIMIT_CONTROL", message)
                pending[flow_key] = pending.get(flow_key, 0) + 1
        request_id = new_request_id()
        biz_id = f"{next(self._biz_ids)}^0"
        for (number, sign, raw), key in zip(items, keys, strict=True):
            size = len(number) + len(sign) + len(raw or "") + len(rendered[raw]) + len(out_id or "")
            status, err_code = self.delivery_by_number.get(key, self.delivery)
            record = Message(
                biz_id=biz_id,
                phone_number=number,
                number_key=key,
                sign_name=sign,
                template=template,
                template_param=raw,
                content=f"【{sign}】{rendered[raw]}",
                sent_at=now,
                request_id=request_id,
                access_key_id=account.access_key_id,
                out_id=out_id,
                status=status,
                err_code=err_code,
                reported_at=None if status == WAITING else now + self.report_delay_s,
            )
            self.messages.append(record, size)
            if self.report_url:
                self.reports.add(record)
            if limited:
                self.flow.record((account.access_key_id, sign, key), now)
        if account.balance is not None:
            account.balance -= count
        self._sent_per_day[day_key] = sent_today + count
        return Answer(
            200, {"Code": "OK", "Message": "OK", "RequestId": request_id, "BizId": biz_id}
        )

    def send_sms_verify_code(self, account: Account, params: Params) -> Answer:
        """Dypnsapi SendSmsVerifyCode (the rules in ``mas``), into the same outbox; its
        receipt is pushed as a SendSms one is (same shape; one report URL in the sandbox)."""
        number = params.get("PhoneNumber") or ""
        now = self.clock.time()
        answer, sent = self.mas.send_sms_verify_code(
            account,
            params,
            now,
            lambda: f"{next(self._biz_ids)}^0",
            self.delivery_by_number.get(phones.number_key(number), self.delivery),
        )
        if sent is not None:
            message = sent.message
            if message.status != WAITING:
                message.reported_at = now + self.report_delay_s
            self.messages.append(message, sent.size)
            if self.report_url:
                self.reports.add(message)
        return answer

    def query_send_details(self, account: Account, params: Params) -> Answer:
        """QuerySendDetails: one number's messages of one day (last 30 days), paginated."""
        for name in ("PhoneNumber", "SendDate", "PageSize", "CurrentPage"):
            if not params.get(name):
                return missing(name)
        day = params["SendDate"]
        if not _valid_day(day):
            return invalid_parameter("SendDate", "Use yyyyMMdd.")
        today = datetime.fromtimestamp(self.clock.time(), CHINA).date()
        asked = datetime.strptime(day, "%Y%m%d").date()
        if not today - timedelta(days=29) <= asked <= today:
            return refuse("isv.INVALID_PARAMETERS", "参数异常: 只能查询最近30天的记录")
        paging = _paging(params, "CurrentPage")
        if isinstance(paging, Answer):
            return paging
        page, size = paging
        biz_id = params.get("BizId")
        phone = params["PhoneNumber"]
        found = [
            m
            for m in reversed(self.messages)
            if m.access_key_id == account.access_key_id
            and m.product == "Dysmsapi"
            and m.day == day
            and (not biz_id or m.biz_id == biz_id)
            and phones.same_number(m.phone_number, phone)
        ]
        chosen = found[(page - 1) * size : page * size]
        now = self.clock.time()
        return Answer(
            200,
            {
                "Code": "OK",
                "Message": "OK",
                "RequestId": new_request_id(),
                "TotalCount": str(len(found)),
                "SmsSendDetailDTOs": {"SmsSendDetailDTO": [m.as_detail(now) for m in chosen]},
            },
        )

    def query_send_statistics(self, account: Account, params: Params) -> Answer:
        """QuerySendStatistics: per-day counts between two dates, mainland or international."""
        for name in ("IsGlobe", "StartDate", "EndDate", "PageIndex", "PageSize"):
            if not params.get(name):
                return missing(name)
        if params["IsGlobe"] not in ("1", "2"):
            return invalid_parameter("IsGlobe", "Use 1 (mainland) or 2 (international).")
        start, end = params["StartDate"], params["EndDate"]
        for name, day in (("StartDate", start), ("EndDate", end)):
            if not _valid_day(day):
                return invalid_parameter(name, "Use yyyyMMdd.")
        if start > end:
            return refuse("isv.INVALID_PARAMETERS", "参数异常: StartDate晚于EndDate")
        paging = _paging(params, "PageIndex")
        if isinstance(paging, Answer):
            return paging
        page, size = paging
        international = params["IsGlobe"] == "2"
        kind_filter = _template_type_filter(params.get("TemplateType"))
        if isinstance(kind_filter, Answer):
            return kind_filter
        sign = params.get("SignName")
        days: dict[str, list[int]] = {}
        now = self.clock.time()
        for m in self.messages:
            if (
                m.access_key_id != account.access_key_id
                or m.product != "Dysmsapi"
                or m.template.international != international
                or (sign and m.sign_name != sign)
                or (kind_filter is not None and not kind_filter(m.template))
            ):
                continue
            day = m.day
            if start <= day <= end:
                counts = days.setdefault(day, [0, 0, 0])
                counts[{DELIVERED: 0, FAILED: 1, WAITING: 2}[m.outcome(now)[0]]] += 1
        rows = [
            {
                "TotalCount": sum(c),
                "RespondedSuccessCount": c[0],
                "RespondedFailCount": c[1],
                "NoRespondedCount": c[2],
                "SendDate": day,
            }
            for day, c in sorted(days.items())
        ]
        data = {"TotalSize": len(rows), "TargetList": rows[(page - 1) * size : page * size]}
        return Answer(
            200, {"Code": "OK", "Message": "OK", "RequestId": new_request_id(), "Data": data}
        )


def _china_day(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, CHINA).strftime("%Y%m%d")


def _valid_day(day: str) -> bool:
    if not _DATE.fullmatch(day):
        return False
    try:
        datetime.strptime(day, "%Y%m%d")
    except ValueError:
        return False
    return True


def _paging(params: Params, page_name: str) -> tuple[int, int] | Answer:
    try:
        page, size = int(params[page_name]), int(params["PageSize"])
    except ValueError:
        return refuse("isv.INVALID_PARAMETERS", f"参数异常: {page_name}/PageSize 须为整数")
    if page < 1:
        return refuse("isv.INVALID_PARAMETERS", f"参数异常: {page_name} 须大于0")
    if not 1 <= size <= 50:
        return refuse("isv.INVALID_PARAMETERS", "参数异常: PageSize 须在1-50之间")
    return page, size


def _template_type_filter(raw: str | None) -> Callable[[Template], bool] | Answer | None:
    """TemplateType: 0 verification, 1 notification, 2 promotion, 3 international, 7 digital."""
    if not raw:
        return None
    filters: dict[str, Callable[[Template], bool]] = {
        "0": lambda t: t.kind == "verification" and not t.international,
        "1": lambda t: t.kind == "notification" and not t.international,
        "2": lambda t: False,
        "3": lambda t: t.international,
        "7": lambda t: False,
    }
    chosen = filters.get(raw)
    if chosen is None:
        return invalid_parameter("TemplateType")
    return chosen


def _json_array(raw: str) -> list[Any] | None:
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, list) else None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
