// A long chart window on real Postgres: one app with 100 dynos and 30 days of 20-second samples
// (~13M rows), then the 7-day memory chart through the real getMemorySeries (it reads
// metric_rollups) against the same maxima computed from metric_samples, as it was read before
// rollups. Needs DATABASE_URL (a Postgres server); without it, says so and skips.
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { installDbHandle, openDatabase } from "../../lib/db/client";
import { queryRows } from "../../lib/db/execute";
import { runMigrations } from "../../lib/db/migrate";
import { rangeWindow } from "../../lib/metrics/buckets";
import { getMemorySeries } from "../../lib/metrics/queries";

const DYNOS = 100;
const DAYS = 30;
const SAMPLE_SECONDS = 20;
/** Seeding goes in slices of this many days, two at a time (one per core). */
const SLICE_DAYS = 5;
const RUNS = 20;
const RAW_RUNS = 5;
const START = Date.UTC(2026, 9, 1);

const skip = (reason: string) => {
  process.stdout.write("BENCH chart_query_ms skipped\n");
  process.stdout.write(`(chart benchmark skipped: ${reason})\n`);
};

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = performance.now();
  const result = await run();
  return { ms: performance.now() - t0, result };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/**
 * Samples of every dyno for one slice of days, in arrival order (time, then dyno), and their
 * 5-minute rollups computed from the inserted rows as upsertSamples does.
 */
async function seedSlice(url: string, appId: string, fromDay: number, toDay: number) {
  const db = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await db`set synchronous_commit = off`;
    await db`set work_mem = '256MB'`;
    const perDay = 86_400 / SAMPLE_SECONDS;
    await db`
      with inserted as (
        insert into metric_samples (app_id, dyno, dyno_type, ts, size, load_1m, load_5m, load_15m,
          memory_total_mb, memory_rss_mb, memory_cache_mb, memory_swap_mb, memory_quota_mb,
          memory_pgpgin, memory_pgpgout)
        select ${appId}::uuid, 'web.' || d, 'web',
          ${new Date(START).toISOString()}::timestamptz + g * ${SAMPLE_SECONDS}::int * interval '1 second'
            + d * interval '137 milliseconds',
          'standard-1x', r.load, r.load * 0.8, r.load * 0.6, r.rss + r.swap + 12, r.rss, 12, r.swap,
          512, 200000 + g, 100000 + g
        from generate_series(${fromDay * perDay}::int, ${toDay * perDay - 1}::int) as g
          cross join generate_series(1, ${DYNOS}::int) as d
          cross join lateral (
            select (random() * 2)::real as load,
              (250 + (d % 50) * 4 + random() * 150)::real as rss,
              (case when random() < 0.05 then random() * 40 else 0 end)::real as swap
            offset 0) as r
        returning app_id, dyno, dyno_type, ts, load_1m, memory_rss_mb, memory_swap_mb, memory_quota_mb)
      insert into metric_rollups (app_id, dyno, dyno_type, step_seconds, bucket, memory_rss_max,
        memory_swap_max, memory_quota_max, load_1m_max)
      select app_id, dyno, min(dyno_type), 300, to_timestamp(floor(extract(epoch from ts) / 300) * 300),
        max(memory_rss_mb), max(memory_swap_mb) filter (where memory_rss_mb is not null),
        max(memory_quota_mb) filter (where memory_rss_mb is not null), max(load_1m)
      from inserted
      group by 1, 2, 5`;
  } finally {
    await db.end();
  }
}

