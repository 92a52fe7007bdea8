// Discovery: syncs the Heroku account's apps, formation and dynos into Postgres. An app that
// disappears from the account is marked gone (its history stays); one app failing is recorded on
// that app and never aborts the run.
import { and, eq, notInArray, sql } from "drizzle-orm";
import type { Ctx } from "@/lib/context";
import { apps, dynos, formations, herokuAccounts } from "@/lib/db/schema";
import type { HerokuClient } from "@/lib/heroku/client";
import { HerokuApiError, HerokuBudgetError } from "@/lib/heroku/errors";
import {
  appGeneration,
  formationSize,
  type HerokuApp,
  type HerokuDyno,
  type HerokuFormation,
} from "@/lib/heroku/schemas";
import type { JobProgress, JobSummary } from "@/lib/jobs/types";
import { memoryQuotaMb } from "./dyno-sizes";

export const RUNTIME_METRICS_FEATURE = "log-runtime-metrics";
const APP_CONCURRENCY = 4;

export type DiscoverInput = {
  client: HerokuClient;
  apiUrl: string;
  demo: boolean;
  reportProgress?: (progress: JobProgress) => Promise<void>;
};

export type DiscoverSummary = JobSummary & {
  apps: number;
  dynos: number;
  apiCalls: number;
  gone: number;
};

const toDate = (value: string | null | undefined) => (value ? new Date(value) : null);

function errorText(error: unknown): string {
  if (error instanceof HerokuApiError) return error.userMessage;
  if (error instanceof Error) return error.message;
  return String(error);
}

async function saveAccount(
  ctx: Ctx,
  input: DiscoverInput,
  values: Partial<typeof herokuAccounts.$inferInsert>,
): Promise<void> {
  const row = { apiUrl: input.apiUrl, demo: input.demo, checkedAt: ctx.clock.now(), ...values };
  await ctx.db
    .insert(herokuAccounts)
    .values(row)
    .onConflictDoUpdate({ target: herokuAccounts.apiUrl, set: row });
}

async function upsertApps(ctx: Ctx, herokuApps: HerokuApp[]): Promise<Map<string, string>> {
  const now = ctx.clock.now();
  const ids = new Map<string, string>();
  for (let i = 0; i < herokuApps.length; i += 500) {
    const chunk = herokuApps.slice(i, i + 500).map((app) => ({
      herokuId: app.id,
      name: app.name,
      region: app.region?.name ?? null,
      stack: app.build_stack?.name ?? app.stack?.name ?? null,
      generation: appGeneration(app),
      webUrl: app.web_url ?? null,
      maintenance: app.maintenance,
      releasedAt: toDate(app.released_at),
      status: "active" as const,
      goneAt: null,
      firstSeenAt: now,
      lastSyncedAt: now,
    }));
    const rows = await ctx.db
      .insert(apps)
      .values(chunk)
      .onConflictDoUpdate({
        target: apps.herokuId,
        set: {
          name: sql`excluded.name`,
          region: sql`excluded.region`,
          stack: sql`excluded.stack`,
          generation: sql`excluded.generation`,
          webUrl: sql`excluded.web_url`,
          maintenance: sql`excluded.maintenance`,
          releasedAt: sql`excluded.released_at`,
          status: "active",
          goneAt: null,
          lastSyncedAt: now,
        },
      })
      .returning({ id: apps.id, herokuId: apps.herokuId });
    for (const row of rows) ids.set(row.herokuId, row.id);
  }
  return ids;
}

async function markGone(ctx: Ctx, seenHerokuIds: string[]): Promise<number> {
  const now = ctx.clock.now();
  const stillActive = eq(apps.status, "active");
  const rows = await ctx.db
    .update(apps)
    .set({ status: "gone", goneAt: now })
    .where(
      seenHerokuIds.length
        ? and(stillActive, notInArray(apps.herokuId, seenHerokuIds))
        : stillActive,
    )
    .returning({ id: apps.id });
  return rows.length;
}

