// Rule CRUD for the REST API and the console: validates with ruleInputSchema, resolves the app by
// name against what discovery stored, and writes each change and its audit row in one transaction.
import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/context";
import { type Executor, getDb } from "@/lib/db/client";
import { apps, checks, dynos, formations, type Rule, rules } from "@/lib/db/schema";
import { AppError, type FieldErrors, notFound } from "@/lib/errors";
import {
  paramsSchemas,
  RULE_KINDS,
  type RuleInput,
  type RuleView,
  ruleFieldErrors,
  ruleInputSchema,
  ruleViewToInput,
  toRuleView,
} from "./schema";

const idSchema = z.uuid();

function invalid(fields: FieldErrors): AppError {
  return new AppError("validation", "Some fields are invalid.", { fields });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The whole rule through ruleInputSchema; failures become field errors (422, or the form's). */
function parseRuleInput(value: unknown): RuleInput {
  const parsed = ruleInputSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = ruleFieldErrors(parsed.error);
  const kind = isObject(value) ? value.kind : undefined;
  if (isObject(value) && value.params === undefined && fields.params && isKind(kind)) {
    // the params a rule must give: those without a default
    const keys = Object.entries(paramsSchemas[kind].shape)
      .filter(([, schema]) => !(schema as z.ZodType).safeParse(undefined).success)
      .map(([key]) => key)
      .join(", ");
    fields.params = [`A ${kind} rule needs params: ${keys}.`];
  }
  throw invalid(fields);
}

function isKind(value: unknown): value is (typeof RULE_KINDS)[number] {
  return RULE_KINDS.includes(value as (typeof RULE_KINDS)[number]);
}

const naturalSort = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });

type Target = { appId: string | null; dynoType: string | null; dyno: string | null };

/**
 * Checks the rule's app, dyno type and dyno against what discovery stored and returns the ids to
 * store. `keepAppId` lets an edit keep an app that has since gone from the account.
 */
async function resolveTarget(
  db: Executor,
  input: RuleInput,
  keepAppId: string | null = null,
): Promise<Target> {
  const dynoType = input.dynoType ?? input.dyno?.split(".")[0] ?? null;
  if (input.kind === "check_failing") {
    const [check] = await db
      .select({ id: checks.id })
      .from(checks)
      .where(eq(checks.id, input.params.checkId));
    if (!check)
      throw invalid({ "params.checkId": ["No such status check: pick one from the list."] });
  }
  if (input.app === null) {
    if (input.dyno) {
      throw invalid({ dyno: ["One dyno needs its app: pick the app, or leave the dyno empty."] });
    }
    return { appId: null, dynoType, dyno: null };
  }
  const candidates = await db
    .select({ id: apps.id, status: apps.status })
    .from(apps)
    .where(eq(apps.name, input.app))
    .orderBy(asc(apps.status));
  const app =
    candidates.find((row) => row.status === "active") ??
    candidates.find((row) => row.id === keepAppId);
  if (!app) throw invalid({ app: [`No app named ${input.app} in this account.`] });

  const fields: FieldErrors = {};
  if (dynoType) {
    const [formationRows, dynoRows] = await Promise.all([
      db.select({ type: formations.type }).from(formations).where(eq(formations.appId, app.id)),
      db.select({ type: dynos.type }).from(dynos).where(eq(dynos.appId, app.id)),
    ]);
    const known = [...new Set([...formationRows, ...dynoRows].map((row) => row.type))].sort();
    if (!known.includes(dynoType)) {
      fields.dynoType = [
        known.length
          ? `${input.app} has no dyno type ${dynoType}; its dyno types are ${known.join(", ")}.`
          : `${input.app} has no dyno types yet: sync the apps, or leave the dyno type empty.`,
      ];
    }
  }
  if (input.dyno && !fields.dynoType) {
    const [row] = await db
      .select({ id: dynos.id })
      .from(dynos)
      .where(and(eq(dynos.appId, app.id), eq(dynos.name, input.dyno)));
    if (!row) {
      const names = (
        await db
          .select({ name: dynos.name })
          .from(dynos)
          .where(and(eq(dynos.appId, app.id), eq(dynos.type, dynoType ?? "")))
      )
        .map((d) => d.name)
        .sort(naturalSort);
      fields.dyno = [
        names.length
          ? `${input.app} has no dyno ${input.dyno}; its ${dynoType} dynos are ${names.join(", ")}.`
          : `${input.app} has no ${dynoType} dynos running: leave the dyno empty to watch the type.`,
      ];
    }
  }
  if (Object.keys(fields).length) throw invalid(fields);
  return { appId: app.id, dynoType, dyno: input.dyno };
}

