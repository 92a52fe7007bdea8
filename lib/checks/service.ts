// Check CRUD for the REST API and the console: validates with the shared zod schemas, resolves the
// app by name, encrypts Redis/Postgres URLs before they are stored, and writes each change with
// its audit row in one transaction. Nothing here returns a secret: views carry the masked hint.
import "server-only";
import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, gte, inArray, lt } from "drizzle-orm";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/context";
import type { Executor } from "@/lib/db/client";
import { apps, type Check, type CheckResult, checkResults, checks } from "@/lib/db/schema";
import { AppError, type FieldErrors, notFound } from "@/lib/errors";
import { maskUrl } from "@/lib/mask-urls";
import { queryInt } from "@/lib/validation";
import {
  CHECK_KINDS,
  type CheckUpdate,
  type CheckView,
  checkFieldErrors,
  checkInputSchema,
  checkUpdateSchema,
  checkViewToInput,
  toCheckView,
} from "./schema";
import { processSecretBox, type SecretBox } from "./secrets";

const idSchema = z.uuid();

function invalid(fields: FieldErrors): AppError {
  return new AppError("validation", "Some fields are invalid.", { fields });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseWith<S extends typeof checkInputSchema | typeof checkUpdateSchema>(
  schema: S,
  value: unknown,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = checkFieldErrors(parsed.error);
  if (isObject(value) && !CHECK_KINDS.includes(value.kind as (typeof CHECK_KINDS)[number])) {
    fields.kind = [`kind must be one of ${CHECK_KINDS.join(", ")}.`];
  }
  throw invalid(fields);
}

async function resolveAppId(
  db: Executor,
  app: string | null,
  keepAppId: string | null = null,
): Promise<string | null> {
  if (app === null) return null;
  const candidates = await db
    .select({ id: apps.id, status: apps.status })
    .from(apps)
    .where(eq(apps.name, app))
    .orderBy(asc(apps.status));
  const found =
    candidates.find((row) => row.status === "active") ??
    candidates.find((row) => row.id === keepAppId);
  if (!found) throw invalid({ app: [`No app named ${app} in this account.`] });
  return found.id;
}

/** The row's kind-dependent columns: the web URL in config, other URLs sealed for `id`. */
function storedTarget(
  input: CheckUpdate,
  id: string,
  secrets: SecretBox,
): Pick<Check, "config" | "secretCiphertext" | "secretHint"> | Pick<Check, "config"> {
  if (input.kind === "web") {
    return {
      config: { url: input.url, ...input.config },
      secretCiphertext: null,
      secretHint: null,
    };
  }
  const config = input.config as Record<string, unknown>;
  if (input.url === undefined) return { config };
  return {
    config,
    secretCiphertext: secrets.encrypt(input.url, id),
    secretHint: maskUrl(input.url),
  };
}

async function appNames(db: Executor, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: apps.id, name: apps.name })
    .from(apps)
    .where(inArray(apps.id, wanted));
  return new Map(rows.map((row) => [row.id, row.name]));
}

async function toView(db: Executor, check: Check): Promise<CheckView> {
  const names = await appNames(db, [check.appId]);
  return toCheckView(check, check.appId ? (names.get(check.appId) ?? null) : null);
}

async function findCheck(
  db: Executor,
  id: string,
  options: { lock?: boolean } = {},
): Promise<Check> {
  if (!idSchema.safeParse(id).success) throw notFound("Check");
  const query = db.select().from(checks).where(eq(checks.id, id));
  const [row] = options.lock ? await query.for("update") : await query;
  if (!row) throw notFound("Check");
  return row;
}

/** Every check, by name. */
export async function listChecks(ctx: Pick<Ctx, "db">): Promise<CheckView[]> {
  const rows = await ctx.db.select().from(checks).orderBy(asc(checks.name), asc(checks.createdAt));
  const names = await appNames(
    ctx.db,
    rows.map((row) => row.appId),
  );
  return rows.map((row) => toCheckView(row, row.appId ? (names.get(row.appId) ?? null) : null));
}

/** One check; an unknown id (or one that is not a UUID) is a not_found AppError. */
export async function getCheck(ctx: Pick<Ctx, "db">, id: string): Promise<CheckView> {
  return toView(ctx.db, await findCheck(ctx.db, id));
}

