// The poll path (PLATFORM.md §2.7): for apps without a drain, open a log session with tail for a
// bounded time, store what arrives, and keep a per-source high-water mark so overlapping replays
// count nothing twice. Sources are claimed with a lease (SKIP LOCKED); one failing source is
// recorded on itself and never stops the others.
import { and, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Ctx } from "@/lib/context";
import { apps, drains, logSources } from "@/lib/db/schema";
import type { HerokuClient } from "@/lib/heroku/client";
import { HerokuApiError, HerokuBudgetError } from "@/lib/heroku/errors";
import { readLogSession } from "@/lib/heroku/log-session";
import { requestJobSoon } from "@/lib/jobs/due";
import type { JobSummary } from "@/lib/jobs/types";
import { storeLines } from "./store";

export type PollOptions = {
  client: HerokuClient;
  owner: string;
  tailSeconds: number;
  intervalSeconds: number;
  /** How many sources one run reads at most (each costs one API request). */
  maxSources?: number;
  concurrency?: number;
};

const SOURCES = ["heroku", "app"] as const;

/** Every active app without a drain gets its poll sources; apps with a drain stop polling. */
export async function syncLogSources(ctx: Ctx): Promise<void> {
  const rows = await ctx.db
    .select({ id: apps.id, drainId: drains.id })
    .from(apps)
    .leftJoin(drains, eq(drains.appId, apps.id))
    .where(eq(apps.status, "active"));
  const polled = rows.filter((row) => !row.drainId);
  if (polled.length) {
    await ctx.db
      .insert(logSources)
      .values(polled.flatMap((row) => SOURCES.map((source) => ({ appId: row.id, source }))))
      .onConflictDoNothing();
  }
  for (const row of rows) {
    await ctx.db
      .update(logSources)
      .set({ enabled: !row.drainId })
      .where(eq(logSources.appId, row.id));
  }
}

async function claimSources(ctx: Ctx, options: PollOptions) {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const due = await tx
      .select({ id: logSources.id })
      .from(logSources)
      .where(
        and(
          eq(logSources.enabled, true),
          lte(logSources.nextPollAt, now),
          or(isNull(logSources.leaseUntil), lte(logSources.leaseUntil, now)),
        ),
      )
      .orderBy(logSources.nextPollAt)
      .limit(options.maxSources ?? 50)
      .for("update", { skipLocked: true });
    if (due.length === 0) return [];
    const leaseUntil = new Date(now.getTime() + (options.tailSeconds + 60) * 1000);
    for (const { id } of due) {
      await tx
        .update(logSources)
        .set({ leaseOwner: options.owner, leaseUntil })
        .where(eq(logSources.id, id));
    }
    return tx
      .select({ source: logSources, appName: apps.name })
      .from(logSources)
      .innerJoin(apps, eq(apps.id, logSources.appId))
      .where(
        inArray(
          logSources.id,
          due.map((d) => d.id),
        ),
      );
  });
}

/** Interval multiplier: polling slows down as the API budget runs low, restarts keep their reserve. */
function budgetFactor(client: HerokuClient, now: Date): number {
  const level = client.budget.snapshot(now).level;
  return level === "ok" ? 1 : level === "low" ? 3 : 10;
}

type Claimed = Awaited<ReturnType<typeof claimSources>>[number];

async function pollOne(
  ctx: Ctx,
  options: PollOptions,
  claimed: Claimed,
): Promise<"ok" | "failed" | "skipped"> {
  const { source, appName } = claimed;
  const started = ctx.clock.now();
  try {
    const session = await options.client.createLogSession(appName, {
      source: source.source,
      ...(source.dyno ? { dyno: source.dyno } : {}),
      lines: 1500,
      tail: true,
    });
    const lines: string[] = [];
    const signal = AbortSignal.timeout(options.tailSeconds * 1000);
    await readLogSession(session.logplex_url, { onLine: (line) => lines.push(line), signal });
    const hwm = source.hwmTs
      ? {
          tsMicros: Math.round(source.hwmTs.getTime() * 1000) + (source.hwmMicros ?? 0),
          fingerprints: source.hwmFingerprints ?? [],
        }
      : null;
    const stored = await storeLines(ctx.db, { appId: source.appId, lines, hwm });
    const now = ctx.clock.now();
    if (stored.events > 0) await requestJobSoon(ctx.db, "evaluate-rules", now);
    const interval = options.intervalSeconds * budgetFactor(options.client, now);
    const mark = stored.hwm;
    await ctx.db
      .update(logSources)
      .set({
        leaseOwner: null,
        leaseUntil: null,
        nextPollAt: new Date(started.getTime() + interval * 1000),
        hwmTs: mark ? new Date(Math.floor(mark.tsMicros / 1000)) : source.hwmTs,
        hwmMicros: mark ? mark.tsMicros % 1000 : source.hwmMicros,
        hwmFingerprints: mark ? mark.fingerprints : source.hwmFingerprints,
        linesRead: sql`${logSources.linesRead} + ${stored.read}`,
        linesStored: sql`${logSources.linesStored} + ${stored.stored}`,
        duplicates: sql`${logSources.duplicates} + ${stored.duplicates}`,
        lastRunLines: stored.read,
        lastError: null,
        lastSuccessAt: now,
      })
      .where(eq(logSources.id, source.id));
    return "ok";
  } catch (error) {
    const now = ctx.clock.now();
    const budget = error instanceof HerokuBudgetError;
    const message =
      error instanceof HerokuApiError
        ? error.userMessage
        : error instanceof Error
          ? error.message
          : String(error);
    await ctx.db
      .update(logSources)
      .set({
        leaseOwner: null,
        leaseUntil: null,
        nextPollAt: new Date(now.getTime() + options.intervalSeconds * (budget ? 10 : 1) * 1000),
        lastError: budget ? `API budget low: polling less often (${message})` : message,
        lastErrorAt: now,
      })
      .where(eq(logSources.id, source.id));
    return budget ? "skipped" : "failed";
  }
}

/** The poll-logs job: claims due sources and reads each for up to `tailSeconds`. */
export async function pollLogSources({
  ctx,
  options,
}: {
  ctx: Ctx;
  options: PollOptions;
}): Promise<JobSummary> {
  await syncLogSources(ctx);
  const claimed = await claimSources(ctx, options);
  const outcomes: string[] = [];
  let next = 0;
  const worker = async () => {
    for (;;) {
      const item = claimed[next++];
      if (!item) return;
      outcomes.push(await pollOne(ctx, options, item));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  const count = (o: string) => outcomes.filter((x) => x === o).length;
  return {
    processed: count("ok"),
    failed: count("failed"),
    skipped: count("skipped"),
    detail: `${claimed.length} log sources read`,
  };
}
