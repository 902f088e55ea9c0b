// The console page: renders the form from the connector's metadata, checks it as the admin types,
// test-sends and saves through the console's JSON routes. Text goes into the page with
// textContent only, never as markup.
"use strict";

const boot = JSON.parse(document.getElementById("boot").textContent);
let form = { lang: boot.lang, metadata: boot.metadata, ui: boot.ui };
const raw = {}; // the inputs' current values, kept across a change of language
let checkTimer = null;
let checkSeq = 0;
let lastReport = null;

const $ = (id) => document.getElementById(id);
function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}
function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
}

function startValue(item) {
  const has = Object.prototype.hasOwnProperty.call(boot.values, item.key);
  const value = has ? boot.values[item.key] : item.defaultValue;
  if (item.type === "Switch") return Boolean(value);
  if (value === undefined || value === null) return "";
  if (item.type === "Json") return JSON.stringify(value, null, 2);
  return String(value);
}

function renderChrome() {
  const ui = form.ui;
  document.documentElement.lang = form.lang;
  document.title = ui.title;
  $("title").textContent = ui.title;
  $("language-label").textContent = ui.language;
  $("intro").textContent = ui.intro;
  $("file").textContent = fill(ui.configFile, { path: boot.configPath }) +
    (boot.exists ? "" : " " + ui.newFile);
  const banner = $("sandbox");
  banner.hidden = !boot.sandbox;
  if (boot.sandbox) {
    banner.replaceChildren(ui.sandbox,
      el("a", { href: boot.sandbox.outbox, target: "_blank", rel: "noopener" }, ui.outbox));
  }
  $("load-error").hidden = !boot.loadError;
  if (boot.loadError) $("load-error").textContent = fill(ui.loadFailed, { reason: boot.loadError });
  $("save").textContent = ui.save;
  $("test-heading").textContent = ui.testHeading;
  $("test-intro").textContent = ui.testIntro;
  $("phone-label").textContent = ui.phone;
  $("phone").placeholder = ui.phonePlaceholder;
  $("send").textContent = ui.send;
  const select = $("language");
  select.replaceChildren(...boot.languages.map((l) => el("option", { value: l.tag }, l.name)));
  select.value = form.lang;
}

function renderField(item) {
  const box = el("div", { class: "field", "data-key": item.key });
  const id = "f-" + item.key;
  const label = el("label", { class: "name", for: id }, item.label);
  if (item.required) label.append(el("span", { class: "req" }, form.ui.required));
  if (item.tooltip) label.append(el("span", { class: "tip", title: item.tooltip }, "i"));
  box.append(label);
  let input;
  if (item.type === "Switch") {
    input = el("input", { type: "checkbox", id });
    input.checked = raw[item.key];
  } else if (item.type === "Json" || item.type === "MultilineText") {
    input = el("textarea", { id, spellcheck: "false", rows: "4" });
    if (item.key !== "templates") input.className = "short";
    input.value = raw[item.key];
  } else {
    const type = item.isConfidential ? "password" : item.type === "Number" ? "number" : "text";
    input = el("input", { type, id, autocomplete: "off", spellcheck: "false" });
    input.value = raw[item.key];
  }
  if (item.placeholder && input.type !== "checkbox") input.placeholder = item.placeholder;
  input.addEventListener("input", () => {
    raw[item.key] = input.type === "checkbox" ? input.checked : input.value;
    scheduleCheck();
  });
  input.addEventListener("change", () => {
    raw[item.key] = input.type === "checkbox" ? input.checked : input.value;
    scheduleCheck();
  });
  if (item.isConfidential) {
    input.addEventListener("focus", () => { if (input.value === boot.mask) input.select(); });
  }
  box.append(input);
  if (item.description) box.append(el("p", { class: "help" }, item.description));
  if (item.isConfidential && raw[item.key] === boot.mask) {
    box.append(el("p", { class: "help kept" }, form.ui.secretKept));
  }
  box.append(el("ul", { class: "problems", "data-for": item.key }));
  return box;
}

function renderForm() {
  $("form").replaceChildren(...form.metadata.formItems.map(renderField));
  if (lastReport) showReport(lastReport, localErrors());
}

function collect() {
  const config = {};
  const local = {};
  for (const item of form.metadata.formItems) {
    const value = raw[item.key];
    if (item.type === "Switch") config[item.key] = Boolean(value);
    else if (item.type === "Number") config[item.key] = value === "" ? null : Number(value);
    else if (item.type === "Json") {
      if (value.trim() === "") { if (!item.required) config[item.key] = null; continue; }
      try { config[item.key] = JSON.parse(value); } catch (error) {
        local[item.key] = fill(form.ui.invalidJson, { detail: error.message });
      }
    } else if (value !== "" || item.required) config[item.key] = value;
  }
  return { config, local };
}
function localErrors() { return collect().local; }

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Console-Token": boot.token },
    body: JSON.stringify(body),
  });
  let data = null;
  try { data = await response.json(); } catch (error) { data = null; }
  if (!data || (response.status !== 200 && response.status !== 422)) {
    throw new Error(fill(form.ui.requestFailed, { status: response.status }));
  }
  return data;
}

