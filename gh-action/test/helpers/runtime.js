// Plays the GitHub Actions runtime's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL): checks
// the bearer request token and answers {"value": token} for the requested audience.
import { createServer } from "node:http";

export const REQUEST_TOKEN = "runtime-request-token-for-tests";

export async function fakeRuntime(mint) {
  const audiences = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    if (req.headers.authorization !== `Bearer ${REQUEST_TOKEN}`) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"message":"bad request token"}');
      return;
    }
    const audience = url.searchParams.get("audience");
    audiences.push(audience);
    try {
      const value = await mint(audience);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ count: 1, value }));
    } catch (e) {
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ message: String(e) }));
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = server.address().port;
  return {
    // The real URL already carries a query string; getIDToken appends `&audience=`.
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/_apis/distributedtask/hubs/build/plans/p/jobs/j/idtoken?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
    },
    audiences,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
