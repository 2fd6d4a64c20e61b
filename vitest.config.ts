import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // jsdom for the views' DOM tests; a test file with no DOM says
    // `// @vitest-environment node` on its first line (jsdom's start-up cost ~0.5 s a file)
    environment: "jsdom",
    include: ["js/**/*.test.ts"],
    globals: false,
  },
});
