"""What the common receipt codes mean, and what to tell the person waiting for the code, in
English, Japanese and Simplified Chinese (the CLI's languages: ``aliyun-sms status --lang``)."""

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


TRANSLATIONS: dict[str, dict[str, CodeMeaning]] = {
    "ja": {
        "DELIVERED": CodeMeaning(
            "端末がメッセージの受信を確認しました",
            "SMS は届いています。ブロックしたメッセージや迷惑メッセージのフォルダーも含めて、"
            "SMS の受信箱を確認してもらいます",
        ),
        "MOBILE_NOT_ON_SERVICE": CodeMeaning(
            "番号が使われていません（利用停止、料金未払い、解約）",
            "番号を確認するか、別の番号を使ってもらいます",
        ),
        "MOBILE_IN_BLACK": CodeMeaning(
            "番号が通信事業者または Aliyun のブロックリストに載っています（配信停止の申し出や"
            "苦情のあとによく起こります）",
            "別の番号を使うか、通信事業者にブロックの解除を依頼してもらいます",
        ),
        "CONTENT_KEYWORD": CodeMeaning(
            "本文のキーワードを理由に、通信事業者がメッセージをブロックしました",
            "利用者側でできることはありません。テンプレートの文面を変えてください",
        ),
        "PORT_NOT_REGISTERED": CodeMeaning(
            "署名の送信ポートが、まだ通信事業者に届け出られていません",
            "利用者側でできることはありません。Aliyun のコンソールで署名の届出を済ませてください",
        ),
        "MOBILE_ACCOUNT_ABNORMAL": CodeMeaning(
            "回線契約に異常があります（料金未払い、凍結）",
            "携帯電話の契約状況を確認するか、別の番号を使ってもらいます",
        ),
        "MOBILE_TERMINAL_ERROR": CodeMeaning(
            "端末がメッセージを受け取れませんでした（電源オフ、圏外、保存領域の不足）",
            "電源を入れ、電波の届く場所で SMS の保存領域を空けてから、コードをもう一度"
            "リクエストしてもらいます",
        ),
        "USER_REJECT": CodeMeaning(
            "端末または通信事業者がメッセージを拒否しました（SMS のブロック機能、迷惑メッセージ"
            "フィルター）",
            "SMS のブロックや迷惑メッセージフィルターの設定を確認してから、コードをもう一度"
            "リクエストしてもらいます",
        ),
        "INVALID_NUMBER": CodeMeaning(
            "番号が存在しないか、携帯電話の番号ではありません",
            "番号を確認してもらいます",
        ),
        "NO_ROUTE": CodeMeaning(
            "このメッセージまたは番号に使える配信経路がありません",
            "利用者側でできることはありません。Aliyun のサポートに問い合わせてください",
        ),
        "SP_UNKNOWN_ERROR": CodeMeaning(
            "通信事業者が不明なエラーを返しました",
            "1 分ほどおいて、コードをもう一度リクエストしてもらいます。続く場合は Aliyun の"
            "サポートに問い合わせてください",
        ),
        "MOBILE_NOT_SUPPORT_INTER_SMS": CodeMeaning(
            "この番号は国際 SMS を受信できません",
            "国際 SMS を受信できる番号か、利用者の国の番号を使ってもらいます",
        ),
    },
    "zh-CN": {
        "DELIVERED": CodeMeaning(
            "手机已确认收到短信",
            "短信已送达：请用户查看短信收件箱，包括被拦截的短信和垃圾短信",
        ),
        "MOBILE_NOT_ON_SERVICE": CodeMeaning(
            "号码已停机（暂停服务、欠费或已销号）",
            "请核对号码，或换一个号码",
        ),
        "MOBILE_IN_BLACK": CodeMeaning(
            "号码在运营商或阿里云的黑名单中（常见于用户退订或投诉之后）",
            "请换一个号码，或联系运营商解除拦截",
        ),
        "CONTENT_KEYWORD": CodeMeaning(
            "短信内容含有关键字，被运营商拦截",
            "用户无法自行解决：请修改模板文案",
        ),
        "PORT_NOT_REGISTERED": CodeMeaning(
            "签名的发送端口尚未在运营商处完成报备",
            "用户无法自行解决：请在阿里云控制台完成签名的实名制报备",
        ),
        "MOBILE_ACCOUNT_ABNORMAL": CodeMeaning(
            "用户号码状态异常（欠费、冻结）",
            "请用户检查手机套餐状态，或换一个号码",
        ),
        "MOBILE_TERMINAL_ERROR": CodeMeaning(
            "手机无法接收短信（关机、不在服务区、存储空间已满）",
            "请用户开机、在有信号的地方清理短信存储空间后，重新获取验证码",
        ),
        "USER_REJECT": CodeMeaning(
            "用户的手机或运营商拒收了短信（短信拦截、骚扰过滤）",
            "请用户检查短信拦截或骚扰过滤设置，然后重新获取验证码",
        ),
        "INVALID_NUMBER": CodeMeaning(
            "号码不存在，或不是手机号",
            "请核对号码",
        ),
        "NO_ROUTE": CodeMeaning(
            "该内容或号码没有可用的发送通道",
            "用户无法自行解决：请联系阿里云技术支持",
        ),
        "SP_UNKNOWN_ERROR": CodeMeaning(
            "运营商返回了未知错误",
            "请用户一分钟后重新获取验证码；若持续出现，请联系阿里云技术支持",
        ),
        "MOBILE_NOT_SUPPORT_INTER_SMS": CodeMeaning(
            "该号码不能接收国际短信",
            "请换用能接收国际短信的号码，或用户所在国家/地区的号码",
        ),
    },
}
"""``RECEIPT_CODES`` in the other languages of the CLI's hints (``texts.HINT_LANGUAGES``)."""
for _table in TRANSLATIONS.values():  # Aliyun's own spelling of the code means the same
    _table["MOBLLE_TERMINAL_ERROR"] = _table["MOBILE_TERMINAL_ERROR"]

ADVICE_LINE = {
    "en": "{meaning}; tell the user: {tell}",
    "ja": "{meaning}。利用者への案内：{tell}",
    "zh-CN": "{meaning}。告知用户：{tell}",
}
"""How ``aliyun-sms status`` writes a meaning and its advice on one line, per language."""


def explain(code: str | None, language: str = "en") -> CodeMeaning | None:
    """The meaning of a receipt code, if it is a common one, in ``language`` (``en``, ``ja``,
    ``zh-CN``; English for any other)."""
    table = TRANSLATIONS.get(language, RECEIPT_CODES)
    return table.get(code or "")


def advice_line(meaning: CodeMeaning, language: str = "en") -> str:
    """A meaning and what to tell the user, as one line in ``language``."""
    template = ADVICE_LINE.get(language, ADVICE_LINE["en"])
    return template.format(meaning=meaning.meaning, tell=meaning.tell_the_user)
