// Fault suite: the Heroku Platform API answering 500, 429 or nothing while a rule restarts a dyno.
// The simulator fails requests through POST /__sim/faults; a lost answer (the restart happens, the
// answer never arrives) is a fetch that holds the simulator's answer until the client gives up.
// Whatever happens, one breach restarts at most once and each attempt is audited once.
import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresCache } from "@/lib/cache/postgres";
import { manualClock } from "@/lib/clock";
import { actions, auditEvents, type Rule } from "@/lib/db/schema";
import { control } from "@/lib/heroku/simulator/test-kit";
import { evaluateRules } from "@/lib/incidents/evaluate";
import {
  type EvaluateWorld,
  evaluateSettings,
  startEvaluateWorld,
} from "@/lib/testing/evaluate-world";

const START = new Date("2026-11-24T12:00:00Z");
const HOUR = 3600_000;
/** The client gives up on an answer after this long (15 s in production). */
const TIMEOUT_MS = 300;

let world: EvaluateWorld;
/** Every restart request that reached the simulator, with its answer. */
const restarts: { path: string; status: number }[] = [];
/** The client's waits between retries. */
const sleeps: number[] = [];
/** The next restart answers that are lost on the way back. */
let loseAnswers = 0;

beforeAll(async () => {
  world = await startEvaluateWorld({
    start: START,
    heroku: {
      timeoutMs: TIMEOUT_MS,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (init?.method !== "DELETE") return response;
        restarts.push({ path: new URL(String(input)).pathname, status: response.status });
        if (loseAnswers > 0 && init.signal) {
          loseAnswers--;
          const signal = init.signal;
          await new Promise((_, reject) => {
            signal.addEventListener("abort", () => reject(signal.reason), { once: true });
          });
        }
        return response;
      },
    },
  });
});
afterAll(async () => {
  await world?.close();
});

async function faults(status: 429 | 500 | 503, count: number) {
  const response = await control(world.sim, "POST", "/__sim/faults", { status, count });
  expect(response.status).toBe(200);
}

/** One evaluator at `at`, with the Postgres cache for cooling periods. */
async function evaluate(at: Date) {
  const clock = manualClock(at);
  const cache = createPostgresCache(world.database.db, clock);
  return evaluateRules(world.ctxWith(cache, clock), {
    restarter: world.client,
    settings: evaluateSettings,
  });
}

async function recorded(rule: Rule) {
  const rows = await world.database.db.select().from(actions).where(eq(actions.ruleId, rule.id));
  const audited = await world.database.db
    .select()
    .from(auditEvents)
    .where(and(like(auditEvents.action, "restart.%")));
  const mine = audited.filter(
    (event) => (event.detail as { ruleId?: string } | null)?.ruleId === rule.id,
  );
  return {
    outcomes: rows.map((row) => row.status),
    reasons: rows.map((row) => row.reason),
    audited: mine.map((event) => event.action),
  };
}

function report(task: { meta: object }, line: string) {
  (task.meta as { fault?: string }).fault = line;
  process.stdout.write(`${line}\n`);
}

describe("a restart while the Heroku API fails", () => {
  it.for([
    { name: "heroku-500", status: 500 as const, count: 2, hour: 1 },
    { name: "heroku-429", status: 429 as const, count: 3, hour: 2 },
  ])(
    "$name: retried, performed and audited once",
    async ({ name, status, count, hour }, { task }) => {
      const at = new Date(START.getTime() + hour * HOUR);
      const rule = await world.createRule({ dyno: "web.1" });
      const path = "/apps/shop-prod/dynos/web.1";
      const from = restarts.length;
      const slept = sleeps.length;
      try {
        await world.storeR14("web.1", at, [3, 4, 5, 6]);
        await faults(status, count);
        const summary = await evaluate(at);
        const seen = restarts.slice(from).filter((r) => r.path === path);
        const waits = sleeps.slice(slept);
        const { outcomes, audited } = await recorded(rule);
        const performed = seen.filter((r) => r.status === 202).length;
        report(
          task,
          `FAULT ${name} requests=${seen.length} restarts=${performed} outcome=${outcomes.join(",")} audited=${audited.length} waits=${waits.join("/")}ms`,
        );
        expect(summary.restarts).toBe(1);
        expect(seen.map((r) => r.status)).toEqual([...Array(count).fill(status), 202]);
        expect(outcomes).toEqual(["performed"]);
        expect(audited).toEqual(["restart.performed"]);
        // 429 carries Retry-After: 1; the client waits at least that long each time
        expect(waits).toHaveLength(count);
        if (status === 429) expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000);
      } finally {
        await faults(503, 0);
        await world.cleanUp(rule);
      }
    },
  );

  it("heroku-503-throughout: failed and audited once, no restart; the next repeat restarts once", async ({
    task,
  }) => {
    const at = new Date(START.getTime() + 3 * HOUR);
    const rule = await world.createRule({ dyno: "web.2" });
    const path = "/apps/shop-prod/dynos/web.2";
    const from = restarts.length;
    try {
      await world.storeR14("web.2", at, [3, 4, 5, 6]);
      await faults(503, 100);
      const first = await evaluate(at);
      const during = await recorded(rule);
      await faults(503, 0);
      // Heroku is back; the incident's reminder (repeat interval) tries the restart again
      const later = new Date(at.getTime() + (evaluateSettings.repeatIntervalSeconds + 1) * 1000);
      await world.storeR14("web.2", later, [3, 4, 5, 6]);
      const second = await evaluate(later);
      const seen = restarts.slice(from).filter((r) => r.path === path);
      const after = await recorded(rule);
      const performed = seen.filter((r) => r.status === 202).length;
      report(
        task,
        `FAULT heroku-503-throughout requests=${seen.length} restarts=${performed} outcome=${after.outcomes.join(",")} audited=${after.audited.length}`,
      );
      expect(first.restarts).toBe(0);
      expect(during.outcomes).toEqual(["failed"]);
      expect(during.audited).toEqual(["restart.failed"]);
      expect(second.restarts).toBe(1);
      expect(performed).toBe(1);
      expect(after.outcomes).toEqual(["failed", "performed"]);
      expect(after.audited.sort()).toEqual(["restart.failed", "restart.performed"]);
    } finally {
      await faults(503, 0);
      await world.cleanUp(rule);
    }
  });

  it("heroku-timeout: a restart whose answer is lost is not sent again", async ({ task }) => {
    const at = new Date(START.getTime() + 4 * HOUR);
    const rule = await world.createRule({ dyno: "web.1" });
    const path = "/apps/shop-prod/dynos/web.1";
    const from = restarts.length;
    try {
      await world.storeR14("web.1", at, [3, 4, 5, 6]);
      loseAnswers = 1;
      await evaluate(at);
      // a minute on, the same breach is seen again: nothing is due, nothing is repeated
      await evaluate(new Date(at.getTime() + 60_000));
      const seen = restarts.slice(from).filter((r) => r.path === path);
      const { outcomes, reasons, audited } = await recorded(rule);
      report(
        task,
        `FAULT heroku-timeout requests=${seen.length} restarts=${seen.filter((r) => r.status === 202).length} outcome=${outcomes.join(",")} audited=${audited.length}`,
      );
      expect(seen.map((r) => r.status)).toEqual([202]);
      expect(outcomes).toEqual(["failed"]);
      expect(reasons[0]).toMatch(/did not answer/);
      expect(audited).toEqual(["restart.failed"]);
    } finally {
      loseAnswers = 0;
      await world.cleanUp(rule);
    }
  });
});