export async function benchChart(serverUrl: string | undefined): Promise<void> {
  if (!serverUrl) return skip("DATABASE_URL is not set; the chart figures need a real Postgres");
  const name = `dm_bench_chart_${Date.now()}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(serverUrl, name);
  const handle = openDatabase({ databaseUrl: url });
  try {
    await runMigrations(handle);
    installDbHandle(handle);
    const seedStarted = performance.now();
    const [app] = await queryRows<{ id: string }>(
      handle.db,
      sql`insert into apps (heroku_id, name, first_seen_at, last_synced_at)
          values ('bench-chart', 'chart-prod', now(), now()) returning id`,
    );
    const appId = app?.id ?? "";
    const slices: [number, number][] = [];
    for (let day = 0; day < DAYS; day += SLICE_DAYS) {
      slices.push([day, Math.min(DAYS, day + SLICE_DAYS)]);
    }
    let nextSlice = 0;
    const seeder = async () => {
      for (let slice = slices[nextSlice++]; slice; slice = slices[nextSlice++]) {
        await seedSlice(url, appId, slice[0], slice[1]);
      }
    };
    await Promise.all([seeder(), seeder()]);
    await handle.db.execute(sql`
      insert into metric_rollups (app_id, dyno, dyno_type, step_seconds, bucket, memory_rss_max,
        memory_swap_max, memory_quota_max, load_1m_max)
      select app_id, dyno, min(dyno_type), 3600, to_timestamp(floor(extract(epoch from bucket) / 3600) * 3600),
        max(memory_rss_max), max(memory_swap_max), max(memory_quota_max), max(load_1m_max)
      from metric_rollups
      where app_id = ${appId} and step_seconds = 300
      group by 1, 2, 5`);
    await handle.db.execute(sql`vacuum analyze metric_rollups`);
    await handle.db.execute(sql`analyze metric_samples`);
    const [counts] = await queryRows<{ samples: number; rollups: number }>(
      handle.db,
      sql`select (select count(*) from metric_samples)::int as samples,
                 (select count(*) from metric_rollups)::int as rollups`,
    );
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const now = new Date(START + DAYS * 86_400_000 - 1000);
    const window = rangeWindow("7d", now);
    const rollup = () => getMemorySeries(appId, window);
    // the 7-day memory read as it was before rollups: every sample of the window
    const raw = () =>
      queryRows<{ dyno: string; bucket: string | number; value: number }>(
        handle.db,
        sql`select dyno_type, dyno,
                   (floor(extract(epoch from ts) / ${window.stepSeconds}::int) * ${window.stepSeconds}::int)::bigint as bucket,
                   max(memory_rss_mb)::float8 as value, max(memory_swap_mb)::float8 as swap,
                   max(memory_quota_mb)::float8 as quota
            from metric_samples
            where app_id = ${appId} and ts >= ${window.from.toISOString()}::timestamptz
              and ts < ${window.to.toISOString()}::timestamptz and memory_rss_mb is not null
            group by 1, 2, 3`,
      );

    for (let i = 0; i < 3; i++) await rollup();
    const runs: number[] = [];
    let series = await rollup();
    for (let i = 0; i < RUNS; i++) {
      const run = await timed(rollup);
      runs.push(run.ms);
      series = run.result;
    }
    await raw();
    const rawRuns: number[] = [];
    let rawRows = await raw();
    for (let i = 0; i < RAW_RUNS; i++) {
      const run = await timed(raw);
      rawRuns.push(run.ms);
      rawRows = run.result;
    }

    // the two reads must agree point for point (values rounded to 0.01 MB, as the chart shows)
    const points = new Map((series[0]?.points ?? []).map((p) => [p.t, p]));
    const mismatches = rawRows.filter(
      (row) =>
        points.get(Number(row.bucket) * 1000)?.[row.dyno] !==
        Math.round(Number(row.value) * 100) / 100,
    ).length;
    const cells = (series[0]?.points ?? []).reduce((n, p) => n + Object.keys(p).length - 1, 0);
    const p50 = median(runs);
    const rawP50 = median(rawRuns);
    process.stdout.write(
      `chart query: 7-day memory chart (${window.stepSeconds} s buckets) of ${DYNOS} dynos over ${counts?.samples} samples and ${counts?.rollups} rollups (seeded in ${seedSeconds.toFixed(0)} s); rollup read p50 ${p50.toFixed(1)} ms, max ${Math.max(...runs).toFixed(1)} ms over ${RUNS} runs; raw samples p50 ${rawP50.toFixed(0)} ms over ${RAW_RUNS} runs (${(rawP50 / p50).toFixed(0)}x); ${rawRows.length} dyno-buckets, ${mismatches} differing\n`,
    );
    if (mismatches > 0 || cells / 2 !== rawRows.length) {
      throw new Error(
        `the rollup read disagrees with the raw samples (${mismatches} differing of ${rawRows.length})`,
      );
    }
    process.stdout.write(`BENCH chart_query_ms ${p50.toFixed(1)}\n`);
  } finally {
    installDbHandle(undefined);
    await handle.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}
