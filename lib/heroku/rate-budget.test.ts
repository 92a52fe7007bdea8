import { describe, expect, it } from "vitest";
import { defaultBudgetPolicy, RateBudget } from "./rate-budget";

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 24, 12, 0, seconds));

describe("RateBudget", () => {
  it("lets every priority through at once while the pool is full", () => {
    const budget = new RateBudget();
    budget.observe(4400, at(0));
    expect(budget.plan("discover", at(0))).toBe(0);
    expect(budget.plan("poll", at(0))).toBe(0);
    expect(budget.plan("restart", at(0))).toBe(0);
  });

  it("keeps a reserve for restarts: polling waits, restarts do not", () => {
    const budget = new RateBudget();
    budget.observe(defaultBudgetPolicy.pollReserve, at(0));
    expect(budget.plan("restart", at(0))).toBe(0);
    // one token above the reserve refills in 60000/75 = 800 ms
    expect(budget.plan("poll", at(0))).toBe(800);
    expect(budget.plan("discover", at(0))).toBeGreaterThan(budget.plan("poll", at(0)));
  });

  it("stops discovery above the polling reserve", () => {
    const budget = new RateBudget();
    budget.observe(defaultBudgetPolicy.discoverReserve - 10, at(0));
    expect(budget.plan("poll", at(0))).toBe(0); // first paced request goes at once
    expect(budget.plan("discover", at(0))).toBe(Math.ceil((11 / 75) * 60_000));
  });

  it("paces polling and discovery at the refill rate once the pool is low", () => {
    const budget = new RateBudget();
    budget.observe(1000, at(0));
    expect(budget.plan("poll", at(0))).toBe(0);
    budget.spend("poll", at(0));
    expect(budget.plan("poll", at(0))).toBe(800);
    expect(budget.plan("restart", at(0))).toBe(0);
    expect(budget.plan("poll", new Date(at(0).getTime() + 800))).toBe(0);
  });

  it("estimates refill since the last observation and counts requests sent since", () => {
    const budget = new RateBudget();
    budget.observe(100, at(0));
    expect(budget.estimate(at(60))).toBe(175);
    budget.spend("restart", at(60));
    expect(budget.estimate(at(60))).toBe(174);
    expect(budget.estimate(new Date(at(0).getTime() + 3_600_000 * 2))).toBe(4499);
  });

  it("treats a 429 as an empty pool", () => {
    const budget = new RateBudget();
    budget.exhausted(at(0));
    expect(budget.snapshot(at(0))).toMatchObject({
      remaining: 0,
      level: "critical",
      waiting: ["discover", "poll", "restart"],
    });
    expect(budget.plan("restart", at(0))).toBe(800);
  });

  it("reports its level for the Settings page", () => {
    const budget = new RateBudget();
    budget.observe(4000, at(0));
    expect(budget.snapshot(at(0)).level).toBe("ok");
    budget.observe(1200, at(0));
    expect(budget.snapshot(at(0))).toMatchObject({ level: "low", waiting: [] });
    budget.observe(500, at(0));
    expect(budget.snapshot(at(0))).toMatchObject({ level: "low", waiting: ["discover"] });
  });
});