async function syncAppDetail(
  ctx: Ctx,
  appId: string,
  detail: { formation: HerokuFormation[]; dynos: HerokuDyno[]; runtimeMetrics: boolean | null },
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const types = detail.formation.map((f) => f.type);
    await tx
      .delete(formations)
      .where(
        types.length
          ? and(eq(formations.appId, appId), notInArray(formations.type, types))
          : eq(formations.appId, appId),
      );
    if (detail.formation.length) {
      await tx
        .insert(formations)
        .values(
          detail.formation.map((f) => {
            const size = formationSize(f);
            return {
              appId,
              type: f.type,
              size,
              quantity: f.quantity,
              memoryQuotaMb: memoryQuotaMb(size),
              command: f.command ?? null,
              updatedAt: toDate(f.updated_at),
              syncedAt: now,
            };
          }),
        )
        .onConflictDoUpdate({
          target: [formations.appId, formations.type],
          set: {
            size: sql`excluded.size`,
            quantity: sql`excluded.quantity`,
            memoryQuotaMb: sql`excluded.memory_quota_mb`,
            command: sql`excluded.command`,
            updatedAt: sql`excluded.updated_at`,
            syncedAt: now,
          },
        });
    }
    const names = detail.dynos.map((d) => d.name);
    await tx
      .delete(dynos)
      .where(
        names.length
          ? and(eq(dynos.appId, appId), notInArray(dynos.name, names))
          : eq(dynos.appId, appId),
      );
    if (detail.dynos.length) {
      await tx
        .insert(dynos)
        .values(
          detail.dynos.map((d) => ({
            appId,
            name: d.name,
            herokuId: d.id,
            type: d.type,
            size: d.size ?? null,
            state: d.state,
            stateChangedAt: toDate(d.updated_at),
            startedAt: toDate(d.created_at),
            releaseVersion: d.release?.version ?? null,
            syncedAt: now,
          })),
        )
        .onConflictDoUpdate({
          target: [dynos.appId, dynos.name],
          set: {
            herokuId: sql`excluded.heroku_id`,
            type: sql`excluded.type`,
            size: sql`excluded.size`,
            state: sql`excluded.state`,
            stateChangedAt: sql`excluded.state_changed_at`,
            startedAt: sql`excluded.started_at`,
            releaseVersion: sql`excluded.release_version`,
            syncedAt: now,
          },
        });
    }
    await tx
      .update(apps)
      .set({ runtimeMetrics: detail.runtimeMetrics, lastSyncError: null, lastSyncedAt: now })
      .where(eq(apps.id, appId));
  });
}

async function fetchRuntimeMetrics(client: HerokuClient, app: HerokuApp): Promise<boolean | null> {
  if (appGeneration(app) === "fir") return null; // PLATFORM.md §4.8: not available on Fir
  try {
    return (await client.getFeature(app.id, RUNTIME_METRICS_FEATURE)).enabled;
  } catch (error) {
    if (error instanceof HerokuApiError && error.id === "not_found") return null;
    throw error;
  }
}

/** Syncs the account into the database; returns counts for the job run and the Apps page. */
export async function discoverApps({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: DiscoverInput;
}): Promise<DiscoverSummary> {
  const callsBefore = input.client.requestCount;
  let account: Awaited<ReturnType<HerokuClient["getAccount"]>>;
  let herokuApps: HerokuApp[];
  try {
    account = await input.client.getAccount();
    herokuApps = await input.client.listApps();
  } catch (error) {
    await saveAccount(ctx, input, {
      lastError: errorText(error),
      lastErrorId: error instanceof HerokuApiError ? error.id : "error",
    });
    throw new Error(errorText(error), { cause: error });
  }

  const ids = await upsertApps(ctx, herokuApps);
  const gone = await markGone(
    ctx,
    herokuApps.map((app) => app.id),
  );
  const total = herokuApps.length;
  await input.reportProgress?.({ done: 0, total, label: `0 of ${total} apps` });

  let processed = 0;
  let failed = 0;
  let skipped = 0;
  let dynoCount = 0;
  let budgetStop: string | undefined;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      const app = herokuApps[index];
      if (!app) return;
      const appId = ids.get(app.id);
      if (!appId) continue;
      if (budgetStop) {
        skipped++;
        continue;
      }
      try {
        const [formation, dynoList, runtimeMetrics] = await Promise.all([
          input.client.listFormation(app.id),
          input.client.listDynos(app.id),
          fetchRuntimeMetrics(input.client, app),
        ]);
        await syncAppDetail(ctx, appId, { formation, dynos: dynoList, runtimeMetrics });
        dynoCount += dynoList.length;
        processed++;
      } catch (error) {
        if (error instanceof HerokuBudgetError) {
          budgetStop = error.message;
          skipped++;
        } else {
          failed++;
        }
        await ctx.db
          .update(apps)
          .set({ lastSyncError: errorText(error) })
          .where(eq(apps.id, appId));
      }
      const done = processed + failed + skipped;
      if (done % 5 === 0 || done === total) {
        await input.reportProgress?.({ done, total, label: `${done} of ${total} apps` });
      }
    }
  };
  await Promise.all(Array.from({ length: APP_CONCURRENCY }, worker));

  const snapshot = input.client.budget.snapshot(ctx.clock.now());
  await saveAccount(ctx, input, {
    accountId: account.id,
    email: account.email,
    name: account.name ?? null,
    lastError: budgetStop ?? null,
    lastErrorId: budgetStop ? "budget" : null,
    rateRemaining: snapshot.remaining,
    rateCheckedAt: ctx.clock.now(),
  });
  const apiCalls = input.client.requestCount - callsBefore;
  return {
    processed,
    failed,
    skipped,
    apps: total,
    dynos: dynoCount,
    gone,
    apiCalls,
    detail: `${total} apps, ${dynoCount} dynos, ${apiCalls} API calls${gone ? `, ${gone} apps gone` : ""}${failed ? `, ${failed} apps failed` : ""}${budgetStop ? `; stopped early: ${budgetStop}` : ""}`,
  };
}
