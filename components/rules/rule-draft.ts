"use client";
// The rule as it stands in the editor, unsaved: for panels placed in the editor's backtest slot.
import { createContext, useContext } from "react";
import type { RuleFormValues } from "@/lib/rules/form";
import type { RuleInput } from "@/lib/rules/schema";

export type RuleDraft = {
  /** The stored rule's id; null while creating. */
  ruleId: string | null;
  /** The fields as typed, keyed like the form (`params.leastCount`). */
  values: RuleFormValues;
  /** The draft checked by ruleInputSchema, or null while a field is invalid. */
  input: RuleInput | null;
};

export const RuleDraftContext = createContext<RuleDraft | null>(null);

/** The editor's current draft; null outside a RuleForm. */
export function useRuleDraft(): RuleDraft | null {
  return useContext(RuleDraftContext);
}
