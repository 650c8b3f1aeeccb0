// Turns a broker refusal (RFC 9457 problem+json, CONTRACT §4) into a message a person can act on
// from the job log alone: what was refused, the broker's own words, which claims did not match, and
// what to change.

/** A failure with a message written for the job log; `retryable` only for 429/503/network. */
export class KeywayError extends Error {
  constructor(message, { status, code, retryable = false, retryAfterMs, requestId } = {}) {
    super(message);
    this.name = "KeywayError";
    this.status = status;
    this.code = code;
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
    this.requestId = requestId;
  }
}

const HINTS = {
  invalid_request:
    "the broker could not use the request: check `ttl` (a duration such as 90s, 15m, 1h), `format`, and that the binding's grant type accepts it.",
  token_malformed: "the job token is not a JWT the broker accepts; it should come straight from the platform, unmodified.",
  token_signature_invalid:
    "the token's signature did not verify with the issuer's published keys: is the broker configured for this GitHub (github.com vs. GHES) issuer?",
  token_expired: "the job token expired before it reached the broker; check the runner's clock, and exchange right after requesting the token.",
  token_not_yet_valid: "the job token is not valid yet: the runner's clock is ahead of the broker's.",
  token_too_old: "the token is older than the issuer's max-token-age; request a fresh one right before the exchange.",
  token_audience_invalid:
    "the token's `aud` is not the audience the broker expects. Set the `audience` input to the broker's keyway.audience (by default its public URL, exactly, without a trailing slash).",
  issuer_unknown:
    "the broker does not trust tokens from this issuer: its policy needs an Issuer document for https://token.actions.githubusercontent.com (or your GHES issuer URL).",
  token_replayed:
    "this job token was already exchanged for this binding. Each step must request its own token; do not cache or share tokens between steps.",
  binding_denied: "this job's token does not satisfy the binding's conditions (see the claims above). Compare them with the binding in the broker's policy, or ask the broker: POST /v1/explain with the same token shows each condition.",
  binding_not_found: "no binding of that name exists on this broker: check the `binding` input (names are case-sensitive).",
  payload_too_large: "the request is larger than the broker accepts (keyway.limits.max-body-bytes).",
  rate_limited: "the broker is rate-limiting this caller or binding; retried as Retry-After asked. Spread out parallel jobs or raise keyway.limits.rate.",
  upstream_denied:
    "the cloud refused the credential (its own error is above). Check that the cloud trusts Keyway as an OIDC provider and that the role/service account/app allows this binding.",
  upstream_error: "the cloud's token service failed; this is usually transient. Re-run the job, or check the cloud's status page.",
  unavailable: "the broker cannot serve this request right now (no usable keys for the issuer, or its store is down). Retried as Retry-After asked.",
};

/** Per-claim advice for binding_denied, keyed by claim name. */
const CLAIM_HINTS = {
  environment: "the binding requires a GitHub environment: set `environment:` on the job.",
  ref: "the binding allows other branches or tags than this run's ref.",
  event_name: "pull_request_target and workflow_run triggers are refused unless the binding names them explicitly.",
  repository_id: "repository ids survive renames but not re-creation: a deleted and re-created repository has a new id.",
  job_workflow_ref: "the binding pins the reusable workflow (and its ref) that must run this job.",
};

const CLAIM_VALUE_MAX = 200;

/** Builds a KeywayError from an HTTP response that is not 200. */
export function problemError({ status, contentType = "", body = "", headers = {}, url, binding }) {
  const retryAfterMs = parseRetryAfter(headers["retry-after"]);
  const retryable = status === 429 || status === 503;
  let problem;
  if (/json/i.test(contentType)) {
    try {
      problem = JSON.parse(body);
    } catch {
      problem = undefined;
    }
  }
  if (!problem || typeof problem !== "object" || typeof problem.code !== "string") {
    const snippet = String(body).replace(/\s+/g, " ").trim().slice(0, 200);
    return new KeywayError(
      `Keyway exchange failed: HTTP ${status} from ${url}, and the answer is not a Keyway problem document` +
        ` (content-type ${contentType || "none"})${snippet ? `: ${snippet}` : ""}\n` +
        `  hint: is \`url\` the broker's base URL (the one serving /v1/exchange)? A proxy or load balancer may be answering instead.`,
      { status, retryable, retryAfterMs },
    );
  }
  return new KeywayError(describeProblem(problem, { status, binding }), {
    status,
    code: problem.code,
    retryable,
    retryAfterMs,
    requestId: problem.requestId,
  });
}

/** The multi-line job-log text for one problem document. */
export function describeProblem(problem, { status, binding } = {}) {
  const code = problem.code;
  const lines = [
    `Keyway refused binding '${binding ?? problem.binding ?? "?"}': ${problem.title ?? code} (${code}, HTTP ${problem.status ?? status})`,
  ];
  if (problem.detail) lines.push(`  ${problem.detail}`);
  const mismatches = Array.isArray(problem.mismatches) ? problem.mismatches : [];
  if (mismatches.length > 0) {
    lines.push("  claims that did not match (this job's values):");
    for (const m of mismatches) {
      lines.push(`    ${m.claim}: ${clip(m.actual)}${m.rule ? ` (rule: ${m.rule})` : ""}`);
    }
  }
  const hint = HINTS[code];
  if (hint) lines.push(`  hint: ${hint}`);
  for (const m of mismatches) {
    const claimHint = CLAIM_HINTS[m.claim];
    if (claimHint) lines.push(`  hint (${m.claim}): ${claimHint}`);
  }
  if (problem.requestId) lines.push(`  request id: ${problem.requestId} (the broker's audit log has the same id)`);
  return lines.join("\n");
}

function clip(value) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > CLAIM_VALUE_MAX ? `${text.slice(0, CLAIM_VALUE_MAX)}…` : text;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined if absent or unparsable. */
export function parseRetryAfter(value, now = Date.now()) {
  if (value === undefined || value === null) return undefined;
  const text = String(Array.isArray(value) ? value[0] : value).trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The message for a failure to get the job's own OIDC token from GitHub. */
export function idTokenError(error) {
  const message = error?.message ?? String(error);
  if (!process.env.ACTIONS_ID_TOKEN_REQUEST_URL || !process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    return new KeywayError(
      "This job cannot request a GitHub OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL is not set.\n" +
        "  hint: add `permissions: id-token: write` to the job (or the workflow); declaring any permissions\n" +
        "  drops the rest to none, so list `contents: read` too if the job checks out code.\n" +
        "  Pull requests from forks never receive an OIDC token.",
    );
  }
  return new KeywayError(
    `GitHub's token service did not issue an OIDC token: ${message}\n` +
      "  hint: the job needs `permissions: id-token: write`; if it has it, this is a GitHub-side failure: re-run the job.",
  );
}
