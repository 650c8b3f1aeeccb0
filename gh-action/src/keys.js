// Key pairs made on the runner for the x509 and ssh grants: only the CSR or public key leaves the
// job (CONTRACT §4: Keyway never generates or sees a job's private key).
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";

/**
 * An ECDSA P-256 key and a PKCS#10 CSR for it (signed: proof of possession). The subject is only a
 * label; the broker ignores requested names and writes the SPIFFE ID from its binding.
 */
export function x509KeyAndCsr(commonName = "keyway") {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const subject = seq(set(seq(oid([0x55, 0x04, 0x03]), tlv(0x0c, Buffer.from(commonName, "utf8")))));
  const info = seq(tlv(0x02, Buffer.from([0])), subject, spki, tlv(0xa0, Buffer.alloc(0)));
  const signature = sign("sha256", info, privateKey); // DER ECDSA-Sig-Value
  const ecdsaWithSha256 = seq(oid([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]));
  const csr = seq(info, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return {
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }),
    csrPem: pem("CERTIFICATE REQUEST", csr),
  };
}

/**
 * An Ed25519 key pair in OpenSSH's own formats: the private key as `openssh-key-v1` (what
 * ssh-keygen writes, unencrypted) and the public key as an authorized_keys line.
 */
export function sshKeyPair(comment = "keyway") {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const pub = Buffer.from(publicKey.export({ format: "jwk" }).x, "base64url");
  const seed = Buffer.from(privateKey.export({ format: "jwk" }).d, "base64url");
  const keyType = Buffer.from("ssh-ed25519");
  const publicBlob = Buffer.concat([sshString(keyType), sshString(pub)]);
  const check = randomBytes(4);
  let privateSection = Buffer.concat([
    check,
    check,
    sshString(keyType),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(Buffer.from(comment)),
  ]);
  const padding = Buffer.from(Array.from({ length: (8 - (privateSection.length % 8)) % 8 }, (_, i) => i + 1));
  privateSection = Buffer.concat([privateSection, padding]);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0"),
    sshString(Buffer.from("none")),
    sshString(Buffer.from("none")),
    sshString(Buffer.alloc(0)),
    uint32(1),
    sshString(publicBlob),
    sshString(privateSection),
  ]);
  return {
    privateKey: pem("OPENSSH PRIVATE KEY", body, 70),
    publicKey: `ssh-ed25519 ${publicBlob.toString("base64")} ${comment}\n`,
  };
}

function pem(label, der, width = 64) {
  const b64 = der.toString("base64").match(new RegExp(`.{1,${width}}`, "g")).join("\n");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function tlv(tag, content) {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

function derLength(n) {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const seq = (...parts) => tlv(0x30, Buffer.concat(parts));
const set = (...parts) => tlv(0x31, Buffer.concat(parts));
const oid = (bytes) => tlv(0x06, Buffer.from(bytes));

function uint32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function sshString(buf) {
  return Buffer.concat([uint32(buf.length), buf]);
}
