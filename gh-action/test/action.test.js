// The bundled action (dist/index.js) as the runner runs it, against a fake broker and a fake
// GitHub token endpoint: inputs, exports, outputs, masks, files and failures.
import { execFileSync } from "node:child_process";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fakeBroker, granted, problem } from "./helpers/fake-broker.js";
import { runAction } from "./helpers/run-action.js";
import { fakeRuntime } from "./helpers/runtime.js";

const JOB_TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJqb2IiOiJ0b2tlbiJ9.c2lnbmF0dXJl";
let broker;
let runtime;
const ca = mkdtempSync(join(tmpdir(), "keyway-fake-ca-"));

beforeAll(async () => {
  broker = await fakeBroker();
  runtime = await fakeRuntime(async () => JOB_TOKEN);
  // A test X.509 CA and SSH CA for the fake broker to sign with, as the real one will.
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(ca, "ca.key"), "-out", join(ca, "ca.pem"), "-days", "1", "-subj", "/CN=test keyway CA"], { stdio: "ignore" });
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "test-ssh-ca", "-f", join(ca, "ssh_ca")], { stdio: "ignore" });
});
afterAll(async () => {
  await broker.close();
  await runtime.close();
});
beforeEach(() => {
  broker.requests.length = 0;
  runtime.audiences.length = 0;
});

const run = (inputs, env = {}) => runAction({ url: broker.url, binding: "deploy", ...inputs }, { ...runtime.env, ...env });

