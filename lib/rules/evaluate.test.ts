import { describe, expect, it } from "vitest";
import { evaluateRule, type Measurement, targetKey } from "./evaluate";

const web2 = { appId: "a1", appName: "shop-prod", dynoType: "web", dyno: "web.2" };
const web = { appId: "a1", appName: "shop-prod", dynoType: "web", dyno: null };

describe("evaluateRule", () => {
  it("fires an error-code rule at the least count, not below, and only for its code", () => {
    const rule = {
      kind: "error_code",
      params: { code: "R14", leastCount: 3, windowSeconds: 300, forSeconds: 0 },
    } as const;
    const m = (code: string, count: number): Measurement => ({
      ...web2,
      kind: "error_code",
      code,
      count,
      series: [],
    });
    expect(evaluateRule(rule, [m("R14", 2)])).toEqual([]);
    expect(evaluateRule(rule, [m("R15", 9)])).toEqual([]);
    const [breach] = evaluateRule(rule, [m("R14", 3)]);
    expect(breach).toMatchObject({ code: "R14", value: 3, threshold: 3, dyno: "web.2" });
    expect(breach?.summary).toBe("3 × R14 in 300 s on shop-prod web.2");
  });

  it("needs the minimum request count before a 5xx rate counts", () => {
    const rule = {
      kind: "http_5xx",
      params: { percent: 5, windowSeconds: 300, minRequests: 100, forSeconds: 0 },
    } as const;
    const m = (requests: number, errors: number): Measurement => ({
      ...web,
      kind: "http_5xx",
      requests,
      errors,
      series: [],
    });
    expect(evaluateRule(rule, [m(50, 50)])).toEqual([]);
    expect(evaluateRule(rule, [m(1000, 49)])).toEqual([]);
    expect(evaluateRule(rule, [m(1000, 50)])[0]).toMatchObject({
      value: 5,
      observed: { requests: 1000 },
    });
  });

  it("fires memory and load rules only when every one of the last K samples is at or above", () => {
    const memory = { kind: "memory", params: { percent: 90, samples: 3, forSeconds: 0 } } as const;
    const mm = (percents: number[]): Measurement => ({
      ...web2,
      kind: "memory",
      percents,
      rssMb: 500,
      quotaMb: 512,
    });
    expect(evaluateRule(memory, [mm([95, 91])])).toEqual([]); // not enough samples yet
    expect(evaluateRule(memory, [mm([95, 89, 99])])).toEqual([]);
    expect(evaluateRule(memory, [mm([97.66, 95, 90, 10])])[0]).toMatchObject({
      value: 97.7,
      series: [10, 90, 95, 97.66],
    });
    const load = { kind: "load", params: { load: 2, samples: 2, forSeconds: 0 } } as const;
    const ml = (loads: number[]): Measurement => ({ ...web2, kind: "load", loads });
    expect(evaluateRule(load, [ml([2.5, 1.9])])).toEqual([]);
    expect(evaluateRule(load, [ml([2.5, 2])])[0]).toMatchObject({ value: 2.5 });
  });

  it("fires on a crash and on silence past the limit", () => {
    const crash = { kind: "crash", params: { windowSeconds: 600, forSeconds: 0 } } as const;
    expect(evaluateRule(crash, [{ ...web2, kind: "crash", count: 0, lastAt: new Date() }])).toEqual(
      [],
    );
    expect(
      evaluateRule(crash, [{ ...web2, kind: "crash", count: 2, lastAt: new Date() }])[0]?.summary,
    ).toBe("shop-prod web.2 crashed 2 times in 10 min");
    const silence = { kind: "ingest_silence", params: { minutes: 10, forSeconds: 0 } } as const;
    const app = { appId: "a1", appName: "shop-prod", dynoType: null, dyno: null };
    expect(
      evaluateRule(silence, [
        { ...app, kind: "ingest_silence", lastLineAt: new Date(), silentSeconds: 599 },
      ]),
    ).toEqual([]);
    expect(
      evaluateRule(silence, [
        { ...app, kind: "ingest_silence", lastLineAt: new Date(), silentSeconds: 600 },
      ]),
    ).toHaveLength(1);
  });

  it("names targets for fingerprints", () => {
    expect(targetKey(web2)).toBe("a1/web/web.2");
    expect(targetKey({ ...web, dynoType: null })).toBe("a1/*/*");
  });
});
