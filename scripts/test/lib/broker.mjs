// The real broker for end-to-end tests of the clients: the packaged jar in demo mode, on a free
// loopback port, in a throwaway working directory (where it writes ./.keyway/ and the dev issuer
// key). `.ci/clients` starts one and shares it through KEYWAY_E2E_URL / KEYWAY_E2E_DIR; a test run
// on its own starts its own.
import { execFile, spawn } from "node:child_process";
import { createPrivateKey, randomUUID, sign } from "node:crypto";
import { existsSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const JAR = process.env.KEYWAY_JAR ?? join(REPO, "broker/target/keyway-broker.jar");

/** Claims the demo policy's `demo-deploy` binding allows (examples/demo/keyway-demo.yaml). */
export const DEPLOY_CLAIMS = {
  repository: "acme/demo",
  repository_id: "1001",
  repository_owner_id: "501",
  ref: "refs/heads/main",
  run_id: "42",
};

/** Claims the `demo-preview` binding allows: any branch, an environment named preview-*. */
export const PREVIEW_CLAIMS = {
  repository: "acme/demo",
  repository_id: "1001",
  repository_owner_id: "501",
  ref: "refs/heads/feature/login",
  environment: "preview-login",
  run_id: "43",
};

export async function startBroker({ timeoutMs = 120_000 } = {}) {
  if (process.env.KEYWAY_E2E_URL && process.env.KEYWAY_E2E_DIR) {
    return handle(process.env.KEYWAY_E2E_URL, process.env.KEYWAY_E2E_DIR, async () => {});
  }
  if (!existsSync(JAR)) {
    throw new Error(`${JAR} is missing: build it first with ./mvnw -B -q -DskipTests package`);
  }
  const dir = mkdtempSync(join(tmpdir(), "keyway-e2e-"));
  const port = await freePort();
  const log = openSync(join(dir, "broker.log"), "a");
  const child = spawn("java", ["-jar", JAR], {
    cwd: dir,
    env: { ...demoEnv(), MICRONAUT_SERVER_PORT: String(port) },
    stdio: ["ignore", log, log],
  });
  let exited = null;
  child.on("exit", (code) => (exited = code));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== null) throw new Error(`the broker exited with ${exited}:\n${readFileSync(join(dir, "broker.log"), "utf8").slice(-3000)}`);
    if (await ready(url)) break;
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`the broker was not ready within ${timeoutMs} ms:\n${readFileSync(join(dir, "broker.log"), "utf8").slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return handle(url, dir, async () => {
    child.kill("SIGTERM");
    await new Promise((r) => (exited !== null ? r() : child.on("exit", r)));
  });
}

function handle(url, dir, stop) {
  return {
    url,
    dir,
    stop,
    /** A dev-issuer token from the jar's own `dev-token` command, by default for this broker's audience. */
    mintWithJar: (claims, { audience = url, ttl } = {}) => devToken(dir, claims, audience, ttl),
    /**
     * The same token as `dev-token` makes (same key, header and default claims), signed here: a JVM
     * start per token would dominate the run time of these tests.
     */
    mint: (claims, { audience = url, ttlSeconds = 300 } = {}) => signDevToken(dir, claims, audience, ttlSeconds),
  };
}

/** Demo mode needs no KEYWAY_* variable and no config file in the environment. */
export function demoEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("KEYWAY_") && k !== "MICRONAUT_CONFIG_FILES" && !k.startsWith("MICRONAUT_")) env[k] = v;
  }
  return env;
}

export function devToken(dir, claims, audience, ttl) {
  const args = ["-jar", JAR, "dev-token", "--audience", audience, "--claims", JSON.stringify(claims)];
  if (ttl) args.push("--ttl", ttl);
  return new Promise((resolvePromise, reject) => {
    execFile("java", args, { cwd: dir, env: demoEnv() }, (error, stdout, stderr) => {
      if (error) reject(new Error(`dev-token failed: ${stderr || error.message}`));
      else resolvePromise(stdout.trim());
    });
  });
}

export function signDevToken(dir, claims, audience, ttlSeconds = 300) {
  const jwk = JSON.parse(readFileSync(join(dir, ".keyway/dev-issuer.jwk"), "utf8"));
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: "https://dev.keyway.invalid",
    aud: audience,
    iat: now,
    nbf: now,
    exp: now + ttlSeconds,
    jti: randomUUID(),
    ...(claims.repository && claims.ref ? { sub: `repo:${claims.repository}:ref:${claims.ref}` } : {}),
    ...claims,
  };
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${b64({ kid: jwk.kid, typ: "JWT", alg: "ES256" })}.${b64(payload)}`;
  const key = createPrivateKey({ key: jwk, format: "jwk" });
  return `${input}.${sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
}

async function ready(url) {
  try {
    const response = await fetch(`${url}/health/readiness`, { signal: AbortSignal.timeout(2000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

/** Decodes a JWT's payload without verifying it (tests check what the broker minted). */
export function jwtPayload(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}
