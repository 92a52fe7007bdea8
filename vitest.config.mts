import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const alias = {
  "@/": root,
  // server-only throws outside React Server Components; tests run the same modules in plain Node.
  "server-only": fileURLToPath(new URL("./lib/testing/empty-module.ts", import.meta.url)),
};

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ["default", "./lib/testing/summary-reporter.ts"],
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          environment: "node",
          include: ["lib/**/*.test.ts", "app/**/*.test.ts"],
          exclude: [
            "**/*.int.test.ts",
            "**/*.fault.test.ts",
            "**/*.deploy.test.ts",
            "node_modules/**",
          ],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          environment: "node",
          include: ["lib/**/*.int.test.ts", "app/**/*.int.test.ts"],
          // integration tests sign session cookies themselves: a fixed secret per run, instead of
          // letting lib/config generate one into .data/
          env: { AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64url") },
          testTimeout: 30_000,
          hookTimeout: 60_000,
          server: { deps: { inline: ["next-auth", "@auth/core"] } },
        },
      },
      {
        // `npm run test:faults` only (npm test names the two projects above): the production build
        // on Postgres behind a TCP proxy, one scenario at a time, minutes each
        resolve: { alias },
        test: {
          name: "faults",
          environment: "node",
          include: ["lib/**/*.fault.test.ts"],
          globalSetup: ["./lib/testing/faults-setup.ts"],
          fileParallelism: false,
          sequence: { concurrent: false },
          testTimeout: 360_000,
          hookTimeout: 120_000,
        },
      },
      {
        // `npm run test:deploy` only: a buildpack-made slug (one build shared by every file, made in
        // globalSetup) running its Procfile's processes; each file under 5 minutes
        resolve: { alias },
        test: {
          name: "deploy",
          environment: "node",
          include: ["**/*.deploy.test.ts"],
          exclude: ["node_modules/**", ".next/**", "dist/**"],
          globalSetup: ["./lib/testing/deploy-setup.ts"],
          fileParallelism: false,
          sequence: { concurrent: false },
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
