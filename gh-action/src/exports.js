// What the step hands to the rest of the job, per grant type. `plan` is pure (values in, a plan
// out) so tests can read it; `apply` masks every secret before any file, variable or output is
// written.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Credential fields that are not secret. Every other string value in a response is masked, so a
 * field a newer broker adds is hidden until someone decides it is public.
 */
const PUBLIC_FIELDS = new Set([
  "expiration",
  "expiresAt",
  "assumedRoleArn",
  "tokenType",
  "tenantId",
  "clientId",
  "certificate",
  "chain",
  "trustBundle",
  "spiffeId",
  "principals",
  "keyId",
  "serial",
  "audience",
  "serviceAccount",
  "subjectTokenType",
  // fields of the non-json formats
  "apiVersion",
  "kind",
  "expirationTimestamp",
  "Version",
  "Expiration",
  "version",
  "success",
  "token_type",
  "expiration_time",
  "KEYWAY_EXPIRES_AT",
]);

/**
 * @param {object} result  the 200 body of a json exchange ({binding, type, expiresAt, requestId, credentials})
 * @param {object} inputs  parsed action inputs
 * @param {object} keys    locally generated key material for x509/ssh ({keyPem} or {privateKey, publicKey})
 * @param {string} dir     a fresh owner-only directory for files
 */
export function plan(result, inputs, keys, dir) {
  const c = result.credentials ?? {};
  const p = {
    secrets: secretValues(c),
    env: {},
    outputs: {
      binding: result.binding,
      type: result.type,
      "expires-at": result.expiresAt,
      "request-id": result.requestId,
    },
    files: [],
  };
  const exportEnv = inputs.export !== "none";
  const env = (name, value) => {
    if (exportEnv && value !== undefined) p.env[name] = String(value);
  };
  const file = (name, content) => {
    const path = join(dir, name);
    p.files.push({ path, content });
    return path;
  };
  env("KEYWAY_EXPIRES_AT", result.expiresAt);

  switch (result.type) {
    case "jwt": {
      p.outputs.token = c.token;
      if (inputs.export === "kubeconfig") {
        const path = file("kubeconfig", kubeconfig(c.token, inputs));
        p.outputs.kubeconfig = path;
        p.env.KUBECONFIG = path;
      } else {
        env("KEYWAY_TOKEN", c.token);
      }
      break;
    }
    case "aws": {
      Object.assign(p.outputs, {
        "aws-access-key-id": c.accessKeyId,
        "aws-secret-access-key": c.secretAccessKey,
        "aws-session-token": c.sessionToken,
        "aws-expiration": c.expiration ?? result.expiresAt,
        "aws-assumed-role-arn": c.assumedRoleArn,
      });
      env("AWS_ACCESS_KEY_ID", c.accessKeyId);
      env("AWS_SECRET_ACCESS_KEY", c.secretAccessKey);
      env("AWS_SESSION_TOKEN", c.sessionToken);
      if (inputs.awsRegion) {
        env("AWS_REGION", inputs.awsRegion);
        env("AWS_DEFAULT_REGION", inputs.awsRegion);
      }
      break;
    }
    case "gcp": {
      if (c.accessToken) {
        p.outputs["gcp-access-token"] = c.accessToken;
        const tokenFile = file("gcp-access-token", c.accessToken);
        p.outputs["gcp-access-token-file"] = tokenFile;
        env("CLOUDSDK_AUTH_ACCESS_TOKEN", c.accessToken);
        env("CLOUDSDK_AUTH_ACCESS_TOKEN_FILE", tokenFile);
        env("GOOGLE_OAUTH_ACCESS_TOKEN", c.accessToken);
      }
      if (c.subjectToken && c.audience) {
        // The external_account form: client libraries exchange the Keyway token at Google STS
        // themselves and refresh from the file (Application Default Credentials).
        const subjectFile = file("gcp-subject-token", c.subjectToken);
        const credentials = file("gcp-credentials.json", gcpExternalAccount(c, subjectFile));
        p.outputs["gcp-credentials-file"] = credentials;
        env("GOOGLE_APPLICATION_CREDENTIALS", credentials);
        env("CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE", credentials);
      }
      break;
    }
    case "azure": {
      Object.assign(p.outputs, {
        "azure-access-token": c.accessToken,
        "azure-tenant-id": c.tenantId,
        "azure-client-id": c.clientId,
      });
      env("AZURE_ACCESS_TOKEN", c.accessToken);
      break;
    }
    case "x509": {
      p.secrets.push(keys.keyPem);
      const chain = Array.isArray(c.chain) ? c.chain : c.chain ? [c.chain] : [];
      const keyFile = file("key.pem", keys.keyPem);
      const certFile = file("cert.pem", ensureNewline(c.certificate));
      const chainFile = file("fullchain.pem", [c.certificate, ...chain].map(ensureNewline).join(""));
      const caFile = file("ca.pem", ensureNewline(c.trustBundle ?? ""));
      Object.assign(p.outputs, {
        "key-file": keyFile,
        "certificate-file": certFile,
        "chain-file": chainFile,
        "ca-file": caFile,
        "spiffe-id": c.spiffeId,
      });
      env("KEYWAY_KEY_FILE", keyFile);
      env("KEYWAY_CERT_FILE", certFile);
      env("KEYWAY_CHAIN_FILE", chainFile);
      env("KEYWAY_CA_FILE", caFile);
      env("KEYWAY_SPIFFE_ID", c.spiffeId);
      break;
    }
    case "ssh": {
      // ssh -i KEY picks up KEY-cert.pub by itself.
      p.secrets.push(keys.privateKey);
      const keyFile = file("id_ed25519", keys.privateKey);
      const pubFile = file("id_ed25519.pub", keys.publicKey);
      const certFile = file("id_ed25519-cert.pub", ensureNewline(c.certificate));
      Object.assign(p.outputs, {
        "key-file": keyFile,
        "public-key-file": pubFile,
        "certificate-file": certFile,
        "ssh-principals": Array.isArray(c.principals) ? c.principals.join(",") : c.principals,
        "ssh-key-id": c.keyId,
        "ssh-serial": c.serial,
      });
      env("KEYWAY_SSH_KEY_FILE", keyFile);
      env("KEYWAY_SSH_CERT_FILE", certFile);
      break;
    }
    default: {
      // A grant type this action does not know yet: every field as an output, secrets masked.
      for (const [field, value] of Object.entries(c)) {
        p.outputs[kebab(field)] = typeof value === "string" ? value : JSON.stringify(value);
      }
    }
  }
  for (const key of Object.keys(p.outputs)) if (p.outputs[key] === undefined) delete p.outputs[key];
  return p;
}

