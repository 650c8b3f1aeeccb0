// The real broker jar and a JWKS check; shared with the script and component tests.
export * from "../../../scripts/test/lib/broker.mjs";
export { verifyWithBroker } from "../../../scripts/test/lib/jwks.mjs";
