// End to end: the real broker jar (demo mode), a GitHub runtime token endpoint on loopback that
// hands out dev-issuer tokens, and dist/index.js run as the runner would.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEPLOY_CLAIMS, PREVIEW_CLAIMS, jwtPayload, startBroker, verifyWithBroker } from "./helpers/broker-jar.js";
import { runAction } from "./helpers/run-action.js";
import { fakeRuntime } from "./helpers/runtime.js";

let broker;
let runtime;
let claims = DEPLOY_CLAIMS;
let mintWithJar = false;

beforeAll(async () => {
  broker = await startBroker();
  runtime = await fakeRuntime((audience) => (mintWithJar ? broker.mintWithJar : broker.mint)(claims, { audience }));
});
afterAll(async () => {
  await runtime?.close();
  await broker?.stop();
});

const run = (inputs) => runAction({ url: broker.url, ...inputs }, runtime.env);

describe("the action against the real broker", () => {
  it("demo-deploy with a token from the jar's dev-token: a verified Keyway JWT in KEYWAY_TOKEN, masked, with the binding's claims", async () => {
    claims = DEPLOY_CLAIMS;
    mintWithJar = true;
    const r = await run({ binding: "demo-deploy", ttl: "5m" }).finally(() => (mintWithJar = false));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const token = r.env.KEYWAY_TOKEN;
    const payload = jwtPayload(token);
    expect(payload).toMatchObject({ iss: broker.url, aud: "demo-relying-party", sub: "acme/demo@refs/heads/main", run: "42" });
    expect(payload.exp - payload.iat).toBeLessThanOrEqual(300);
    expect(await verifyWithBroker(broker.url, token)).toBe(true);
    expect(r.masks).toContain(token);
    expect(r.masks.some((m) => jwtPayload(m).iss === "https://dev.keyway.invalid")).toBe(true); // the job token itself
    expect(r.outputs).toMatchObject({ type: "jwt", binding: "demo-deploy", token });
    expect(Date.parse(r.outputs["expires-at"])).toBe(payload.exp * 1000);
    expect(r.outputs["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("demo-preview as a kubeconfig: kubectl reads the token, which carries the preview groups", async () => {
    claims = PREVIEW_CLAIMS;
    const r = await run({ binding: "demo-preview", export: "kubeconfig", "kubernetes-server": "https://preview.k8s.example.com" });
    expect(r.code, r.stdout).toBe(0);
    const token = execFileSync("kubectl", ["--kubeconfig", r.env.KUBECONFIG, "config", "view", "--raw", "-o", "jsonpath={.users[0].user.token}"], { encoding: "utf8" });
    expect(jwtPayload(token)).toMatchObject({ aud: "preview-cluster", sub: "acme/demo:preview-login", groups: ["previews", "previews:preview-login"] });
    expect(r.masks).toContain(token);
  });

  it("format exec-credential: the broker's ExecCredential in the credential file, token masked", async () => {
    claims = DEPLOY_CLAIMS;
    const r = await run({ binding: "demo-deploy", format: "exec-credential" });
    expect(r.code, r.stdout).toBe(0);
    const credential = JSON.parse(readFileSync(r.outputs["credential-file"], "utf8"));
    expect(credential).toMatchObject({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential" });
    expect(r.masks).toContain(credential.status.token);
    expect(r.masks).not.toContain(credential.status.expirationTimestamp);
  });

  it("a token the binding does not match: binding_denied with this job's values and a hint", async () => {
    claims = DEPLOY_CLAIMS; // no environment claim: demo-preview needs preview-*
    const r = await run({ binding: "demo-preview" });
    expect(r.code).toBe(1);
    expect(r.errors[0]).toContain("Keyway refused binding 'demo-preview': Binding denied (binding_denied, HTTP 403)");
    expect(r.errors[0]).toContain("environment: (missing)");
    expect(r.errors[0]).toContain("set `environment:` on the job");
    expect(r.errors[0]).toMatch(/request id: [0-9a-f-]{36}/);
    expect(r.env).toEqual({});
  });

  it("a token for another audience: token_audience_invalid, and the hint names the input", async () => {
    claims = DEPLOY_CLAIMS;
    const r = await run({ binding: "demo-deploy", audience: "https://not-this-broker.example.com" });
    expect(r.code).toBe(1);
    expect(r.errors[0]).toContain("(token_audience_invalid, HTTP 401)");
    expect(r.errors[0]).toContain("Set the `audience` input");
  });

  it("a binding that does not exist: binding_not_found", async () => {
    claims = DEPLOY_CLAIMS;
    const r = await run({ binding: "no-such-binding" });
    expect(r.code).toBe(1);
    expect(r.errors[0]).toContain("(binding_not_found, HTTP 404)");
    expect(r.errors[0]).toContain("check the `binding` input");
  });
});
