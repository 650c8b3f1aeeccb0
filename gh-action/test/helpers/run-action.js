// Runs the bundled action (dist/index.js) the way the runner does: inputs as INPUT_* variables,
// GITHUB_ENV / GITHUB_OUTPUT file commands, RUNNER_TEMP, stdout workflow commands.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ACTION_DIR = join(dirname(fileURLToPath(import.meta.url)), "../..");

export async function runAction(inputs, env = {}) {
  const work = mkdtempSync(join(tmpdir(), "keyway-runner-"));
  const files = { GITHUB_ENV: join(work, "env"), GITHUB_OUTPUT: join(work, "output") };
  for (const f of Object.values(files)) writeFileSync(f, "");
  const inputEnv = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, "_").toUpperCase()}`, v]));
  const childEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...files,
    RUNNER_TEMP: work,
    GITHUB_ACTIONS: "true",
    ...inputEnv,
    ...env,
  };
  const child = spawn(process.execPath, [join(ACTION_DIR, "dist/index.js")], { env: childEnv, cwd: work });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const code = await new Promise((resolve) => child.on("close", resolve));
  return {
    code,
    stdout,
    stderr,
    work,
    masks: stdout.split("\n").filter((l) => l.startsWith("::add-mask::")).map((l) => l.slice("::add-mask::".length)),
    errors: stdout.split("\n").filter((l) => l.startsWith("::error::")).map((l) => decode(l.slice("::error::".length))),
    env: parseFileCommands(readFileSync(files.GITHUB_ENV, "utf8")),
    outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, "utf8")),
  };
}

/** Parses `name<<DELIM\nvalue\nDELIM\n` entries, the format @actions/core writes. */
export function parseFileCommands(text) {
  const out = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]);
    if (!m) continue;
    const value = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]);
    out[m[1]] = value.join("\n");
  }
  return out;
}

function decode(s) {
  return s.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
}
