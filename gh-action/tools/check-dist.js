// Fails when dist/ is not what `npm run build` makes from src/ now: the runner executes dist/,
// never src/, so a stale bundle would ship old code.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const fresh = mkdtempSync(join(tmpdir(), "keyway-dist-"));
try {
  execFileSync(process.execPath, [join(root, "node_modules/@vercel/ncc/dist/ncc/cli.js"), "build", "src/index.js", "-o", fresh, "--license", "licenses.txt", "-q"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const committed = join(root, "dist");
  const names = new Set([...readdirSync(fresh), ...safeList(committed)]);
  const stale = [...names].filter((name) => !same(join(fresh, name), join(committed, name)));
  if (stale.length > 0) {
    console.error(`dist/ is out of date with src/ (${stale.join(", ")} differ): run \`npm run build\` in gh-action/ and commit dist/`);
    process.exit(1);
  }
  console.log(`dist/ is up to date (${names.size} files)`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}

function safeList(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function same(a, b) {
  try {
    return readFileSync(a).equals(readFileSync(b));
  } catch {
    return false;
  }
}