/** A response in one of the non-json formats: its body goes to a file and the `credential` output. */
export function planRaw(body, contentType, inputs, dir) {
  const p = { secrets: [], env: {}, outputs: {}, files: [] };
  const path = join(dir, inputs.format === "env" ? "keyway.env" : "credential.json");
  p.files.push({ path, content: body });
  p.outputs["credential-file"] = path;
  p.outputs.credential = body;
  if (inputs.format === "env") {
    for (const line of body.split("\n")) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
      if (!m) continue;
      if (!PUBLIC_FIELDS.has(m[1])) p.secrets.push(m[2]);
      if (inputs.export !== "none") p.env[m[1]] = m[2];
    }
  } else if (/json/i.test(contentType)) {
    p.secrets.push(...secretValues(JSON.parse(body)));
  } else {
    p.secrets.push(body);
  }
  p.secrets = p.secrets.filter((s) => s.length > 0);
  return p;
}

/** Masks first, then files (owner-only), then variables and outputs. */
export function apply(p, core) {
  mask(p.secrets, core);
  for (const f of p.files) {
    writeFileSync(f.path, f.content, { mode: 0o600 });
    chmodSync(f.path, 0o600); // the mode above applies only when the file is created
  }
  for (const [name, value] of Object.entries(p.env)) core.exportVariable(name, value);
  for (const [name, value] of Object.entries(p.outputs)) core.setOutput(name, value);
}

/** Registers each secret with the runner's log masker (`::add-mask::`). */
export function mask(secrets, core) {
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret === "") continue;
    for (const piece of maskPieces(secret)) core.setSecret(piece);
  }
}

/** An owner-only directory for this step's files, under RUNNER_TEMP (emptied by the runner after the job). */
export function makeDir(base, binding) {
  const dir = join(base, `keyway-${binding.replace(/[^A-Za-z0-9._-]/g, "_")}-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

/** Every string leaf except the known-public fields; multi-line values are masked line by line. */
export function secretValues(value, key) {
  if (typeof value === "string") return key !== undefined && PUBLIC_FIELDS.has(key) ? [] : [value];
  if (Array.isArray(value)) return key !== undefined && PUBLIC_FIELDS.has(key) ? [] : value.flatMap((v) => secretValues(v));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => (PUBLIC_FIELDS.has(k) ? [] : secretValues(v, k)));
  }
  return [];
}

/** The runner masks line by line, so a multi-line secret is registered per line as well as whole. */
function maskPieces(secret) {
  const lines = secret.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length >= 4 && !/^-----(BEGIN|END) /.test(l));
  return lines.length > 1 ? lines : [secret];
}

function kubeconfig(token, inputs) {
  const cluster = { server: inputs.kubernetesServer };
  if (inputs.kubernetesCa) {
    cluster["certificate-authority-data"] = Buffer.from(ensureNewline(inputs.kubernetesCa)).toString("base64");
  }
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "keyway", cluster }],
    users: [{ name: "keyway", user: { token } }],
    contexts: [{ name: "keyway", context: { cluster: "keyway", user: "keyway", ...(inputs.kubernetesNamespace ? { namespace: inputs.kubernetesNamespace } : {}) } }],
    "current-context": "keyway",
  };
  return `${JSON.stringify(config, null, 2)}\n`; // JSON is YAML: kubectl reads it as is
}

function gcpExternalAccount(c, subjectFile) {
  const config = {
    type: "external_account",
    audience: c.audience,
    subject_token_type: c.subjectTokenType ?? "urn:ietf:params:oauth:token-type:jwt",
    token_url: "https://sts.googleapis.com/v1/token",
    credential_source: { file: subjectFile },
  };
  if (c.serviceAccount) {
    config.service_account_impersonation_url = `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${c.serviceAccount}:generateAccessToken`;
  }
  return `${JSON.stringify(config, null, 2)}\n`;
}

function ensureNewline(text) {
  const s = String(text ?? "");
  return s === "" || s.endsWith("\n") ? s : `${s}\n`;
}

function kebab(field) {
  return field.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}
