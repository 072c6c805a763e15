import { defineConfig } from "vitest/config";
import suite from "./vitest.config.js";

/** What ships: a clone built by its prepare script, the packed tarball installed and used (`npm run test:package`). */
export default defineConfig({ ...suite, test: { ...suite.test, include: ["test/package/**/*.test.ts"], exclude: ["**/node_modules/**"] } });