describe("the action against a fake broker", () => {
  it("jwt: exports KEYWAY_TOKEN, sets outputs, masks the job token and the credential", async () => {
    broker.reply(granted("jwt", { token: "eyJ.minted.jwt" }));
    const r = await run({ ttl: "10m" });
    expect(r.code).toBe(0);
    expect(runtime.audiences).toEqual([broker.url]);
    expect(broker.requests[0].json).toEqual({ binding: "deploy", ttl: "10m", token: JOB_TOKEN });
    expect(r.env).toMatchObject({ KEYWAY_TOKEN: "eyJ.minted.jwt", KEYWAY_EXPIRES_AT: "2030-01-01T00:15:00Z" });
    expect(r.outputs).toMatchObject({ token: "eyJ.minted.jwt", type: "jwt", binding: "deploy", "expires-at": "2030-01-01T00:15:00Z", "request-id": "req-ok-1" });
    expect(r.masks).toEqual(expect.arrayContaining([JOB_TOKEN, "eyJ.minted.jwt"]));
    expect(r.stdout).toContain("Keyway: binding 'deploy' granted jwt credentials until 2030-01-01T00:15:00Z (request req-ok-1); exported KEYWAY_EXPIRES_AT, KEYWAY_TOKEN");
  });

  it("audience input wins over the url, and a trailing slash on url is dropped", async () => {
    broker.reply(granted("jwt", { token: "t" }));
    const r = await run({ url: `${broker.url}/`, audience: "https://keyway.example.com" });
    expect(r.code).toBe(0);
    expect(runtime.audiences).toEqual(["https://keyway.example.com"]);
    expect(broker.requests[0].url).toBe("/v1/exchange");
  });

  it("aws: the configure-aws-credentials variables, all three secrets masked before the summary", async () => {
    broker.reply(granted("aws", { accessKeyId: "ASIAKEYWAYTEST", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCY", sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE", expiration: "2030-01-01T00:15:00Z", assumedRoleArn: "arn:aws:sts::123456789012:assumed-role/deploy/keyway" }));
    const r = await run({ "aws-region": "eu-central-1", "grant-type": "aws" });
    expect(r.code).toBe(0);
    expect(r.env).toMatchObject({ AWS_ACCESS_KEY_ID: "ASIAKEYWAYTEST", AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCY", AWS_SESSION_TOKEN: "IQoJb3JpZ2luX2VjEXAMPLE", AWS_REGION: "eu-central-1", AWS_DEFAULT_REGION: "eu-central-1" });
    expect(r.outputs["aws-assumed-role-arn"]).toBe("arn:aws:sts::123456789012:assumed-role/deploy/keyway");
    const lines = r.stdout.split("\n");
    const lastMask = Math.max(...["ASIAKEYWAYTEST", "wJalrXUtnFEMI/K7MDENG+bPxRfiCY", "IQoJb3JpZ2luX2VjEXAMPLE"].map((s) => lines.indexOf(`::add-mask::${s}`)));
    expect(lastMask).toBeGreaterThan(-1);
    expect(lines.findIndex((l) => l.startsWith("Keyway: binding"))).toBeGreaterThan(lastMask);
    expect(r.stdout.replace(/::add-mask::.*\n/g, "")).not.toContain("wJalrXUtnFEMI");
  });

  it("gcp: token variables and an owner-only token file", async () => {
    broker.reply(granted("gcp", { accessToken: "ya29.keyway-test", tokenType: "Bearer" }));
    const r = await run({});
    expect(r.code).toBe(0);
    expect(r.env.CLOUDSDK_AUTH_ACCESS_TOKEN).toBe("ya29.keyway-test");
    expect(readFileSync(r.env.CLOUDSDK_AUTH_ACCESS_TOKEN_FILE, "utf8")).toBe("ya29.keyway-test");
    expect(statSync(r.env.CLOUDSDK_AUTH_ACCESS_TOKEN_FILE).mode & 0o777).toBe(0o600);
    expect(r.masks).toContain("ya29.keyway-test");
  });

  it("azure: AZURE_ACCESS_TOKEN and the tenant and client outputs", async () => {
    broker.reply(granted("azure", { accessToken: "eyJ0eXAiazure", tokenType: "Bearer", tenantId: "tenant-1", clientId: "client-1" }));
    const r = await run({});
    expect(r.code).toBe(0);
    expect(r.env.AZURE_ACCESS_TOKEN).toBe("eyJ0eXAiazure");
    expect(r.outputs).toMatchObject({ "azure-tenant-id": "tenant-1", "azure-client-id": "client-1" });
    expect(r.masks).toContain("eyJ0eXAiazure");
    expect(r.masks).not.toContain("tenant-1");
  });

  it("jwt as a kubeconfig that kubectl reads", async () => {
    broker.reply(granted("jwt", { token: "eyJkube.token.x" }));
    const r = await run({ export: "kubeconfig", "kubernetes-server": "https://k8s.example.com:6443", "kubernetes-namespace": "previews" });
    expect(r.code).toBe(0);
    expect(r.env.KEYWAY_TOKEN).toBeUndefined();
    const view = (path) => execFileSync("kubectl", ["--kubeconfig", r.env.KUBECONFIG, "config", "view", "--raw", "--minify", "-o", `jsonpath=${path}`], { encoding: "utf8" });
    expect(view("{.users[0].user.token}")).toBe("eyJkube.token.x");
    expect(view("{.clusters[0].cluster.server}")).toBe("https://k8s.example.com:6443");
    expect(view("{.contexts[0].context.namespace}")).toBe("previews");
    expect(statSync(r.env.KUBECONFIG).mode & 0o777).toBe(0o600);
  });

  it("x509: sends only a CSR; the key stays on the runner; openssl verifies the issued chain", async () => {
    broker.reply((req) => {
      const csr = join(ca, `req-${Date.now()}.pem`);
      writeFileSync(csr, req.json.csr);
      writeFileSync(join(ca, "ext.cnf"), "subjectAltName=URI:spiffe://keyway.test/gh/acme/demo\nextendedKeyUsage=clientAuth\n");
      const cert = execFileSync("openssl", ["x509", "-req", "-in", csr, "-CA", join(ca, "ca.pem"), "-CAkey", join(ca, "ca.key"), "-CAcreateserial", "-days", "1", "-extfile", join(ca, "ext.cnf")], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      return granted("x509", { certificate: cert, chain: [], trustBundle: readFileSync(join(ca, "ca.pem"), "utf8"), spiffeId: "spiffe://keyway.test/gh/acme/demo" });
    });
    const r = await run({ "grant-type": "x509" });
    expect(r.code).toBe(0);
    const sent = broker.requests[0].json;
    expect(sent.csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    expect(JSON.stringify(sent)).not.toMatch(/PRIVATE KEY/);
    const { KEYWAY_KEY_FILE: key, KEYWAY_CERT_FILE: cert, KEYWAY_CA_FILE: caFile, KEYWAY_CHAIN_FILE: chain } = r.env;
    expect(execFileSync("openssl", ["verify", "-CAfile", caFile, cert], { encoding: "utf8" })).toContain(": OK");
    const certKey = execFileSync("openssl", ["x509", "-in", cert, "-pubkey", "-noout"], { encoding: "utf8" }).trim();
    expect(certKey).toBe(createPublicKey(createPrivateKey(readFileSync(key))).export({ type: "spki", format: "pem" }).trim());
    for (const f of [key, cert, caFile, chain]) expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(r.outputs["spiffe-id"]).toBe("spiffe://keyway.test/gh/acme/demo");
    const keyBody = readFileSync(key, "utf8").split("\n").filter((l) => l && !l.startsWith("-----"));
    expect(r.masks).toEqual(expect.arrayContaining(keyBody));
  });

  it("ssh: sends only the public key; ssh-keygen reads the key and the certificate next to it", async () => {
    broker.reply((req) => {
      const pub = join(ca, `job-${Date.now()}.pub`);
      writeFileSync(pub, req.json.publicKey);
      execFileSync("ssh-keygen", ["-q", "-s", join(ca, "ssh_ca"), "-I", "keyway-deploy-42", "-n", "deploy,ci", "-V", "+10m", pub], { stdio: "ignore" });
      const certificate = readFileSync(pub.replace(/\.pub$/, "-cert.pub"), "utf8");
      return granted("ssh", { certificate, principals: ["deploy", "ci"], keyId: "keyway-deploy-42", serial: "0" });
    });
    const r = await run({ "grant-type": "ssh" });
    expect(r.code).toBe(0);
    expect(broker.requests[0].json.publicKey).toMatch(/^ssh-ed25519 AAAA/);
    const key = r.env.KEYWAY_SSH_KEY_FILE;
    expect(r.env.KEYWAY_SSH_CERT_FILE).toBe(`${key}-cert.pub`);
    const listing = execFileSync("ssh-keygen", ["-L", "-f", r.env.KEYWAY_SSH_CERT_FILE], { encoding: "utf8" });
    expect(listing).toContain('Key ID: "keyway-deploy-42"');
    expect(listing).toMatch(/Principals:\s+deploy\s+ci/);
    expect(execFileSync("ssh-keygen", ["-y", "-f", key], { encoding: "utf8" }).split(" ")[1]).toBe(broker.requests[0].json.publicKey.split(" ")[1]);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(r.outputs).toMatchObject({ "ssh-principals": "deploy,ci", "ssh-key-id": "keyway-deploy-42" });
  });

  it("format env: the broker's dotenv lines exported as they are, values masked", async () => {
    broker.reply({ status: 200, contentType: "text/plain; charset=utf-8", body: "KEYWAY_TOKEN=eyJenv.tok.en\nKEYWAY_EXPIRES_AT=2030-01-01T00:15:00Z\n" });
    const r = await run({ format: "env" });
    expect(r.code).toBe(0);
    expect(broker.requests[0].json.format).toBe("env");
    expect(r.env).toMatchObject({ KEYWAY_TOKEN: "eyJenv.tok.en", KEYWAY_EXPIRES_AT: "2030-01-01T00:15:00Z" });
    expect(r.masks).toContain("eyJenv.tok.en");
    expect(readFileSync(r.outputs["credential-file"], "utf8")).toContain("KEYWAY_TOKEN=eyJenv.tok.en");
  });

  it("a binding denial fails the step with the claims and a hint, without retrying", async () => {
    broker.reply(problem(403, "binding_denied", "Binding denied", { detail: "binding 'deploy' does not match this token: ref", mismatches: [{ claim: "ref", actual: "refs/heads/dev" }] }));
    const r = await run({});
    expect(r.code).toBe(1);
    expect(broker.requests).toHaveLength(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toContain("Keyway refused binding 'deploy': Binding denied (binding_denied, HTTP 403)");
    expect(r.errors[0]).toContain("ref: refs/heads/dev");
    expect(r.errors[0]).toContain("hint (ref)");
    expect(r.env).toEqual({});
  });

  it("429 with Retry-After: waits, retries with a fresh token, succeeds", async () => {
    broker.reply(problem(429, "rate_limited", "Rate limited", {}, { "retry-after": "1" }), granted("jwt", { token: "after-wait" }));
    const started = Date.now();
    const r = await run({});
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(broker.requests).toHaveLength(2);
    expect(runtime.audiences).toHaveLength(2);
    expect(r.stdout).toMatch(/Keyway: Keyway refused binding 'deploy': Rate limited \(rate_limited, HTTP 429\); retrying in 1.0s \(attempt 2 of 4\)/);
    expect(r.env.KEYWAY_TOKEN).toBe("after-wait");
  });

  it("no id-token permission: the error says to add `permissions: id-token: write`", async () => {
    const r = await runAction({ url: broker.url, binding: "deploy" }, {});
    expect(r.code).toBe(1);
    expect(r.errors[0]).toContain("permissions: id-token: write");
    expect(broker.requests).toHaveLength(0);
  });

  it("refuses plain http to a non-loopback host before requesting a token", async () => {
    const r = await run({ url: "http://keyway.example.com" });
    expect(r.code).toBe(1);
    expect(r.errors[0]).toContain("must be an https URL");
    expect(runtime.audiences).toHaveLength(0);
  });

  it("a missing binding input is named", async () => {
    const r = await run({ binding: "" });
    expect(r.code).toBe(1);
    expect(r.errors[0]).toContain("Input `binding` is required");
  });

  it("a grant type other than the one declared fails, with the credential still masked", async () => {
    broker.reply(granted("jwt", { token: "eyJunexpected" }));
    const r = await run({ "grant-type": "aws" });
    expect(r.code).toBe(1);
    expect(r.errors[0]).toContain("grants a jwt credential, but `grant-type` says aws");
    expect(r.masks).toContain("eyJunexpected");
    expect(r.env).toEqual({});
  });
});
