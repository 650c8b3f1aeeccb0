// The action's inputs, checked before anything is requested.
import { KeywayError } from "./problem.js";

export const FORMATS = ["json", "env", "exec-credential", "aws-credential-process", "gcp-executable"];
export const EXPORTS = ["env", "kubeconfig", "none"];
export const GRANT_TYPES = ["jwt", "aws", "gcp", "azure", "x509", "ssh"];
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export function readInputs(core) {
  const get = (name) => core.getInput(name).trim();
  const url = get("url").replace(/\/+$/, "");
  const binding = get("binding");
  if (!url) throw new KeywayError("Input `url` is required: the Keyway broker's base URL, e.g. https://keyway.example.com");
  if (!binding) throw new KeywayError("Input `binding` is required: the name of the binding in the broker's policy");
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new KeywayError(`Input \`url\` is not a URL: ${url}`);
  }
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && LOOPBACK.has(parsed.hostname))) {
    throw new KeywayError(
      `Input \`url\` must be an https URL (plain http only for loopback): ${url}\n  hint: the job's OIDC token travels in the request; never send it unencrypted.`,
    );
  }
  const inputs = {
    url,
    binding,
    audience: get("audience") || url,
    ttl: get("ttl"),
    format: get("format") || "json",
    export: get("export") || "env",
    grantType: get("grant-type"),
    awsRegion: get("aws-region"),
    kubernetesServer: get("kubernetes-server"),
    kubernetesCa: core.getInput("kubernetes-ca"),
    kubernetesNamespace: get("kubernetes-namespace"),
    retries: get("retries") || "3",
  };
  oneOf("format", inputs.format, FORMATS);
  oneOf("export", inputs.export, EXPORTS);
  if (inputs.grantType) oneOf("grant-type", inputs.grantType, GRANT_TYPES);
  if (!/^\d+$/.test(inputs.retries) || Number(inputs.retries) > 10) {
    throw new KeywayError(`Input \`retries\` must be a whole number from 0 to 10, not '${inputs.retries}'`);
  }
  inputs.retries = Number(inputs.retries);
  if (inputs.export === "kubeconfig") {
    if (!inputs.kubernetesServer) throw new KeywayError("`export: kubeconfig` needs the `kubernetes-server` input (the API server URL)");
    if (inputs.format !== "json") throw new KeywayError("`export: kubeconfig` needs `format: json`");
  }
  if ((inputs.grantType === "x509" || inputs.grantType === "ssh") && inputs.format !== "json") {
    throw new KeywayError(`\`grant-type: ${inputs.grantType}\` writes key and certificate files and needs \`format: json\``);
  }
  return inputs;
}

function oneOf(name, value, allowed) {
  if (!allowed.includes(value)) {
    throw new KeywayError(`Input \`${name}\` must be one of ${allowed.join(", ")}; got '${value}'`);
  }
}
