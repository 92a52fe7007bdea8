"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { withAction } from "@/lib/http/action";
import { backtestInputSchema, runBacktest } from "@/lib/rules/backtest";
import {
  ruleEditFormSchema,
  ruleFormSchema,
  ruleIdFormSchema,
  ruleToggleFormSchema,
} from "@/lib/rules/form";
import { createRule, deleteRule, updateRule } from "@/lib/rules/service";
import { appCtx } from "@/lib/runtime";

export const createRuleAction = withAction(
  { access: "admin", schema: ruleFormSchema },
  async (input, actor) => {
    await createRule({ ctx: appCtx(actor), input });
    revalidatePath("/rules");
    redirect("/rules");
  },
);

export const updateRuleAction = withAction(
  { access: "admin", schema: ruleEditFormSchema },
  async ({ id, ...patch }, actor) => {
    await updateRule({ ctx: appCtx(actor), id, patch });
    revalidatePath("/rules");
    redirect("/rules");
  },
);

export const toggleRuleAction = withAction(
  { access: "admin", schema: ruleToggleFormSchema, revalidate: ["/rules"] },
  async ({ id, enabled }, actor) => {
    const rule = await updateRule({ ctx: appCtx(actor), id, patch: { enabled } });
    return { enabled: rule.enabled };
  },
);

export const deleteRuleAction = withAction(
  { access: "admin", schema: ruleIdFormSchema },
  async ({ id }, actor) => {
    await deleteRule({ ctx: appCtx(actor), id });
    revalidatePath("/rules");
    redirect("/rules");
  },
);

export const backtestRuleAction = withAction(
  { access: "admin", schema: backtestInputSchema },
  async (input, actor) => runBacktest({ ctx: appCtx(actor), input }),
);
