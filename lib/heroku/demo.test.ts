import { describe, expect, it } from "vitest";
import { parseScenarioList } from "./demo";
import { describeScenarios } from "./simulator/scenarios";

describe("parseScenarioList", () => {
  it("reads every scenario the simulator describes, with its numeric settings", () => {
    const scenarios = parseScenarioList(describeScenarios());
    expect(scenarios.length).toBe(describeScenarios().length);
    const leak = scenarios.find((s) => s.name === "memory-leak");
    expect(leak?.params.map((p) => [p.name, p.default])).toEqual([
      ["percentPerMinute", 25],
      ["durationSeconds", 0],
    ]);
    // boolean settings are not offered as number fields
    for (const scenario of scenarios) {
      for (const param of scenario.params) expect(param.type).toBe("number");
    }
  });
});
