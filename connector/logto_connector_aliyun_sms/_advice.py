"""What the admin should do, per kind of Aliyun answer, in en, ja and zh-CN (data only).

Keys are the ``advice`` of :data:`aliyun_errors.ANSWERS`; the docs' error table and the CLI's
hints are rendered from these texts.
"""

from __future__ import annotations

ADVICE: dict[str, dict[str, str]] = {
    "flow": {
        "en": "Aliyun's per-number flow control (mainland verification codes: by default 1 a "
        "minute, 5 an hour, 10 a day per signature). The person waits; raise the limits in the "
        "console (国内消息设置 > 发送频率设置) only if real users hit them.",
        "ja": "Aliyun の番号単位の流量制御（中国本土の認証コードは既定で署名ごとに 1 分 1 通・"
        "1 時間 5 通・1 日 10 通）。利用者は待つしかありません。正当な利用者が引っかかる"
        "場合に限り、コンソール（国内消息设置 > 发送频率设置）で上限を上げます。",
        "zh-CN": "阿里云按号码的流控"
        "（大陆验证码默认同一签名每分钟 1 条、每小时 5 条、每天 10 条）。"
        "用户只能稍后再试；只有正常用户也频繁触发时，才到控制台"
        "（国内消息设置 > 发送频率设置）调高上限。",
    },
    "throttle": {
        "en": "Aliyun throttled the account's API calls. A later send works; if it persists, "
        "spread the load or ask Aliyun for a higher quota.",
        "ja": "アカウントの API 呼び出しが Aliyun に絞られています。少し後の送信は通ります。"
        "続くようなら負荷を分散するか、Aliyun にクォータ引き上げを依頼します。",
        "zh-CN": "账号的 API 调用被阿里云限流。稍后再发即可；若持续出现，请分散请求，"
        "或向阿里云申请提高配额。",
    },
    "quota": {
        "en": "The daily or monthly total set in the console is used up. Raise it in the console, "
        "or wait for it to reset.",
        "ja": "コンソールで設定した日次または月次の送信上限に達しました。コンソールで上限を"
        "上げるか、リセットを待ちます。",
        "zh-CN": "已达到控制台中设置的日发送量或月发送量上限。请在控制台调高上限，或等待重置。",
    },
    "money": {
        "en": "The account's balance is used up. Top it up; sending resumes shortly after.",
        "ja": "アカウントの残高が尽きています。チャージすれば、まもなく送信が再開します。",
        "zh-CN": "账户余额不足。充值后不久即可恢复发送。",
    },
    "number": {
        "en": "Aliyun refused the number. Check it; mainland numbers need the 11-digit mobile "
        "number, other countries a country code (see phone-numbers.md).",
        "ja": "Aliyun が番号を拒否しました。番号を確認してください。中国本土は 11 桁の携帯番号、"
        "その他の国は国番号付きが必要です（phone-numbers.md 参照）。",
        "zh-CN": "阿里云拒绝了该号码。请检查号码：大陆号码须为 11 位手机号，其他国家/地区须带"
        "国际区号（见 phone-numbers.md）。",
    },
    "variables": {
        "en": "The payload does not fit the template's variables. A verification-code template "
        "should have exactly one variable, `${code}`, whose attribute (digits only, 4–6 "
        "characters) matches the codes your platform sends.",
        "ja": "payload がテンプレートの変数と合いません。認証コードのテンプレートは変数を "
        "`${code}` の 1 つだけにし、その属性（数字のみ・4〜6 文字）をプラットフォームが"
        "送るコードに合わせます。",
        "zh-CN": "payload 与模板变量不符。验证码模板应只有一个变量 `${code}`，其变量属性"
        "（仅数字、4–6 位）须与平台发送的验证码一致。",
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
        "ja": "本文に禁止語が含まれているか、番号がブラックリストに載っています。テンプレートと"
        "番号を確認してください。どちらかは Aliyun のサポートが教えてくれます。",
        "zh-CN": "内容含有屏蔽关键词，或号码在黑名单中。请检查模板和号码；具体原因可咨询阿里云"
        "技术支持。",
    },
    "template": {
        "en": "templateCode is not an approved template of this account. Copy the template code "
        "(模板 CODE) from the console and check that it is approved, under the same account as "
        "the AccessKey.",
        "ja": "templateCode がこのアカウントの審査済みテンプレートではありません。コンソールから"
        "模板 CODE をコピーし、審査済みで AccessKey と同じアカウントのものか確認します。",
        "zh-CN": "templateCode 不是本账号下审核通过的模板。请从控制台复制模板CODE，"
        "并确认模板已审核通过、与 AccessKey 属于同一账号。",
    },
    "signature": {
        "en": "signName is not an approved, usable signature of this account. Copy it exactly "
        "as the console shows it, without 【】.",
        "ja": "signName がこのアカウントの審査済みで利用可能な署名ではありません。コンソールの"
        "表記どおり、【】を付けずに入力します。",
        "zh-CN": "signName 不是本账号下审核通过且可用的签名。请按控制台显示原样填写，不要带【】。",
    },
    "scene": {
        "en": "The signature's scenario and the template's type disagree: use a "
        "verification-code signature with verification-code templates.",
        "ja": "署名の適用シーンとテンプレートの種別が一致しません。認証コード用の署名には"
        "認証コード用のテンプレートを組み合わせます。",
        "zh-CN": "签名的适用场景与模板类型不一致：验证码签名应搭配验证码模板。",
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
        "zh-CN": "对大陆号码使用了国际模板。请把 templateCode 写成 {china, overseas}，"
        "并检查 strictPhoneRegionNumberCheck。",
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
        "ja": "Aliyun を呼び出すサーバーが中国本土の外にあると、本土宛てメッセージは拒否されます。"
        "本土のサーバーから送るか、Aliyun に相談します。",
        "zh-CN": "调用阿里云的服务器不在中国大陆时，发往大陆的短信会被拒绝。请从大陆服务器发送，"
        "或咨询阿里云。",
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
        "ja": "このサーバーの時計が 15 分以上ずれているため、Aliyun が署名付きリクエストを拒否し"
        "ました。時計を同期（NTP）してください。送信はされていません。",
        "zh-CN": "本服务器的时钟偏差超过 15 分钟，阿里云拒绝了签名请求。请同步时钟（NTP）；"
        "短信未发送。",
    },
    "system": {
        "en": "Aliyun's own trouble. A later send usually works; check Aliyun's status page if "
        "it lasts.",
        "ja": "Aliyun 側の障害です。後で送れば通ることがほとんどです。続く場合は Aliyun の"
        "ステータスページを確認します。",
        "zh-CN": "阿里云自身故障。稍后重发通常即可；若持续出现，请查看阿里云的服务状态。",
    },
}
