"""What the common receipt codes mean, and what to tell the person waiting for the code."""

from __future__ import annotations

from typing import NamedTuple


class CodeMeaning(NamedTuple):
    """A receipt code's meaning and the advice for the user (both one short sentence)."""

    meaning: str
    tell_the_user: str


_TERMINAL = CodeMeaning(
    "the handset could not take the message (SMS storage or SIM full, an unsupported device)",
    "free some SMS storage, then ask for a new code",
)

RECEIPT_CODES: dict[str, CodeMeaning] = {
    "DELIVERED": CodeMeaning(
        "the handset acknowledged the message",
        "the SMS arrived: look in the SMS inbox, including blocked or spam folders",
    ),
    "MOBILE_NOT_ON_SERVICE": CodeMeaning(
        "the number is out of service (suspended, unassigned, switched off or out of coverage)",
        "check the number; if the phone was off or out of coverage, ask for a new code once it "
        "is back",
    ),
    "MOBILE_IN_BLACK": CodeMeaning(
        "the number is on the carrier's or Aliyun's block list (often after unsubscribing "
        "or complaining)",
        "use another number, or ask the carrier to lift the block",
    ),
    "CONTENT_KEYWORD": CodeMeaning(
        "the carrier blocked the text for a keyword in it",
        "nothing the user can do: change the template's wording",
    ),
    "PORT_NOT_REGISTERED": CodeMeaning(
        "the signature's sending port is not registered with the carrier yet",
        "nothing the user can do: complete the signature's registration in Aliyun's console",
    ),
    "MOBILE_ACCOUNT_ABNORMAL": CodeMeaning(
        "the subscriber's account is abnormal (arrears, or the number moved to another carrier)",
        "ask the user to check their phone plan, or use another number",
    ),
    "MOBLLE_TERMINAL_ERROR": _TERMINAL,  # Aliyun's own spelling, in its receipt code table
    "MOBILE_TERMINAL_ERROR": _TERMINAL,
    "USER_REJECT": CodeMeaning(
        "the line refused the message (the user unsubscribed from this sender, or the service "
        "is not enabled on the line)",
        "check unsubscriptions and SMS blocking on the line, then ask for a new code",
    ),
    "INVALID_NUMBER": CodeMeaning(
        "the number does not exist or is not a mobile number",
        "check the number",
    ),
    "NO_ROUTE": CodeMeaning(
        "no carrier route for this text or number",
        "nothing the user can do: contact Aliyun support",
    ),
    "SP_UNKNOWN_ERROR": CodeMeaning(
        "the carrier reported an unknown error",
        "ask for a new code in a minute; if it persists, contact Aliyun support",
    ),
    "MOBILE_NOT_SUPPORT_INTER_SMS": CodeMeaning(
        "the number cannot receive international SMS",
        "use a number that can, or the user's local number",
    ),
}


def explain(code: str | None) -> CodeMeaning | None:
    """The meaning of a receipt code, if it is a common one."""
    return RECEIPT_CODES.get(code or "")
