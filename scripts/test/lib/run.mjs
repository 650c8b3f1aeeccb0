// Runs a shell script asynchronously (the fake broker lives in this process, so a synchronous
// child would deadlock it) and collects its exit code and output.
import { spawn } from "node:child_process";

export function run(command, args, { env = {}, input, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}
