// A stand-in for the broker (for the action and script tests): answers POST /v1/exchange from a queue of scripted replies and
// records every request, so tests can assert what the action sent and how often.
import { createServer } from "node:http";

export async function fakeBroker() {
  const requests = [];
  const replies = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", async () => {
      const record = { method: req.method, url: req.url, headers: req.headers, body, json: tryJson(body) };
      requests.push(record);
      const reply = replies.length > 1 ? replies.shift() : replies[0];
      if (!reply) {
        res.writeHead(500).end("no reply scripted");
        return;
      }
      const r = typeof reply === "function" ? await reply(record) : reply;
      if (r.destroy) {
        req.socket.destroy();
        return;
      }
      const headers = { "content-type": r.contentType ?? "application/json", ...(r.headers ?? {}) };
      res.writeHead(r.status ?? 200, headers).end(typeof r.body === "string" ? r.body : JSON.stringify(r.body));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    requests,
    /** Replies in order; the last one repeats. */
    reply(...list) {
      replies.length = 0;
      replies.push(...list);
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** A problem+json reply as the broker writes it (CONTRACT §4). */
export function problem(status, code, title, extra = {}, headers = {}) {
  return {
    status,
    contentType: "application/problem+json",
    headers,
    body: { type: `https://keyway.dev/problems/${code}`, title, status, code, detail: `${title} (test)`, requestId: "req-test-1", ...extra },
  };
}

/** A 200 json exchange reply. */
export function granted(type, credentials, binding = "deploy") {
  return { status: 200, body: { binding, type, expiresAt: "2030-01-01T00:15:00Z", requestId: "req-ok-1", credentials } };
}

function tryJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
