import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.js"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // The end-to-end file starts a JVM; the rest are quick. Two cores are shared with other work.
    maxWorkers: 2,
  },
});
