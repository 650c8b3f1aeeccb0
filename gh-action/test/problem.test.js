import { afterEach, describe, expect, it } from "vitest";
import { describeProblem, idTokenError, parseRetryAfter, problemError } from "../src/problem.js";

describe("problem documents become job-log messages", () => {
  it("a binding denial names the binding, title, code, each mismatched claim and a hint", () => {
    const text = describeProblem(
      {
        title: "Binding denied",
        status: 403,
        code: "binding_denied",
        detail: "binding 'deploy' does not match this token: ref, environment",
        requestId: "r-1",
        mismatches: [
          { claim: "ref", actual: "refs/heads/dev" },
          { claim: "environment", actual: "(missing)" },
        ],
      },
      { binding: "deploy" },
    );
    expect(text).toContain("Keyway refused binding 'deploy': Binding denied (binding_denied, HTTP 403)");
    expect(text).toContain("ref: refs/heads/dev");
    expect(text).toContain("environment: (missing)");
    expect(text).toContain("POST /v1/explain");
    expect(text).toMatch(/hint \(environment\): .*`environment:`/);
    expect(text).toContain("request id: r-1");
  });

  it("an audience error says which input to set", () => {
    expect(describeProblem({ code: "token_audience_invalid", title: "Token audience invalid", status: 401 })).toMatch(/`audience` input/);
  });

  it("an unknown issuer points at the Issuer document", () => {
    expect(describeProblem({ code: "issuer_unknown", title: "Issuer unknown", status: 401 })).toContain("Issuer document");
  });

  it("a long claim value is clipped", () => {
    const text = describeProblem({ code: "binding_denied", mismatches: [{ claim: "sub", actual: "x".repeat(500) }] });
    expect(text).toContain(`${"x".repeat(200)}…`);
    expect(text).not.toContain("x".repeat(201));
  });

  it("a non-problem answer (a proxy's HTML page) says so and asks about the url", () => {
    const e = problemError({ status: 404, contentType: "text/html", body: "<html>Not Found</html>", headers: {}, url: "https://x/v1/exchange" });
    expect(e.message).toContain("HTTP 404");
    expect(e.message).toContain("not a Keyway problem document");
    expect(e.message).toContain("<html>Not Found</html>");
    expect(e.retryable).toBe(false);
  });

  it("only 429 and 503 are retryable", () => {
    const at = (status) => problemError({ status, contentType: "application/problem+json", body: JSON.stringify({ code: "x" }), headers: {} });
    expect([400, 401, 403, 404, 413, 429, 500, 502, 503].filter((s) => at(s).retryable)).toEqual([429, 503]);
  });
});

describe("Retry-After", () => {
  it("reads delta-seconds", () => expect(parseRetryAfter("7")).toBe(7000));
  it("reads an HTTP-date", () => {
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(parseRetryAfter("Tue, 01 Jan 2030 00:00:05 GMT", now)).toBe(5000);
  });
  it("a date in the past means now", () => expect(parseRetryAfter("Tue, 01 Jan 2002 00:00:05 GMT")).toBe(0));
  it("absent or garbage is undefined", () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});

describe("the job's own token", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("without the runtime's token URL, the hint is the id-token: write permission", () => {
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    const e = idTokenError(new Error("Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable"));
    expect(e.message).toContain("permissions: id-token: write");
    expect(e.message).toContain("forks");
  });

  it("with the URL set, a failure is reported with GitHub's message", () => {
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = "https://example.invalid/?a=1";
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = "t";
    const e = idTokenError(new Error("Failed to get ID Token. Error Code : 500"));
    expect(e.message).toContain("Error Code : 500");
  });
});
