import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { BacktestPanel } from "@/components/rules/backtest-panel";
import { RuleForm } from "@/components/rules/rule-form";
import { listApps } from "@/lib/apps/queries";
import { requireAdmin } from "@/lib/auth/guards";
import { NEW_RULE_VALUES, toRuleAppOptions } from "@/lib/rules/form";
import { getCheckOptions } from "@/lib/rules/service";
import { backtestRuleAction, createRuleAction } from "../actions";

export const metadata: Metadata = { title: "New rule" };

export default async function NewRulePage() {
  await requireAdmin();
  const [apps, checks] = await Promise.all([listApps(), getCheckOptions()]);
  return (
    <>
      <PageHeader
        title="New rule"
        description="Say what to watch, on which app and dyno type, who to tell and what to restart."
      />
      <RuleForm
        backtest={<BacktestPanel run={backtestRuleAction} />}
        action={createRuleAction}
        initial={NEW_RULE_VALUES}
        apps={toRuleAppOptions(apps)}
        checks={checks}
        submitLabel="Create rule"
      />
    </>
  );
}
