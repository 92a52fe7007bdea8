// Boot to health on a Heroku-like slug: the Procfile's web process, from spawn to /api/health 200,
// several times on one migrated database (the first run includes creating the configured admin).
// Not part of `npm run bench`: the slug costs a full install and build the first time.
//   npx tsx scripts/bench/boot.ts [runs=5]      (DATABASE_URL: the Postgres server to use)
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { prepareSlug, runRelease, startProcess } from "../../lib/testing/deploy-slug";

const PORT = 3420;
const DEAD_API = "http://127.0.0.1:3421";

async function main() {
  const runs = Number(process.argv[2] ?? 5);
  const server = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
  const slug = await prepareSlug();
  const name = `dm_boot_${process.pid}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(server);
  url.password = randomBytes(8).toString("hex");
  url.pathname = `/${name}`;
  const env = {
    DATABASE_URL: url.toString(),
    AUTH_SECRET: randomBytes(32).toString("hex"),
    SECRETS_KEY: randomBytes(32).toString("hex"),
    CRON_SECRET: randomBytes(32).toString("hex"),
    ADMIN_EMAIL: "boot@example.com",
    ADMIN_PASSWORD: `pw-${randomBytes(9).toString("base64url")}`,
    HEROKU_API_KEY: `HRKU-${randomBytes(16).toString("hex")}`,
    HEROKU_API_URL: DEAD_API,
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
  };
  try {
    const release = await runRelease(slug, env);
    if (release.code !== 0) throw new Error(`release failed:\n${release.output}`);
    const times: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const web = startProcess(slug, "web", { ...env, PORT: String(PORT) });
      try {
        times.push(await web.waitForHealth(PORT, 60_000));
      } finally {
        await web.stop("SIGTERM");
      }
      process.stdout.write(`run ${run}: boot_to_health_ms ${times.at(-1)}\n`);
    }
    const sorted = [...times].sort((a, b) => a - b);
    process.stdout.write(
      `BOOT boot_to_health_ms runs=${runs} min=${sorted[0]} median=${sorted[Math.floor(runs / 2)]} max=${sorted.at(-1)}\n`,
    );
  } finally {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  process.exit(1);
});
