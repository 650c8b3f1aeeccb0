// Validates action.yml with GitHub's own parser (the one behind the Actions language service).
// The parser imports its JSON schema without import attributes, which node 20 refuses, so
// tools/validate-action.js bundles this file with ncc before running it.
import { parseAction } from "@actions/workflow-parser/actions/action-parser";
import { NoOperationTraceWriter } from "@actions/workflow-parser/templates/trace-writer";
import { readFileSync } from "node:fs";

const path = process.argv[2];
const result = parseAction({ name: path, content: readFileSync(path, "utf8") }, new NoOperationTraceWriter());
const errors = result.context.errors.getErrors();
for (const error of errors) console.error(`${path}: ${error.message}`);
if (errors.length > 0 || !result.value) process.exit(1);
console.log(`${path}: valid action metadata`);
