// Drain intake end to end: a load generator posts logplex batches the size Heroku sends (a few
// hundred lines, about 100 KB) to `npm start` on real Postgres, then checks that every line sent
// was stored. Needs DATABASE_URL (a Postgres server); without it, says so and skips. The batches go
// out like Logplex sends them (lib/testing/logplex-sender): a connection error or a 5xx is retried
// with the same frame id and counted, never fatal.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { newDrainSecret } from "../../lib/ingest/drain";
import { type LogplexAnswer, LogplexSender } from "../../lib/testing/logplex-sender";

const PORT = 3391;
const BATCHES = 3300;
/** The first batches warm the server's JIT up: sent and checked like the rest, not timed. */
const WARMUP_BATCHES = 300;
// ~100 KB of frames: the cap of a Logplex batch (PLATFORM.md §6.3)
const LINES_PER_BATCH = 390;
const CONCURRENCY = 8;

const skip = (reason: string) => {
  for (const name of [
    "drain_lines_per_s",
    "drain_p50_ms",
    "drain_p99_ms",
    "drain_lines_sent",
    "drain_lines_stored",
    "drain_lines_lost",
    "drain_retries",
  ]) {
    process.stdout.write(`BENCH ${name} skipped\n`);
  }
  process.stdout.write(`(drain benchmark skipped: ${reason})\n`);
};

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

function frame(pri: number, ts: string, source: string, proc: string, text: string): string {
  const msg = `<${pri}>1 ${ts} host ${source} ${proc} - ${text}\n`;
  return `${Buffer.byteLength(msg)} ${msg}`;
}

/** A batch of realistic lines with unique timestamps: mostly router, some metrics and errors. */
function batchBody(batch: number): { body: string; routerLines: number; errorLines: number } {
  const frames: string[] = [];
  let routerLines = 0;
  let errorLines = 0;
  const base = Date.UTC(2026, 10, 20, 0, 0, 0) + batch * 1000;
  for (let i = 0; i < LINES_PER_BATCH; i++) {
    const ts = `${new Date(base + i).toISOString().slice(0, -1)}${String(batch % 1000).padStart(3, "0")}+00:00`;
    const dyno = `web.${(i % 4) + 1}`;
    if (i % 50 === 7) {
      errorLines++;
      frames.push(frame(45, ts, "heroku", dyno, "Error R14 (Memory quota exceeded)"));
    } else if (i % 25 === 3) {
      frames.push(
        frame(
          45,
          ts,
          "heroku",
          dyno,
          `source=${dyno} dyno=heroku.1.${batch} sample#memory_total=${400 + (i % 90)}.00MB sample#memory_rss=${380 + (i % 90)}.00MB sample#memory_cache=10.00MB sample#memory_swap=0.00MB sample#memory_pgpgin=1000pages sample#memory_pgpgout=900pages sample#memory_quota=512.00MB`,
        ),
      );
    } else {
      routerLines++;
      const status = i % 97 === 0 ? 503 : i % 13 === 0 ? 404 : 200;
      frames.push(
        frame(
          158,
          ts,
          "heroku",
          "router",
          `at=info method=GET path="/api/orders/${i}?page=${batch % 7}" host=shop-prod.herokuapp.com request_id=${randomBytes(8).toString("hex")} fwd="203.0.113.${i % 250}" dyno=${dyno} connect=0ms service=${(i * 37) % 900}ms status=${status} bytes=${1000 + i} protocol=https`,
        ),
      );
    }
  }
  return { body: frames.join(""), routerLines, errorLines };
}

