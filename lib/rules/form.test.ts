import { describe, expect, it } from "vitest";
import { formValuesToRuleInput, NEW_RULE_VALUES, ruleFormSchema } from "./form";
import { ruleInputSchema } from "./schema";

const fieldErrors = (values: Record<string, string>) =>
  Object.fromEntries(
    (ruleFormSchema.safeParse(values).error?.issues ?? []).map((issue) => [
      issue.path.join("."),
      issue.message,
    ]),
  );

describe("the rule form's number fields", () => {
  it("are sent as numbers, so the API's strict schema takes the form's draft", () => {
    const input = formValuesToRuleInput({
      ...NEW_RULE_VALUES,
      name: "R14",
      "params.leastCount": " 3 ",
      "params.windowSeconds": "300",
      repeatIntervalSeconds: "600",
      restartCoolingSeconds: "",
    });
    expect(input).toMatchObject({
      params: { code: "R14", leastCount: 3, windowSeconds: 300, forSeconds: 0 },
      repeatIntervalSeconds: 600,
      restartCoolingSeconds: undefined,
    });
    expect(ruleInputSchema.parse(input)).toMatchObject({
      params: { leastCount: 3 },
      repeatIntervalSeconds: 600,
      restartCoolingSeconds: null,
    });
  });

  it("keeps text fields as text (an error code, a status check)", () => {
    expect(
      formValuesToRuleInput({
        kind: "check_failing",
        "params.checkId": "123",
        "params.failures": "2",
      }).params,
    ).toEqual({ checkId: "123", failures: 2 });
    expect(formValuesToRuleInput({ kind: "error_code", "params.code": "r14" }).params).toEqual({
      code: "r14",
    });
  });

  it.each([
    ["params.leastCount", "0x3", "Least count must be a number"],
    ["params.leastCount", "three", "Least count must be a number"],
    ["params.leastCount", "2.5", "Least count must be a whole number"],
    ["params.windowSeconds", "1e9", "The window must be at most 86400"],
    ["repeatIntervalSeconds", "soon", "The repeat interval must be a number"],
  ])("report %s = %j as that field's error", (field, value, message) => {
    expect(fieldErrors({ ...NEW_RULE_VALUES, name: "R14", [field]: value })).toEqual({
      [field]: message,
    });
  });

  it("read a blank required field as missing", () => {
    expect(
      fieldErrors({ ...NEW_RULE_VALUES, name: "R14", "params.leastCount": "  " })[
        "params.leastCount"
      ],
    ).toMatch(/number/);
  });
});
