"""The outbox page at ``/``: every phone's messages as a phone shows them, refreshed every second.

The page fetches ``/_sandbox/messages`` and builds the DOM with ``textContent`` only, so message
text is never parsed as HTML.
"""

from __future__ import annotations

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Aliyun SMS sandbox · outbox</title>
<style>
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans",
          "Noto Sans CJK SC", "PingFang SC", sans-serif; }
  body { margin: 0; background: #eef1f5; color: #1d2433; }
  header { display: flex; align-items: center; gap: 16px; padding: 14px 24px;
           background: #ff6a00; color: #fff; }
  header h1 { font-size: 18px; margin: 0; font-weight: 600; }
  header .meta { font-size: 13px; opacity: .9; flex: 1; }
  header button { background: #fff; color: #ff6a00; border: 0; border-radius: 6px;
                  padding: 6px 12px; font-weight: 600; cursor: pointer; }
  main { display: flex; flex-wrap: wrap; gap: 24px; padding: 24px; align-items: flex-start; }
  .empty { color: #5b6477; font-size: 15px; padding: 40px; }
  .phone { width: 300px; height: 540px; background: #1d2433; border-radius: 36px; padding: 14px;
           box-shadow: 0 10px 30px rgba(0,0,0,.18); display: flex; flex-direction: column; }
  .screen { flex: 1; background: #fff; border-radius: 24px; display: flex;
            flex-direction: column; overflow: hidden; }
  .bar { padding: 14px 16px 10px; border-bottom: 1px solid #e6e9ef; text-align: center; }
  .bar .number { font-weight: 600; font-size: 15px; }
  .bar .count { font-size: 12px; color: #7a8396; }
  .thread { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column;
            gap: 10px; background: #f7f8fa; }
  .bubble { align-self: flex-start; max-width: 85%; background: #e9ebf0; border-radius: 16px;
            border-bottom-left-radius: 4px; padding: 8px 12px; font-size: 14px; line-height: 1.4;
            white-space: pre-wrap; overflow-wrap: anywhere; }
  .when { font-size: 11px; color: #7a8396; margin-top: 4px; }
  .status-2 .when::after { content: " · failed"; color: #c0392b; }
  .status-1 .when::after { content: " · waiting"; }
  .product-Dypnsapi { background: #fff1e6; }
  .via { font-size: 10px; color: #7a8396; text-transform: uppercase; letter-spacing: .04em; }
</style>
</head>
<body>
<header>
  <h1>Aliyun SMS sandbox</h1>
  <div class="meta" id="meta">Dysmsapi & Dypnsapi 2017-05-25 · loading…</div>
  <button id="clear" type="button">Clear outbox</button>
</header>
<main id="phones"><div class="empty">Loading…</div></main>
<noscript>This page needs JavaScript; the outbox is also at
  <a href="/_sandbox/messages">/_sandbox/messages</a>.</noscript>
<script>
"use strict";
let last = null;
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}
function render(messages) {
  const root = document.getElementById("phones");
  const groups = new Map();
  for (const m of messages.slice().reverse()) {          // oldest first: newest at the bottom
    if (!groups.has(m.PhoneNumber)) groups.set(m.PhoneNumber, []);
    groups.get(m.PhoneNumber).push(m);
  }
  const order = [...groups.keys()].reverse();            // the phone that got the latest first
  document.getElementById("meta").textContent =
    `Dysmsapi & Dypnsapi 2017-05-25 · ${messages.length} message(s) to ${order.length} phone(s)`;
  root.replaceChildren();
  if (!order.length) {
    root.append(el("div", "empty",
      "No messages yet. Send one through the SDK and it shows up here."));
    return;
  }
  for (const number of order) {
    const list = groups.get(number);
    const phone = el("section", "phone");
    phone.dataset.phone = number;
    const screen = el("div", "screen");
    const bar = el("div", "bar");
    bar.append(el("div", "number", number), el("div", "count", `${list.length} message(s)`));
    const thread = el("div", "thread");
    for (const m of list) {
      const bubble = el("div", `bubble status-${m.SendStatus} product-${m.Product}`);
      bubble.dataset.bizId = m.BizId;
      bubble.dataset.product = m.Product;
      // SendSms (Dysmsapi) or SendSmsVerifyCode (Dypnsapi, the mas connector), side by side
      const via = m.Product === "Dypnsapi" ? "SendSmsVerifyCode" : "SendSms";
      bubble.append(el("div", "via", via), el("div", "text", m.Content),
                    el("div", "when", m.SendDate));
      thread.append(bubble);
    }
    screen.append(bar, thread);
    phone.append(screen);
    root.append(phone);
    thread.scrollTop = thread.scrollHeight;
  }
}
async function poll() {
  try {
    const response = await fetch("/_sandbox/messages", {cache: "no-store"});
    const text = await response.text();
    if (text !== last) { last = text; render(JSON.parse(text)); }
  } catch (error) {
    document.getElementById("meta").textContent = "sandbox unreachable: " + error;
  }
}
document.getElementById("clear").addEventListener("click", async () => {
  await fetch("/_sandbox/messages", {method: "DELETE"});
  poll();
});
poll();
setInterval(poll, 1000);
</script>
</body>
</html>
"""