function rowValues(input: RuleInput, target: Target) {
  return {
    name: input.name,
    kind: input.kind,
    appId: target.appId,
    dynoType: target.dynoType,
    dyno: target.dyno,
    params: input.params as Record<string, unknown>,
    channels: input.channels,
    recipients: input.recipients,
    action: input.action,
    repeatIntervalSeconds: input.repeatIntervalSeconds,
    restartCoolingSeconds: input.restartCoolingSeconds,
    dryRun: input.dryRun,
    enabled: input.enabled,
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

async function toView(db: Executor, rule: Rule): Promise<RuleView> {
  const names = await appNames(db, [rule.appId]);
  return toRuleView(rule, rule.appId ? (names.get(rule.appId) ?? null) : null);
}

/** The stored rule; `lock` holds it for the rest of the transaction (edits do not interleave). */
async function findRule(db: Executor, id: string, options: { lock?: boolean } = {}): Promise<Rule> {
  if (!idSchema.safeParse(id).success) throw notFound("Rule");
  const query = db.select().from(rules).where(eq(rules.id, id));
  const [row] = options.lock ? await query.for("update") : await query;
  if (!row) throw notFound("Rule");
  return row;
}

/** Every rule, by name. */
export async function listRules(ctx: Pick<Ctx, "db">): Promise<RuleView[]> {
  const rows = await ctx.db.select().from(rules).orderBy(asc(rules.name), asc(rules.createdAt));
  const names = await appNames(
    ctx.db,
    rows.map((row) => row.appId),
  );
  return rows.map((row) => toRuleView(row, row.appId ? (names.get(row.appId) ?? null) : null));
}

/** One rule; an unknown id (or one that is not a UUID) is a not_found AppError. */
export async function getRule(ctx: Pick<Ctx, "db">, id: string): Promise<RuleView> {
  return toView(ctx.db, await findRule(ctx.db, id));
}

/** Creates a rule from unchecked input (API body or parsed form). */
export async function createRule({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<RuleView> {
  const rule = parseRuleInput(input);
  return ctx.db.transaction(async (tx) => {
    const target = await resolveTarget(tx, rule);
    const now = ctx.clock.now();
    const [row] = await tx
      .insert(rules)
      .values({
        ...rowValues(rule, target),
        createdBy: ctx.actor.type === "user" ? ctx.actor.id : null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new AppError("internal", "The rule was not created.");
    await recordAudit(tx, ctx.actor, {
      action: "rule.create",
      target: row.name,
      detail: { id: row.id, kind: row.kind, app: rule.app, action: row.action },
      at: now,
    });
    return toView(tx, row);
  });
}

/**
 * Merges `patch` onto the stored rule and validates the whole. Params are merged too while the
 * kind stays the same; a new kind needs all of its params.
 */
/** JSON with sorted object keys: jsonb hands params back in its own key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    isObject(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

function mergeRulePatch(current: RuleInput, patch: unknown): unknown {
  if (!isObject(patch)) throw invalid({ _: ["Send a JSON object with the fields to change."] });
  let params: unknown = current.params;
  if (patch.kind !== undefined && patch.kind !== current.kind) params = patch.params;
  else if (isObject(patch.params)) params = { ...current.params, ...patch.params };
  else if (patch.params !== undefined) params = patch.params;
  return { ...current, ...patch, params };
}

export async function updateRule({
  ctx,
  id,
  patch,
}: {
  ctx: Ctx;
  id: string;
  patch: unknown;
}): Promise<RuleView> {
  return ctx.db.transaction(async (tx) => {
    const stored = await findRule(tx, id, { lock: true });
    const current = ruleViewToInput(await toView(tx, stored));
    const rule = parseRuleInput(mergeRulePatch(current, patch));
    const target = await resolveTarget(tx, rule, stored.appId);
    const now = ctx.clock.now();
    const [row] = await tx
      .update(rules)
      .set({ ...rowValues(rule, target), updatedAt: now })
      .where(eq(rules.id, stored.id))
      .returning();
    if (!row) throw notFound("Rule");
    const changed = (Object.keys(rule) as (keyof RuleInput)[])
      .filter((key) => canonical(rule[key]) !== canonical(current[key]))
      .sort();
    await recordAudit(tx, ctx.actor, {
      action: "rule.update",
      target: row.name,
      detail: { id: row.id, changed },
      at: now,
    });
    return toView(tx, row);
  });
}

export async function deleteRule({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const stored = await findRule(tx, id, { lock: true });
    await tx.delete(rules).where(eq(rules.id, stored.id));
    await recordAudit(tx, ctx.actor, {
      action: "rule.delete",
      target: stored.name,
      detail: { id: stored.id, kind: stored.kind },
      at: ctx.clock.now(),
    });
  });
}

// Reads for the console's pages, on the process's database (pages hold no ctx).

/** The status checks a "check failing" rule can watch, for the editor. */
export async function getCheckOptions(): Promise<{ id: string; name: string }[]> {
  return getDb()
    .select({ id: checks.id, name: checks.name })
    .from(checks)
    .orderBy(asc(checks.name));
}

export async function getRules(): Promise<RuleView[]> {
  return listRules({ db: getDb() });
}

/** One rule for its page, or null for an unknown id. */
export async function getRuleById(id: string): Promise<RuleView | null> {
  try {
    return await getRule({ db: getDb() }, id);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
}
