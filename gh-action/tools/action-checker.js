// Validates GitHub Actions files with GitHub's own parser (the one behind the Actions language
// service): `action.yml` metadata by default, workflow files with --workflow. The parser imports
// its JSON schemas without import attributes, which node 20 refuses, so tools/validate-action.js
// bundles this file with ncc before running it.
import { parseAction } from "@actions/workflow-parser/actions/action-parser";
import { NoOperationTraceWriter } from "@actions/workflow-parser/templates/trace-writer";
import { parseWorkflow } from "@actions/workflow-parser/workflows/workflow-parser";
import { readFileSync } from "node:fs";

const workflow = process.argv[2] === "--workflow";
const paths = process.argv.slice(workflow ? 3 : 2);
let failed = false;
for (const path of paths) {
  const file = { name: path, content: readFileSync(path, "utf8") };
  const result = (workflow ? parseWorkflow : parseAction)(file, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors();
  for (const error of errors) console.error(`${path}: ${error.message}`);
  if (errors.length > 0 || !result.value) failed = true;
  else console.log(`${path}: valid ${workflow ? "workflow" : "action metadata"}`);
}
process.exit(failed ? 1 : 0);
