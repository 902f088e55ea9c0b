// Runs Logto's own MAS connector (@logto/connector-aliyun-sms-mas, from npm) on a list of cases
// against a sandbox, and prints what each send returned or threw, as JSON:
//
//   node tests/js/logto_mas.mjs <sandbox-url> <cases.json>
//
// cases.json: [{"name", "data": SendMessageData, "config": the MAS config}]. Logto's connector
// posts to https://dypnsapi.aliyuncs.com/; here that host is routed to the sandbox (plain HTTP
// on loopback), everything else of the request is Logto's: the RPC v1 signature, the form body.
// Output: [{"name", "ok": true, "result"} | {"name", "ok": false, "error": {"code", "data"}}].
//
//   node tests/js/logto_mas.mjs --guard <cases.json>
//
// Judges each case's config with Logto's own config guard (zod): [{"name", "valid"}].
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import createConnector from "@logto/connector-aliyun-sms-mas";

const [sandboxUrl, casesPath] = process.argv.slice(2);
if (!sandboxUrl || !casesPath) {
  console.error("usage: node logto_mas.mjs <sandbox-url> <cases.json> | --guard <cases.json>");
  process.exit(64);
}
if (sandboxUrl === "--guard") {
  const { configGuard } = await createConnector({ getConfig: async () => ({}) });
  const cases = JSON.parse(readFileSync(casesPath, "utf8"));
  const verdicts = cases.map(({ name, config }) => ({
    name,
    valid: configGuard.safeParse(config).success,
  }));
  process.stdout.write(JSON.stringify(verdicts, null, 1) + "\n");
  process.exit(0);
}
const sandbox = new URL(sandboxUrl);
const httpsRequest = https.request;
// got looks https.request up on every request (it says so, for nock's sake): route Aliyun's host.
https.request = (url, options, callback) => {
  const target = url instanceof URL ? url : new URL(String(url));
  if (target.hostname !== "dypnsapi.aliyuncs.com") {
    return httpsRequest(url, options, callback);
  }
  const routed = new URL(target.pathname + target.search, sandbox);
  const { agent: _agent, ...rest } = options ?? {};
  return http.request(
    routed,
    { ...rest, protocol: "http:", hostname: routed.hostname, port: routed.port, host: undefined,
      servername: undefined, headers: { ...rest.headers, host: routed.host } },
    callback,
  );
};

const plain = (value) => {
  try {
    return JSON.parse(JSON.stringify(value ?? null));
  } catch {
    return String(value);
  }
};

const cases = JSON.parse(readFileSync(casesPath, "utf8"));
const out = [];
for (const { name, data, config } of cases) {
  const connector = await createConnector({ getConfig: async () => config });
  try {
    const result = await connector.sendMessage(data, config);
    out.push({ name, ok: true, result: plain(result) });
  } catch (error) {
    const code = error?.code ?? "thrown";
    const detail = error?.data instanceof Error ? { message: error.data.message } : error?.data;
    out.push({ name, ok: false, error: { code, data: plain(detail), message: String(error?.message ?? error) } });
  }
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
