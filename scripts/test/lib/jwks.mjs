// Verifies a Keyway-minted JWT against the broker's published keys, as a relying party would.
import { createPublicKey, verify } from "node:crypto";

export async function verifyWithBroker(brokerUrl, token) {
  const [header, payload, signature] = token.split(".");
  const { kid, alg } = JSON.parse(Buffer.from(header, "base64url"));
  const jwks = await (await fetch(`${brokerUrl}/.well-known/jwks.json`)).json();
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk || alg !== "ES256") return false;
  return verify("sha256", Buffer.from(`${header}.${payload}`), { key: createPublicKey({ key: jwk, format: "jwk" }), dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
}