async function waitForHealth(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the server did not answer ${url} in time`);
}

export async function benchDrain(serverUrl: string | undefined): Promise<void> {
  if (!serverUrl) return skip("DATABASE_URL is not set; the drain figures need a real Postgres");
  // built before the server starts: building takes longer than a keep-alive socket stays open
  const bodies = Array.from({ length: BATCHES }, (_, i) => batchBody(i));
  const name = `dm_bench_${Date.now()}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(serverUrl, name);
  const server = spawn(process.execPath, ["scripts/start.mjs"], {
    env: {
      ...process.env,
      PORT: String(PORT),
      DATABASE_URL: url,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      SECRETS_KEY: randomBytes(32).toString("base64"),
      SCHEDULER: "off",
      HEROKU_API_KEY: "bench-no-heroku-calls",
      LOG_LEVEL: "error",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const db = postgres(url, { max: 2, onnotice: () => {} });
  try {
    await waitForHealth(`http://127.0.0.1:${PORT}/api/health`, 300_000);
    const now = new Date();
    const [app] =
      await db`insert into apps (heroku_id, name, first_seen_at, last_synced_at) values ('bench', 'shop-prod', ${now}, ${now}) returning id`;
    const { secret, hash } = newDrainSecret();
    const [drain] =
      await db`insert into drains (app_id, token_hash) values (${app?.id}, ${hash}) returning id`;
    const target = `http://127.0.0.1:${PORT}/api/drains/${drain?.id}.${secret}`;

    const latencies: number[] = [];
    let failures = 0;
    const sender = new LogplexSender({
      url: target,
      concurrency: CONCURRENCY,
      drainToken: "d.bench",
      // each body is one Heroku-sized batch: never merged with the next
      maxBatchBytes: 0,
      onAnswer: (answer: LogplexAnswer) => {
        if ((answer.tags[0] ?? 0) >= WARMUP_BATCHES) latencies.push(answer.ms);
        if (answer.status !== 204) failures++;
      },
    });
    const run = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const batch = bodies[i];
        if (batch) sender.enqueue({ body: batch.body, count: LINES_PER_BATCH, tag: i });
      }
      await sender.idle();
    };
    await run(0, WARMUP_BATCHES);
    const started = performance.now();
    await run(WARMUP_BATCHES, BATCHES);
    const seconds = (performance.now() - started) / 1000;
    const timedLines = (BATCHES - WARMUP_BATCHES) * LINES_PER_BATCH;
    const stats = sender.stats();
    sender.close();

    const sent = BATCHES * LINES_PER_BATCH;
    const [stored] = await db`select lines::int as lines from drains where id = ${drain?.id}`;
    // drains.lines is committed in the same transaction as the lines' rows
    const [router] =
      await db`select coalesce(sum(requests), 0)::int as n from request_stats where app_id = ${app?.id}`;
    const [events] = await db`select count(*)::int as n from log_events where app_id = ${app?.id}`;
    const expectedRouter = bodies.reduce((sum, b) => sum + b.routerLines, 0);
    const expectedEvents = bodies.reduce((sum, b) => sum + b.errorLines, 0);
    latencies.sort((a, b) => a - b);
    const pct = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    const storedLines = Number(stored?.lines ?? 0);
    process.stdout.write(
      `drain intake: ${sent} lines in ${BATCHES} batches of ${LINES_PER_BATCH} (${(Buffer.byteLength(bodies[0]?.body ?? "") / 1024).toFixed(0)} KB), ${CONCURRENCY} senders; the last ${BATCHES - WARMUP_BATCHES} batches timed after ${WARMUP_BATCHES} to warm up: ${timedLines} lines in ${seconds.toFixed(1)} s; ${failures} non-204 answers, ${stats.retries} retries, ${stats.droppedLines + stats.expiredLines} lines given up by the sender; router lines counted ${router?.n} of ${expectedRouter}, error events stored ${events?.n} of ${expectedEvents}\n`,
    );
    process.stdout.write(`BENCH drain_lines_per_s ${(timedLines / seconds).toFixed(0)}\n`);
    process.stdout.write(`BENCH drain_p50_ms ${pct(0.5).toFixed(1)}\n`);
    process.stdout.write(`BENCH drain_p99_ms ${pct(0.99).toFixed(1)}\n`);
    process.stdout.write(`BENCH drain_lines_sent ${sent}\n`);
    process.stdout.write(`BENCH drain_lines_stored ${storedLines}\n`);
    process.stdout.write(`BENCH drain_lines_lost ${sent - storedLines}\n`);
    process.stdout.write(`BENCH drain_retries ${stats.retries}\n`);
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
    await db.end();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}