/** Creates a check from unchecked input (API body or parsed form); it runs at the next tick. */
export async function createCheck({
  ctx,
  input,
  secrets = processSecretBox,
}: {
  ctx: Ctx;
  input: unknown;
  secrets?: SecretBox;
}): Promise<CheckView> {
  const check = parseWith(checkInputSchema, input);
  return ctx.db.transaction(async (tx) => {
    const appId = await resolveAppId(tx, check.app);
    const now = ctx.clock.now();
    const id = randomUUID();
    const [row] = await tx
      .insert(checks)
      .values({
        id,
        name: check.name,
        kind: check.kind,
        appId,
        enabled: check.enabled,
        intervalSeconds: check.intervalSeconds,
        timeoutMs: check.timeoutMs,
        ...storedTarget(check, id, secrets),
        nextRunAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new AppError("internal", "The check was not created.");
    await recordAudit(tx, ctx.actor, {
      action: "check.create",
      target: row.name,
      detail: { id: row.id, kind: row.kind, app: check.app },
      at: now,
    });
    return toView(tx, row);
  });
}

/** JSON with sorted object keys: jsonb hands objects back in its own key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    isObject(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

/** The patch over the stored check; config merges while the kind stays, a new kind starts over. */
function mergeCheckPatch(
  current: Record<string, unknown>,
  patch: unknown,
): Record<string, unknown> {
  if (!isObject(patch)) throw invalid({ _: ["Send a JSON object with the fields to change."] });
  const kindChanged = patch.kind !== undefined && patch.kind !== current.kind;
  let config: unknown = current.config;
  if (kindChanged) config = patch.config;
  else if (isObject(patch.config) && isObject(current.config)) {
    config = { ...current.config, ...patch.config };
  } else if (patch.config !== undefined) config = patch.config;
  const merged: Record<string, unknown> = { ...current, ...patch, config };
  // a new kind needs its own URL: the stored one belongs to the old kind
  if (kindChanged && patch.url === undefined) delete merged.url;
  return merged;
}

/**
 * Merges `patch` onto the stored check and validates the whole. A Redis/Postgres `url` left out
 * (or blank from the form) keeps the stored secret; a new kind needs its URL.
 */
export async function updateCheck({
  ctx,
  id,
  patch,
  secrets = processSecretBox,
}: {
  ctx: Ctx;
  id: string;
  patch: unknown;
  secrets?: SecretBox;
}): Promise<CheckView> {
  return ctx.db.transaction(async (tx) => {
    const stored = await findCheck(tx, id, { lock: true });
    const current = checkViewToInput(await toView(tx, stored));
    const merged = mergeCheckPatch(current, patch);
    const kindChanged = merged.kind !== stored.kind;
    const check = parseWith(kindChanged ? checkInputSchema : checkUpdateSchema, merged);
    if (check.kind !== "web" && check.url === undefined && !stored.secretCiphertext) {
      throw invalid({ url: [`A ${check.kind} check needs its URL.`] });
    }
    const appId = await resolveAppId(tx, check.app, stored.appId);
    const now = ctx.clock.now();
    const changed = [
      ...(["name", "kind", "app", "enabled", "intervalSeconds", "timeoutMs", "config"] as const)
        .filter((key) => canonical(check[key]) !== canonical(current[key]))
        .map((key) => key as string),
      ...(check.url !== undefined && check.url !== current.url ? ["url"] : []),
    ].sort();
    const targetChanged = changed.some((key) => ["kind", "url", "config"].includes(key));
    const [row] = await tx
      .update(checks)
      .set({
        name: check.name,
        kind: check.kind,
        appId,
        enabled: check.enabled,
        intervalSeconds: check.intervalSeconds,
        timeoutMs: check.timeoutMs,
        ...storedTarget(check, stored.id, secrets),
        // what it looks at changed: its state starts over, and it runs at the next tick
        ...(targetChanged ? { lastStatus: "unknown" as const, consecutiveFailures: 0 } : {}),
        ...(changed.length ? { nextRunAt: now } : {}),
        updatedAt: now,
      })
      .where(eq(checks.id, stored.id))
      .returning();
    if (!row) throw notFound("Check");
    await recordAudit(tx, ctx.actor, {
      action: "check.update",
      target: row.name,
      detail: { id: row.id, changed },
      at: now,
    });
    return toView(tx, row);
  });
}

export async function deleteCheck({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const stored = await findCheck(tx, id, { lock: true });
    await tx.delete(checks).where(eq(checks.id, stored.id));
    await recordAudit(tx, ctx.actor, {
      action: "check.delete",
      target: stored.name,
      detail: { id: stored.id, kind: stored.kind },
      at: ctx.clock.now(),
    });
  });
}

const dateParam = z.iso
  .datetime({ offset: true, error: "Give an ISO 8601 time, like 2026-11-24T12:00:00Z." })
  .transform((value) => new Date(value));

/** The results API's query: `from` inclusive, `to` exclusive (ISO times), newest first. */
export const resultsQuerySchema = z
  .object({
    from: dateParam.optional(),
    to: dateParam.optional(),
    limit: queryInt("limit", { min: 1, max: 1000 }).default(100),
  })
  .refine((query) => !query.from || !query.to || query.from < query.to, {
    path: ["to"],
    error: "to must be after from.",
  });

export type CheckResultView = {
  at: string;
  ok: boolean;
  latencyMs: number;
  statusCode: number | null;
  detail: Record<string, unknown>;
  error: string | null;
};

export function toResultView(row: CheckResult): CheckResultView {
  return {
    at: row.at.toISOString(),
    ok: row.ok,
    latencyMs: row.latencyMs,
    statusCode: row.statusCode,
    detail: row.detail,
    error: row.error,
  };
}

/** A check's results in a window, newest first; the query comes unchecked (URL search params). */
export async function listCheckResults(
  ctx: Pick<Ctx, "db">,
  id: string,
  query: unknown,
): Promise<{ results: CheckResultView[] }> {
  const parsed = resultsQuerySchema.safeParse(query);
  const check = await findCheck(ctx.db, id);
  if (!parsed.success) throw invalid(checkFieldErrors(parsed.error));
  const { from, to, limit } = parsed.data;
  const rows = await ctx.db
    .select()
    .from(checkResults)
    .where(
      and(
        eq(checkResults.checkId, check.id),
        from ? gte(checkResults.at, from) : undefined,
        to ? lt(checkResults.at, to) : undefined,
      ),
    )
    .orderBy(desc(checkResults.at), desc(checkResults.id))
    .limit(limit);
  return { results: rows.map(toResultView) };
}
