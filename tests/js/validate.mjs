// Validates each case of a cases file against the config schema with Ajv (draft 2020-12) and prints
// the verdicts as JSON: [{"name": ..., "valid": true|false, "errors": [...]}].
//
//   node tests/js/validate.mjs <schema.json> <cases.json>
//
// The schema is compiled in Ajv's strict mode; any strict-mode warning is an error (exit 2), so the
// schema stays portable to admin tools written in JavaScript.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";

const [schemaPath, casesPath] = process.argv.slice(2);
if (!schemaPath || !casesPath) {
  console.error("usage: node validate.mjs <schema.json> <cases.json>");
  process.exit(64);
}

const warnings = [];
const logger = {
  log: () => {},
  warn: (...args) => warnings.push(args.join(" ")),
  error: (...args) => warnings.push(args.join(" ")),
};
const ajv = new Ajv2020({ strict: true, allErrors: true, logger });
const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
const validate = ajv.compile(schema);
if (warnings.length > 0) {
  console.error("schema compiled with warnings:\n" + warnings.join("\n"));
  process.exit(2);
}

const cases = JSON.parse(readFileSync(casesPath, "utf8"));
const verdicts = cases.map(({ name, config }) => {
  const valid = validate(config);
  const errors = valid ? [] : validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}`);
  return { name, valid, errors };
});
process.stdout.write(JSON.stringify(verdicts, null, 1) + "\n");
