// The action: job token in, one short-lived credential out, exported for the steps that follow.
import * as actionsCore from "@actions/core";
import { tmpdir } from "node:os";
import { exchange } from "./broker.js";
import { apply, makeDir, mask, plan, planRaw, secretValues } from "./exports.js";
import { readInputs } from "./inputs.js";
import { sshKeyPair, x509KeyAndCsr } from "./keys.js";
import { KeywayError, idTokenError } from "./problem.js";

export async function run(core = actionsCore, { sleep } = {}) {
  try {
    const inputs = readInputs(core);
    const request = { binding: inputs.binding };
    if (inputs.ttl) request.ttl = inputs.ttl;
    if (inputs.format !== "json") request.format = inputs.format;
    let keys;
    if (inputs.grantType === "x509") {
      keys = x509KeyAndCsr(`keyway ${inputs.binding}`);
      request.csr = keys.csrPem;
    } else if (inputs.grantType === "ssh") {
      keys = sshKeyPair(`keyway-${inputs.binding}`);
      request.publicKey = keys.publicKey;
    }
    const getToken = async () => {
      try {
        return await core.getIDToken(inputs.audience);
      } catch (e) {
        throw idTokenError(e);
      }
    };
    const response = await exchange({ url: inputs.url, request, getToken, retries: inputs.retries, log: core.info, sleep });
    const dir = makeDir(process.env.RUNNER_TEMP || tmpdir(), inputs.binding);
    let p;
    if (inputs.format === "json") {
      const result = response.json;
      if (!result || typeof result.type !== "string" || typeof result.credentials !== "object") {
        throw new KeywayError(`Keyway answered 200 without a credential: is \`url\` a Keyway broker? (${inputs.url})`);
      }
      if (inputs.grantType && result.type !== inputs.grantType) {
        // Mask first: the body carries a live credential even though this step will not use it.
        mask(secretValues(result.credentials), core);
        throw new KeywayError(
          `Binding '${inputs.binding}' grants a ${result.type} credential, but \`grant-type\` says ${inputs.grantType}.\n  hint: set \`grant-type: ${result.type}\` or use the binding meant for ${inputs.grantType}.`,
        );
      }
      p = plan(result, inputs, keys ?? {}, dir);
    } else {
      p = planRaw(response.body, response.contentType, inputs, dir);
    }
    apply(p, core);
    const exported = Object.keys(p.env);
    core.info(
      `Keyway: binding '${inputs.binding}' granted ${response.json?.type ?? inputs.format} credentials` +
        `${response.json?.expiresAt ? ` until ${response.json.expiresAt}` : ""}` +
        `${response.json?.requestId ? ` (request ${response.json.requestId})` : ""}` +
        `${exported.length ? `; exported ${exported.join(", ")}` : ""}`,
    );
  } catch (e) {
    core.setFailed(e instanceof KeywayError ? e.message : `Keyway: unexpected failure: ${e?.stack ?? e}`);
  }
}
