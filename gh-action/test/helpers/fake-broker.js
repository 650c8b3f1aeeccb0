// The scripted stand-in broker; shared with the script tests.
export * from "../../../scripts/test/lib/fake-broker.mjs";
