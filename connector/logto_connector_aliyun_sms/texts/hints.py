"""The admin hints: what to do, per kind of Aliyun answer, in en, ja and zh-CN; the one table.

Keys are the ``hint`` of :data:`aliyun_errors.ANSWERS`; the CLI, the console and the docs' error
table show these texts.
"""

from __future__ import annotations

HINTS: dict[str, dict[str, str]] = {
    "flow": {
        "en": "Aliyun's per-number flow control (mainland verification codes: by default 1 a "
        "minute, 5 an hour, 10 a day per signature and number). The person waits; raise the "
        "limits in the console (通用设置 > 国内消息设置 > 发送频率设置, 系统设置 in older "
        "consoles; enterprise accounts) only if real users hit them.",
        "ja": "Aliyun の番号単位の流量制御です（中国本土宛ての認証コードは、既定で同一の署名・"
        "番号あたり 1 分に 1 通、1 時間に 5 通、1 日に 10 通）。利用者には時間をおいて再度"
        "お試しいただきます。正規の利用者が上限に達する場合に限り、コンソールの 通用设置 > "
        "国内消息设置 > 发送频率设置（旧コンソールでは 系统设置、企業アカウントのみ）で上限を"
        "引き上げます。",
        "zh-CN": "阿里云按号码的流控（发往中国大陆的验证码默认同一签名、同一号码每分钟 1 条、"
        "每小时 5 条、每天 10 条）。用户需稍后再试；仅当正常用户也触发时，才在控制台"
        "通用设置 > 国内消息设置 > 发送频率设置（旧版控制台为系统设置，仅企业用户）调高上限。",
    },
    "throttle": {
        "en": "Aliyun throttled the account's API calls. A later send works; if it persists, "
        "spread the load or ask Aliyun for a higher quota.",
        "ja": "Aliyun がアカウントの API 呼び出しを制限しています。時間をおいて再送すると"
        "成功します。解消しない場合は、リクエストを分散するか、Aliyun にクォータの引き上げを"
        "申請します。",
        "zh-CN": "账号的 API 调用被阿里云限流。稍后再发即可；若持续出现，请分散请求，"
        "或向阿里云申请提高配额。",
    },
    "quota": {
        "en": "The daily or monthly total set in the console is used up. Raise it in the console "
        "(通用设置 > 国内消息设置 > 安全设置), or wait for it to reset.",
        "ja": "コンソールで設定した日次または月次の送信量の上限に達しました。コンソールの "
        "通用设置 > 国内消息设置 > 安全设置 で上限を引き上げるか、リセットを待ちます。",
        "zh-CN": "已达到控制台中设置的日发送量或月发送量上限。请在控制台"
        "通用设置 > 国内消息设置 > 安全设置中调高上限，或等待重置。",
    },
    "money": {
        "en": "The account's balance is used up. Top it up; sending resumes shortly after.",
        "ja": "アカウントの残高が不足しています。チャージすると、まもなく送信が再開されます。",
        "zh-CN": "账户余额不足。充值后不久即可恢复发送。",
    },
    "number": {
        "en": "Aliyun refused the number. Check it; mainland numbers need the 11-digit mobile "
        "number, other countries a country code (see phone-numbers.md).",
        "ja": "Aliyun が番号を拒否しました。番号を確認してください。中国本土は 11 桁の携帯番号、"
        "その他の国は国番号付きが必要です（phone-numbers.md 参照）。",
        "zh-CN": "阿里云拒绝了该号码。请检查号码：中国大陆号码须为 11 位手机号，其他国家/地区须带"
        "国际区号（见 phone-numbers.md）。",
    },
    "variables": {
        "en": "The payload does not fit the template's variables: each variable needs a value "
        "that suits its attribute. A verification-code template should have exactly one "
        "variable, `${code}`, whose attribute (digits only, 4–6 characters) matches the codes "
        "your platform sends.",
        "ja": "payload がテンプレートの変数と一致しません。各変数には、その属性に合う値が必要"
        "です。認証コードのテンプレートは変数を `${code}` の 1 つだけにし、その属性（数字のみ、"
        "4〜6 文字）をプラットフォームが送信するコードに合わせます。",
        "zh-CN": "payload 与模板变量不符：每个变量都需要符合其变量属性的值。验证码模板应只有"
        "一个变量 `${code}`，其变量属性（仅数字、4–6 位）须与平台发送的验证码一致。",
    },
    "request": {
        "en": "A malformed request. This should not happen: report it with the RequestId.",
        "ja": "不正な形式のリクエストです。本来起こらないはずなので、RequestId を添えて報告して"
        "ください。",
        "zh-CN": "请求格式有误，正常情况下不应出现。请附上 RequestId 反馈问题。",
    },
    "blocked": {
        "en": "A blocked keyword in the text, or a blacklisted number. Check the template and "
        "the number; Aliyun's support can tell which.",
        "ja": "本文に禁止語が含まれているか、番号がブラックリストに登録されています。テンプレート"
        "と番号を確認してください。原因は Aliyun のサポートに問い合わせると確認できます。",
        "zh-CN": "内容含有屏蔽关键词，或号码在黑名单中。请检查模板和号码；具体原因可咨询阿里云"
        "技术支持。",
    },
    "template": {
        "en": "templateCode is not an approved template of this account. Copy the template code "
        "(模板 CODE) from the console and check that it is approved, under the same account as "
        "the AccessKey. When the message says 国内短信模板不支持发送国际/港澳台号码, a mainland "
        "template was used for a number outside mainland China: see the {china, overseas} pair.",
        "ja": "templateCode がこのアカウントの審査済みテンプレートではありません。コンソールから"
        "模板 CODE をコピーし、審査済みで AccessKey と同じアカウントのものか確認します。"
        "メッセージが 国内短信模板不支持发送国际/港澳台号码 の場合は、中国本土用のテンプレートが"
        "中国本土以外の番号に使われています。{china, overseas} の組を参照してください。",
        "zh-CN": "templateCode 不是本账号下审核通过的模板。请从控制台复制模板CODE，"
        "并确认模板已审核通过、与 AccessKey 属于同一账号。若错误信息为"
        "“国内短信模板不支持发送国际/港澳台号码”，则是对中国大陆以外的号码使用了国内模板："
        "见 {china, overseas} 组合。",
    },
    "mainland_only": {
        "en": "A mainland template was used for a number outside mainland China (Hong Kong, Macau "
        "and Taiwan included). Give the template a {china, overseas} pair of codes, the "
        "overseas one from 国际/港澳台消息, and check strictPhoneRegionNumberCheck.",
        "ja": "中国本土用のテンプレートが中国本土以外（香港・マカオ・台湾を含む）の番号に使われ"
        "ました。テンプレートを {china, overseas} の組にし（overseas は 国际/港澳台消息 の"
        "テンプレート）、strictPhoneRegionNumberCheck を確認します。",
        "zh-CN": "对中国大陆以外（含港澳台）的号码使用了国内模板。请把 templateCode 写成 "
        "{china, overseas} 组合（overseas 为国际/港澳台消息中的模板），并检查 "
        "strictPhoneRegionNumberCheck。",
    },
    "signature": {
        "en": "signName is not an approved, usable signature of this account. Copy it exactly "
        "as the console shows it, without 【】.",
        "ja": "signName がこのアカウントの審査済みで利用可能な署名ではありません。コンソールの"
        "表記どおり、【】を付けずに入力します。",
        "zh-CN": "signName 不是本账号下审核通过且可用的签名。请按控制台显示原样填写，不要带【】。",
    },
    "scene": {
        "en": "The signature's scenario does not allow this template: a 验证码 (verification-code) "
        "signature sends only verification-code templates, not 国际/港澳台 or notification "
        "ones. Change the signature's scenario to 通用 (general), which sends every kind.",
        "ja": "署名の適用シーンがこのテンプレートに対応していません。验证码（認証コード）署名で"
        "送れるのは認証コードのテンプレートだけで、国际/港澳台 や通知のテンプレートは送れません。"
        "署名の適用シーンを 通用（汎用）に変更します。通用 の署名はすべての種類を送れます。",
        "zh-CN": "签名的适用场景不支持该模板：验证码签名只能发送验证码模板，不能发送国际/港澳台"
        "或通知类模板。请把签名的适用场景改为通用，通用签名可发送全部类型的模板。",
    },
    "content": {
        "en": "Aliyun forbids the template's content. Revise the template and submit it for "
        "review again.",
        "ja": "テンプレートの内容が Aliyun に禁止されています。テンプレートを修正して再審査に"
        "出します。",
        "zh-CN": "模板内容被禁止。请修改模板后重新提交审核。",
    },
    "domestic": {
        "en": "An international template was used for a mainland number. Give the template a "
        "{china, overseas} pair, and check strictPhoneRegionNumberCheck.",
        "ja": "中国本土の番号に国際テンプレートが使われました。テンプレートを "
        "{china, overseas} の組にし、strictPhoneRegionNumberCheck を確認します。",
        "zh-CN": "对中国大陆号码使用了国际模板。请把 templateCode 写成 {china, overseas} 组合，"
        "并检查 strictPhoneRegionNumberCheck。",
    },
    "test_number": {
        "en": "Aliyun sends test messages only to the numbers bound as test numbers on the "
        "console's 快速学习与测试 page (绑定测试手机号码; at most 5 per account, mainland only). "
        "Bind the number there, or send the test to a number already bound.",
        "ja": "Aliyun はテスト送信を、コンソールの 快速学习与测试 ページでテスト用に登録した番号"
        "（绑定测试手机号码。1 アカウントにつき最大 5 件、中国本土の番号のみ）にしか送りません。"
        "そのページで番号を登録するか、登録済みの番号に送ってください。",
        "zh-CN": "阿里云只向在控制台快速学习与测试页面绑定的测试手机号码发送测试短信（每个账号最多 "
        "5 个，仅限中国大陆号码）。请在该页面单击绑定测试手机号码，或改发到已绑定的号码。",
    },
    "product": {
        "en": "SMS is not activated for this account. Activate it in the console.",
        "ja": "このアカウントでは SMS サービスが有効化されていません。コンソールで有効化します。",
        "zh-CN": "该账号未开通短信服务。请在控制台开通。",
    },
    "account": {
        "en": "Something is wrong with the Aliyun account itself. Contact Aliyun's support.",
        "ja": "Aliyun アカウント自体に問題があります。Aliyun のサポートに問い合わせてください。",
        "zh-CN": "阿里云账号本身异常。请联系阿里云技术支持。",
    },
    "ip": {
        "en": "Mainland messages are refused when the server calling Aliyun is outside mainland "
        "China. Send from a mainland server, or ask Aliyun.",
        "ja": "Aliyun を呼び出すサーバーが中国本土の外にあると、中国本土宛てのメッセージは拒否"
        "されます。中国本土のサーバーから送信するか、Aliyun に相談します。",
        "zh-CN": "调用阿里云的服务器不在中国大陆时，发往中国大陆的短信会被拒绝。请从中国大陆的"
        "服务器发送，或咨询阿里云。",
    },
    "ram": {
        "en": "The RAM user may not send SMS. Attach AliyunDysmsFullAccess, or a policy "
        "allowing dysms:SendSms (see setup.md).",
        "ja": "RAM ユーザーに SMS 送信の権限がありません。AliyunDysmsFullAccess か、"
        "dysms:SendSms を許可するポリシーを付与します（setup.md 参照）。",
        "zh-CN": "RAM 用户没有发送短信的权限。请授予 AliyunDysmsFullAccess，"
        "或允许 dysms:SendSms 的自定义策略（见 setup.md）。",
    },
    "key": {
        "en": "The AccessKey pair is wrong, disabled or deleted. Copy accessKeyId and "
        "accessKeySecret again from the RAM console (no stray spaces), and check that the key "
        "is enabled.",
        "ja": "AccessKey のペアが誤っているか、無効化・削除されています。RAM コンソールから "
        "accessKeyId と accessKeySecret をコピーし直し（余分な空白に注意）、キーが有効か"
        "確認します。",
        "zh-CN": "AccessKey 错误、已禁用或已删除。请从 RAM 控制台重新复制 accessKeyId 和 "
        "accessKeySecret（注意多余空格），并确认该 AccessKey 处于启用状态。",
    },
    "clock": {
        "en": "This server's clock is more than 15 minutes off, so Aliyun refuses the signed "
        "request. Synchronise the clock (NTP); nothing was sent.",
        "ja": "このサーバーの時計が 15 分以上ずれているため、Aliyun がリクエスト署名を拒否しま"
        "した。時計を同期（NTP）してください。メッセージは送信されていません。",
        "zh-CN": "本服务器的时钟偏差超过 15 分钟，阿里云拒绝了该请求的请求签名。请同步时钟"
        "（NTP）；短信未发送。",
    },
    "nonce": {
        "en": "Aliyun saw this request's signature nonce before (Aliyun accepts each nonce "
        "once, for a while): a request was replayed or sent twice as it was. The SDK "
        "draws a new nonce for every call, so a new send works; if it repeats, look for "
        "something that resends requests unchanged (a proxy, a retry layer).",
        "ja": "このリクエストの SignatureNonce（リクエスト署名用のノンス）は Aliyun で使用済み"
        "です（ノンスは一定時間内に 1 回しか使えません）。同じリクエストが再送または再生されて"
        "います。SDK は呼び出しごとに新しいノンスを生成するため、改めて送信すれば成功します。"
        "繰り返す場合は、リクエストをそのまま再送する仕組み（プロキシ、リトライ層など）が"
        "ないか確認します。",
        "zh-CN": "阿里云已收到过该请求的签名随机数（SignatureNonce 在一定时间内只能使用一次）："
        "同一请求被重放或原样重发。SDK 每次调用都会生成新的随机数，因此重新发送即可；"
        "若反复出现，请检查是否有原样重发请求的环节（代理、重试层等）。",
    },
    "system": {
        "en": "Aliyun's own trouble. A later send usually works; check Aliyun's status page if "
        "it lasts.",
        "ja": "Aliyun 側の障害です。多くの場合、時間をおいて再送すると成功します。解消しない"
        "場合は Aliyun のサービス状況を確認します。",
        "zh-CN": "阿里云自身故障。稍后重发通常即可；若持续出现，请查看阿里云的服务状态。",
    },
}

HINT_LANGUAGES = ("en", "ja", "zh-CN")


def hint_text(key: str, language: str = "en") -> str:
    """The hint ``key`` in ``language`` (one of ``HINT_LANGUAGES``), else in English."""
    texts = HINTS[key]
    return texts.get(language) or texts["en"]
