import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_RETRY_WAIT_MS, backoff, exchange } from "../src/broker.js";
import { fakeBroker, granted, problem } from "./helpers/fake-broker.js";

let broker;
beforeAll(async () => (broker = await fakeBroker()));
afterAll(() => broker.close());
beforeEach(() => (broker.requests.length = 0));

function run(overrides = {}) {
  const waits = [];
  let tokens = 0;
  const promise = exchange({
    url: `${broker.url}/`,
    request: { binding: "deploy", ttl: "5m" },
    getToken: async () => `job-token-${++tokens}`,
    sleep: async (ms) => waits.push(ms),
    random: () => 0.5,
    ...overrides,
  });
  return { promise, waits, tokens: () => tokens };
}

describe("exchange", () => {
  it("posts binding, ttl and the job token as JSON to /v1/exchange", async () => {
    broker.reply(granted("jwt", { token: "minted" }));
    const { promise } = run();
    const result = await promise;
    expect(result.json.credentials.token).toBe("minted");
    expect(broker.requests).toHaveLength(1);
    expect(broker.requests[0].url).toBe("/v1/exchange");
    expect(broker.requests[0].headers["content-type"]).toBe("application/json");
    expect(broker.requests[0].json).toEqual({ binding: "deploy", ttl: "5m", token: "job-token-1" });
  });

  it("waits as Retry-After says on 429, then succeeds", async () => {
    broker.reply(problem(429, "rate_limited", "Rate limited", {}, { "retry-after": "2" }), granted("jwt", { token: "t" }));
    const { promise, waits } = run();
    const result = await promise;
    expect(result.attempts).toBe(2);
    expect(waits).toEqual([2000]);
  });

  it("retries 503 with backoff when there is no Retry-After, presenting a fresh job token each time", async () => {
    broker.reply(problem(503, "unavailable", "Unavailable"), problem(503, "unavailable", "Unavailable"), granted("jwt", { token: "t" }));
    const { promise, waits } = run();
    await promise;
    expect(waits).toEqual([backoff(1, () => 0.5), backoff(2, () => 0.5)]);
    expect(broker.requests.map((r) => r.json.token)).toEqual(["job-token-1", "job-token-2", "job-token-3"]);
  });

  it("gives up after `retries` retries and says so", async () => {
    broker.reply(problem(503, "unavailable", "Unavailable", {}, { "retry-after": "1" }));
    const { promise } = run({ retries: 2 });
    await expect(promise).rejects.toThrow(/gave up after 3 attempts/);
    expect(broker.requests).toHaveLength(3);
  });

  it.each([
    [400, "invalid_request", "Invalid request"],
    [401, "token_expired", "Token expired"],
    [401, "token_replayed", "Token replayed"],
    [403, "binding_denied", "Binding denied"],
    [404, "binding_not_found", "Binding not found"],
    [413, "payload_too_large", "Payload too large"],
    [502, "upstream_denied", "Upstream denied"],
  ])("never retries %i %s", async (status, code, title) => {
    broker.reply(problem(status, code, title, {}, { "retry-after": "1" }));
    const { promise, waits } = run();
    await expect(promise).rejects.toMatchObject({ status, code, retryable: false });
    expect(broker.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("fails at once when Retry-After is longer than the step waits", async () => {
    broker.reply(problem(429, "rate_limited", "Rate limited", {}, { "retry-after": String(MAX_RETRY_WAIT_MS / 1000 + 1) }));
    const { promise, waits } = run();
    await expect(promise).rejects.toThrow(/asked to retry after 121s/);
    expect(waits).toEqual([]);
  });

  it("retries a broker that cannot be reached, then explains", async () => {
    const { promise, waits } = run({ url: "http://127.0.0.1:9", retries: 2 });
    await expect(promise).rejects.toThrow(/Cannot reach the Keyway broker at http:\/\/127.0.0.1:9\/v1\/exchange.*ECONNREFUSED/s);
    expect(waits).toHaveLength(2);
  });

  it("retries a connection the broker dropped", async () => {
    broker.reply({ destroy: true }, granted("jwt", { token: "t" }));
    const { promise } = run();
    expect((await promise).attempts).toBe(2);
  });

  it("a failure to get the job token is not retried", async () => {
    broker.reply(granted("jwt", { token: "t" }));
    const { promise } = run({
      getToken: async () => {
        throw new Error("no token");
      },
    });
    await expect(promise).rejects.toThrow("no token");
    expect(broker.requests).toHaveLength(0);
  });

  it("backoff grows and stays within its cap", () => {
    expect(backoff(1, () => 0)).toBe(500);
    expect(backoff(1, () => 0.999)).toBeLessThanOrEqual(1000);
    expect(backoff(3, () => 0)).toBe(2000);
    expect(backoff(20, () => 1)).toBe(20_000);
  });
});
