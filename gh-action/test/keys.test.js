import { execFileSync } from "node:child_process";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sshKeyPair, x509KeyAndCsr } from "../src/keys.js";

const dir = mkdtempSync(join(tmpdir(), "keyway-keys-"));

describe("x509 key and CSR", () => {
  it("openssl verifies the CSR's self-signature and reads its subject", () => {
    const { csrPem } = x509KeyAndCsr("keyway deploy");
    writeFileSync(join(dir, "req.pem"), csrPem);
    const text = execFileSync("openssl", ["req", "-in", join(dir, "req.pem"), "-verify", "-noout", "-subject"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(text).toMatch(/subject=CN ?= ?keyway deploy/);
  });

  it("the CSR carries the public half of the private key", () => {
    const { csrPem, keyPem } = x509KeyAndCsr();
    writeFileSync(join(dir, "req2.pem"), csrPem);
    const csrKey = execFileSync("openssl", ["req", "-in", join(dir, "req2.pem"), "-pubkey", "-noout"], { encoding: "utf8" });
    const expected = createPublicKey(createPrivateKey(keyPem)).export({ type: "spki", format: "pem" });
    expect(csrKey.trim()).toBe(expected.trim());
    expect(createPrivateKey(keyPem).asymmetricKeyDetails.namedCurve).toBe("prime256v1");
  });

  it("every call makes a new key", () => {
    expect(x509KeyAndCsr().keyPem).not.toBe(x509KeyAndCsr().keyPem);
  });
});

describe("ssh key pair", () => {
  it("ssh-keygen reads the private key and derives the same public key", () => {
    const { privateKey, publicKey } = sshKeyPair("keyway-test");
    const path = join(dir, "id_ed25519");
    writeFileSync(path, privateKey, { mode: 0o600 });
    const derived = execFileSync("ssh-keygen", ["-y", "-f", path], { encoding: "utf8" });
    expect(derived.split(" ").slice(0, 2)).toEqual(publicKey.split(" ").slice(0, 2));
    expect(publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5[A-Za-z0-9+/=]+ keyway-test\n$/);
  });

  it("ssh-keygen reports an ED25519 key with the comment", () => {
    const { privateKey } = sshKeyPair("c0mment");
    const path = join(dir, "id_two");
    writeFileSync(path, privateKey, { mode: 0o600 });
    expect(execFileSync("ssh-keygen", ["-l", "-f", path], { encoding: "utf8" })).toMatch(/256 SHA256:\S+ c0mment \(ED25519\)/);
  });
});
