// `node tools/validate-action.js [FILE]` (default action.yml) or `… --workflow FILE…`: bundles
// tools/action-checker.js with ncc (cached by content in the system temp dir) and runs it.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
if (args.length === 0) args.push(join(root, "action.yml"));
const key = createHash("sha256")
  .update(readFileSync(join(root, "tools/action-checker.js")))
  .update(readFileSync(join(root, "package-lock.json")))
  .digest("hex")
  .slice(0, 16);
const out = join(tmpdir(), `keyway-action-checker-${key}`);
if (!existsSync(join(out, "index.js"))) {
  const partial = `${out}.${process.pid}`;
  execFileSync(process.execPath, [join(root, "node_modules/@vercel/ncc/dist/ncc/cli.js"), "build", "tools/action-checker.js", "-o", partial, "-q"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    renameSync(partial, out); // atomic: a concurrent run sees either nothing or a whole bundle
  } catch {
    rmSync(partial, { recursive: true, force: true }); // another run got there first
  }
}
const run = spawnSync(process.execPath, [join(out, "index.js"), ...args.map((a) => (a.startsWith("--") ? a : resolve(a)))], { stdio: "inherit" });
process.exit(run.status ?? 1);