function showReport(report, local) {
  lastReport = report;
  const lists = {};
  for (const ul of document.querySelectorAll("ul.problems[data-for]")) {
    ul.replaceChildren();
    lists[ul.dataset.for] = ul;
    ul.parentElement.classList.remove("has-error", "has-warning");
  }
  $("general").replaceChildren();
  const add = (problem, kind, here) => {
    if (!here && kind === "error" && local[problem.key]) return; // the JSON error says it first
    const ul = lists[problem.key] || $("general");
    const li = el("li", { class: kind }, problem.message);
    ul.append(li);
    if (ul.parentElement.classList.contains("field")) ul.parentElement.classList.add("has-" + kind);
  };
  for (const [key, message] of Object.entries(local)) add({ key, message }, "error", true);
  report.errors.forEach((p) => add(p, "error"));
  report.warnings.forEach((p) => add(p, "warning"));
  const status = $("status");
  const bad = report.errors.length || Object.keys(local).length;
  status.className = "status " + (bad ? "bad" : report.warnings.length ? "warn" : "ok");
  status.textContent = bad ? form.ui.invalid
    : report.warnings.length ? form.ui.validWithWarnings : form.ui.valid;
}

function scheduleCheck() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(check, 250);
}
async function check() {
  const { config, local } = collect();
  const seq = ++checkSeq;
  try {
    const report = await post("/api/check", { config, lang: form.lang });
    if (seq === checkSeq) showReport(report, local);
  } catch (error) {
    $("status").className = "status bad";
    $("status").textContent = error.message;
  }
}

async function save() {
  const out = $("save-result");
  const { config, local } = collect();
  out.className = "";
  out.textContent = "";
  if (Object.keys(local).length) { out.className = "bad"; out.textContent = form.ui.fixFirst; return; }
  try {
    const answer = await post("/api/save", { config, lang: form.lang });
    if (answer.report) showReport(answer.report, local);
    if (answer.ok) {
      boot.exists = true;
      for (const item of form.metadata.formItems) {
        // the page keeps no secret once it is saved: the field shows the mask again
        if (item.isConfidential && raw[item.key] !== "") raw[item.key] = boot.mask;
      }
      renderForm();
      out.className = "ok";
      out.textContent = fill(form.ui.saved, { path: answer.path });
      renderChrome();
    } else {
      out.className = "bad";
      out.textContent = answer.error ? answer.error.message : form.ui.fixFirst;
    }
  } catch (error) { out.className = "bad"; out.textContent = error.message; }
}

async function send() {
  const out = $("send-result");
  const button = $("send");
  const { config, local } = collect();
  out.className = "result";
  out.textContent = form.ui.sending;
  if (Object.keys(local).length) { out.className = "result bad"; out.textContent = form.ui.fixFirst; return; }
  button.disabled = true;
  try {
    const answer = await post("/api/send", { config, phone: $("phone").value, lang: form.lang });
    if (answer.report) showReport(answer.report, local);
    if (answer.ok) {
      out.className = "result ok";
      out.textContent = fill(form.ui.sent, {
        requestId: answer.result.RequestId, bizId: answer.result.BizId || "-" });
      if (answer.result.BizId) followDelivery(config, $("phone").value, answer.result.BizId, out);
    } else if (answer.error) {
      out.className = "result bad";
      out.replaceChildren(el("div", {}, form.ui.notSent + ": " + answer.error.message));
      for (const line of answer.error.details || []) out.append(el("div", {}, line));
      if (answer.error.hint) out.append(el("div", { class: "hint" }, form.ui.hint + ": " + answer.error.hint));
    } else {
      out.className = "result bad";
      out.textContent = form.ui.fixFirst;
    }
  } catch (error) {
    out.className = "result bad";
    out.textContent = error.message;
  } finally { button.disabled = false; }
}

// The test message's delivery status: QuerySendDetails every 2 s, for a minute at most.
async function followDelivery(config, phone, bizId, out) {
  const line = el("div", { id: "delivery-status", class: "delivery" }, form.ui.deliveryWaiting);
  out.append(line);
  for (let attempt = 0; attempt < 30; attempt += 1) {
    let answer = null;
    try { answer = await post("/api/delivery", { config, phone, bizId, lang: form.lang }); }
    catch (error) { line.textContent = error.message; return; }
    if (!answer.ok) { line.textContent = answer.error ? answer.error.message : form.ui.deliveryUnknown; return; }
    if (answer.status === "delivered") {
      line.className = "delivery ok";
      line.textContent = fill(form.ui.delivered, { time: answer.reportedAt || "" });
      return;
    }
    if (answer.status === "failed") {
      line.className = "delivery bad";
      line.textContent = fill(form.ui.notDelivered, { code: answer.errorCode || "?" })
        + (answer.meaning ? " " + answer.meaning : "");
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  line.textContent = form.ui.deliveryUnknown;
}

async function switchLanguage(lang) {
  const response = await fetch("/api/form?lang=" + encodeURIComponent(lang));
  form = await response.json();
  const url = new URL(window.location.href);
  url.searchParams.set("lang", form.lang);
  window.history.replaceState(null, "", url);
  renderChrome();
  renderForm();
  check(); // the warnings, now in this language
}

for (const item of form.metadata.formItems) raw[item.key] = startValue(item);
renderChrome();
renderForm();
$("language").addEventListener("change", (event) => switchLanguage(event.target.value));
$("save").addEventListener("click", save);
$("send").addEventListener("click", send);
$("phone").addEventListener("keydown", (event) => { if (event.key === "Enter") send(); });
check();
