// The component's job embeds scripts/keyway-exchange verbatim (a catalog component must be
// self-contained: the job runs in the consumer's project, where this repository's files are not).
// `node tools/sync-script.mjs` rewrites the embedded copy; `--check` fails when it is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const templatePath = join(here, "../templates/keyway.yml");
const script = readFileSync(join(here, "../../scripts/keyway-exchange"), "utf8");
const BEGIN = "cat > \"$keyway\" <<'KEYWAY_EXCHANGE_EOF'";
const END = "KEYWAY_EXCHANGE_EOF";

export function embed(template, source) {
  const lines = template.split("\n");
  const start = lines.findIndex((l) => l.trim() === BEGIN);
  const end = lines.findIndex((l, i) => i > start && l.trim() === END);
  if (start < 0 || end < 0) throw new Error(`templates/keyway.yml has no ${BEGIN} … ${END} block`);
  const indent = lines[start].match(/^ */)[0];
  if (source.includes("$[[")) throw new Error("the script must not contain $[[ (GitLab would interpolate it)");
  const body = source.replace(/\n$/, "").split("\n").map((l) => (l === "" ? "" : indent + l));
  return [...lines.slice(0, start + 1), ...body, ...lines.slice(end)].join("\n");
}

export function extract(template) {
  const lines = template.split("\n");
  const start = lines.findIndex((l) => l.trim() === BEGIN);
  const end = lines.findIndex((l, i) => i > start && l.trim() === END);
  const indent = lines[start].match(/^ */)[0].length;
  return `${lines.slice(start + 1, end).map((l) => l.slice(indent)).join("\n")}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const template = readFileSync(templatePath, "utf8");
  const updated = embed(template, script);
  if (process.argv.includes("--check")) {
    if (updated !== template) {
      console.error("templates/keyway.yml embeds a stale copy of scripts/keyway-exchange: run node gitlab-component/tools/sync-script.mjs");
      process.exit(1);
    }
    console.log("templates/keyway.yml embeds the current scripts/keyway-exchange");
  } else {
    writeFileSync(templatePath, updated);
    console.log("templates/keyway.yml updated");
  }
}
