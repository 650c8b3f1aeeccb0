import { mkdtempSync, readFileSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { apply, makeDir, plan, planRaw, secretValues } from "../src/exports.js";

const base = { binding: "deploy", expiresAt: "2030-01-01T00:15:00Z", requestId: "req-1" };
const inputs = { export: "env", format: "json" };
const dir = () => mkdtempSync(join(tmpdir(), "keyway-plan-"));

describe("plan: what each grant type exports", () => {
  it("aws: the configure-aws-credentials variables, region on request, secrets masked", () => {
    const c = { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "s3cr3t/key+", sessionToken: "FwoGZ", expiration: "2030-01-01T00:15:00Z", assumedRoleArn: "arn:aws:sts::1:assumed-role/r/s" };
    const p = plan({ ...base, type: "aws", credentials: c }, { ...inputs, awsRegion: "eu-west-1" }, {}, dir());
    expect(p.env).toMatchObject({ AWS_ACCESS_KEY_ID: "ASIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "s3cr3t/key+", AWS_SESSION_TOKEN: "FwoGZ", AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "eu-west-1" });
    expect(p.outputs["aws-assumed-role-arn"]).toBe(c.assumedRoleArn);
    expect(p.secrets.sort()).toEqual(["ASIAEXAMPLE", "FwoGZ", "s3cr3t/key+"]);
  });

  it("gcp: access token variables and a token file", () => {
    const d = dir();
    const p = plan({ ...base, type: "gcp", credentials: { accessToken: "ya29.x", tokenType: "Bearer" } }, inputs, {}, d);
    expect(p.env.CLOUDSDK_AUTH_ACCESS_TOKEN).toBe("ya29.x");
    expect(p.env.GOOGLE_OAUTH_ACCESS_TOKEN).toBe("ya29.x");
    expect(p.env.CLOUDSDK_AUTH_ACCESS_TOKEN_FILE).toBe(join(d, "gcp-access-token"));
    expect(p.files).toContainEqual({ path: join(d, "gcp-access-token"), content: "ya29.x" });
    expect(p.secrets).toEqual(["ya29.x"]);
  });

  it("gcp with a subject token: an external_account credentials file for Application Default Credentials", () => {
    const d = dir();
    const c = { subjectToken: "eyJsubject", audience: "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/k", serviceAccount: "deploy@p.iam.gserviceaccount.com" };
    const p = plan({ ...base, type: "gcp", credentials: c }, inputs, {}, d);
    const file = p.files.find((f) => f.path.endsWith("gcp-credentials.json"));
    const json = JSON.parse(file.content);
    expect(json).toMatchObject({ type: "external_account", audience: c.audience, credential_source: { file: join(d, "gcp-subject-token") } });
    expect(json.service_account_impersonation_url).toContain("deploy@p.iam.gserviceaccount.com:generateAccessToken");
    expect(p.env.GOOGLE_APPLICATION_CREDENTIALS).toBe(file.path);
    expect(p.secrets).toEqual(["eyJsubject"]);
  });

  it("azure: AZURE_ACCESS_TOKEN, tenant and client as outputs", () => {
    const p = plan({ ...base, type: "azure", credentials: { accessToken: "eyJaz", tokenType: "Bearer", tenantId: "t-1", clientId: "c-1" } }, inputs, {}, dir());
    expect(p.env.AZURE_ACCESS_TOKEN).toBe("eyJaz");
    expect(p.outputs).toMatchObject({ "azure-tenant-id": "t-1", "azure-client-id": "c-1", "azure-access-token": "eyJaz" });
    expect(p.secrets).toEqual(["eyJaz"]);
  });

  it("jwt: KEYWAY_TOKEN, or a kubeconfig instead", () => {
    const d = dir();
    const token = plan({ ...base, type: "jwt", credentials: { token: "eyJj" } }, inputs, {}, d);
    expect(token.env.KEYWAY_TOKEN).toBe("eyJj");
    const kube = plan({ ...base, type: "jwt", credentials: { token: "eyJj" } }, { ...inputs, export: "kubeconfig", kubernetesServer: "https://k8s:6443" }, {}, d);
    expect(kube.env.KEYWAY_TOKEN).toBeUndefined();
    expect(kube.env.KUBECONFIG).toBe(join(d, "kubeconfig"));
    expect(JSON.parse(kube.files[0].content).users[0].user.token).toBe("eyJj");
  });

  it("export none: outputs only, no variables", () => {
    const p = plan({ ...base, type: "jwt", credentials: { token: "eyJj" } }, { ...inputs, export: "none" }, {}, dir());
    expect(p.env).toEqual({});
    expect(p.outputs.token).toBe("eyJj");
  });

  it("x509 and ssh: the private key is masked too, certificates are not", () => {
    const x = plan({ ...base, type: "x509", credentials: { certificate: "CERT", chain: ["INT"], trustBundle: "CA", spiffeId: "spiffe://x/y" } }, inputs, { keyPem: "-----BEGIN PRIVATE KEY-----\nAAAAkeyline1\nBBBBkeyline2\n-----END PRIVATE KEY-----\n" }, dir());
    expect(x.secrets).toHaveLength(1);
    expect(x.files.map((f) => f.path.split("/").pop())).toEqual(["key.pem", "cert.pem", "fullchain.pem", "ca.pem"]);
    expect(x.files[2].content).toBe("CERT\nINT\n");
    const s = plan({ ...base, type: "ssh", credentials: { certificate: "ssh-ed25519-cert-v01@openssh.com AAAA", principals: ["deploy", "ci"], keyId: "k", serial: "7" } }, inputs, { privateKey: "PRIV", publicKey: "PUB" }, dir());
    expect(s.secrets).toEqual(["PRIV"]);
    expect(s.outputs["ssh-principals"]).toBe("deploy,ci");
    expect(s.files.map((f) => f.path.split("/").pop())).toEqual(["id_ed25519", "id_ed25519.pub", "id_ed25519-cert.pub"]);
  });

  it("an unknown grant type: every field an output, every string masked", () => {
    const p = plan({ ...base, type: "vault", credentials: { clientToken: "hvs.x", leaseSeconds: 60 } }, inputs, {}, dir());
    expect(p.outputs["client-token"]).toBe("hvs.x");
    expect(p.outputs["lease-seconds"]).toBe("60");
    expect(p.secrets).toEqual(["hvs.x"]);
  });
});

describe("planRaw: the non-json formats", () => {
  it("env: every line exported and every value but the expiry masked", () => {
    const p = planRaw("KEYWAY_TOKEN=eyJabc\nKEYWAY_EXPIRES_AT=2030-01-01T00:00:00Z\n", "text/plain", { format: "env", export: "env" }, dir());
    expect(p.env).toEqual({ KEYWAY_TOKEN: "eyJabc", KEYWAY_EXPIRES_AT: "2030-01-01T00:00:00Z" });
    expect(p.secrets).toEqual(["eyJabc"]);
  });

  it("aws-credential-process: keys masked, version and expiration not", () => {
    const body = JSON.stringify({ Version: 1, AccessKeyId: "AKIA", SecretAccessKey: "sec", SessionToken: "tok", Expiration: "2030" });
    const p = planRaw(body, "application/json", { format: "aws-credential-process", export: "env" }, dir());
    expect(p.secrets.sort()).toEqual(["AKIA", "sec", "tok"]);
    expect(p.outputs.credential).toBe(body);
  });
});

describe("secretValues", () => {
  it("masks unknown fields and nested strings, never the public ones", () => {
    expect(secretValues({ token: "a", nested: { x: "b" }, list: ["c"], expiresAt: "d", spiffeId: "e", n: 1 })).toEqual(["a", "b", "c"]);
  });
});

describe("apply", () => {
  it("registers every secret before writing any file, variable or output", () => {
    const d = makeDir(dir(), "deploy/prod");
    const p = plan({ ...base, type: "gcp", credentials: { accessToken: "ya29.secret" } }, inputs, {}, d);
    const calls = [];
    const core = {
      setSecret: (v) => calls.push(["mask", v, existsSync(join(d, "gcp-access-token"))]),
      exportVariable: (k) => calls.push(["env", k]),
      setOutput: (k) => calls.push(["output", k]),
    };
    apply(p, core);
    expect(calls[0]).toEqual(["mask", "ya29.secret", false]);
    expect(calls.filter((c) => c[0] === "mask")).toHaveLength(1);
    expect(calls.findIndex((c) => c[0] === "env")).toBeGreaterThan(0);
    expect(readFileSync(join(d, "gcp-access-token"), "utf8")).toBe("ya29.secret");
    expect(statSync(join(d, "gcp-access-token")).mode & 0o777).toBe(0o600);
    expect(statSync(d).mode & 0o777).toBe(0o700);
    expect(d).toMatch(/keyway-deploy_prod-/);
  });

  it("a multi-line secret is masked line by line, without the PEM armour", () => {
    const masked = [];
    apply({ secrets: ["-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMG\nByqGSM49AgEG\n-----END PRIVATE KEY-----\n"], env: {}, outputs: {}, files: [] }, { setSecret: (v) => masked.push(v) });
    expect(masked).toEqual(["MIGHAgEAMBMG", "ByqGSM49AgEG"]);
  });
});
