// Loads Logto's own HTTP SMS connector (npm @logto/connector-http-sms) and calls its sendMessage
// once, as Logto does, then prints the outcome as JSON:
//   {"ok": true, "status": 200, "body": ...} or {"ok": false, "code": ..., "data": ...}
//
//   node tests/js/logto_http_sms.mjs '<config JSON>' '<SendMessageData JSON>'
import createConnector from "@logto/connector-http-sms";

const [configText, dataText] = process.argv.slice(2);
if (!configText || !dataText) {
  console.error("usage: node logto_http_sms.mjs <config JSON> <data JSON>");
  process.exit(64);
}
const config = JSON.parse(configText);
const connector = await createConnector({ getConfig: async () => config });
try {
  const response = await connector.sendMessage(JSON.parse(dataText));
  console.log(JSON.stringify({ ok: true, status: response.statusCode, body: JSON.parse(response.body) }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, code: error.code, data: error.data ?? null, message: error.message }));
}
