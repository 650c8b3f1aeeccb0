// The real broker jar; shared with the script and component tests.
export * from "../../../scripts/test/lib/broker.mjs";
