// POST /v1/exchange (CONTRACT §4) with retries on 429/503 and network failures only.
import { HttpClient } from "@actions/http-client";
import { KeywayError, problemError } from "./problem.js";

const REQUEST_TIMEOUT_MS = 30_000;
/** A Retry-After beyond this fails the step instead of parking the runner. */
export const MAX_RETRY_WAIT_MS = 120_000;
const BASE_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 20_000;

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EPIPE",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
]);

/**
 * Exchanges a job token for a credential.
 *
 * `getToken` is called once per attempt: a token is single-use per binding on most brokers, and a
 * request that failed on the network may have consumed it, so each retry presents a fresh one.
 *
 * @returns {{status:number, contentType:string, body:string, json?:object, attempts:number}}
 */
export async function exchange({
  url,
  request,
  getToken,
  retries = 3,
  sleep = defaultSleep,
  log = () => {},
  random = Math.random,
  client = new HttpClient("keyway-action", [], { allowRetries: false, socketTimeout: REQUEST_TIMEOUT_MS }),
}) {
  const endpoint = `${url.replace(/\/+$/, "")}/v1/exchange`;
  for (let attempt = 1; ; attempt++) {
    const token = await getToken();
    let error;
    try {
      const response = await post(client, endpoint, { ...request, token });
      if (response.status === 200) return { ...response, attempts: attempt };
      error = problemError({ ...response, url: endpoint, binding: request.binding });
    } catch (e) {
      error = e instanceof KeywayError ? e : networkError(e, endpoint);
    }
    if (!error.retryable || attempt > retries) {
      if (error.retryable && attempt > 1) error.message += `\n  (gave up after ${attempt} attempts)`;
      throw error;
    }
    const wait = error.retryAfterMs ?? backoff(attempt, random);
    if (wait > MAX_RETRY_WAIT_MS) {
      error.message += `\n  (the broker asked to retry after ${Math.ceil(wait / 1000)}s, longer than this step waits)`;
      throw error;
    }
    log(`Keyway: ${firstLine(error.message)}; retrying in ${(wait / 1000).toFixed(1)}s (attempt ${attempt + 1} of ${retries + 1})`);
    await sleep(wait);
  }
}

async function post(client, endpoint, body) {
  const response = await client.post(endpoint, JSON.stringify(body), {
    "content-type": "application/json",
    accept: body.format && body.format !== "json" ? "*/*" : "application/json",
  });
  const status = response.message.statusCode;
  const headers = response.message.headers;
  const text = await response.readBody();
  const contentType = String(headers["content-type"] ?? "");
  const result = { status, headers, contentType, body: text };
  if (status === 200 && /json/i.test(contentType)) {
    try {
      result.json = JSON.parse(text);
    } catch {
      throw new KeywayError(`Keyway answered 200 with malformed JSON from ${endpoint}`);
    }
  }
  return result;
}

function networkError(e, endpoint) {
  const code = e?.code ?? e?.cause?.code;
  const retryable = NETWORK_CODES.has(code) || /timeout/i.test(e?.message ?? "");
  const hint =
    code === "ENOTFOUND"
      ? "the broker's host name does not resolve from this runner: check `url`."
      : "is the broker reachable from this runner (self-hosted runners may need a proxy: HTTPS_PROXY / NO_PROXY are honoured)?";
  return new KeywayError(`Cannot reach the Keyway broker at ${endpoint}: ${e?.message ?? e}${code ? ` (${code})` : ""}\n  hint: ${hint}`, {
    retryable,
    code,
  });
}

/** Full-jitter exponential backoff: attempt 1 → [0.5s, 1s), 2 → [1s, 2s), … capped. */
export function backoff(attempt, random = Math.random) {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function firstLine(text) {
  return text.split("\n", 1)[0];
}

function defaultSleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
