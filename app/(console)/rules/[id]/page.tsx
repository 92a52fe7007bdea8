import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/layout/page-header";
import { BacktestPanel } from "@/components/rules/backtest-panel";
import { RuleDetails } from "@/components/rules/rule-details";
import { RuleForm } from "@/components/rules/rule-form";
import { Card } from "@/components/ui/card";
import { DeleteButton } from "@/components/ui/row-actions";
import { listApps } from "@/lib/apps/queries";
import { requireUser } from "@/lib/auth/guards";
import { ruleToFormValues, toRuleAppOptions } from "@/lib/rules/form";
import { getCheckOptions, getRuleById } from "@/lib/rules/service";
import { backtestRuleAction, deleteRuleAction, updateRuleAction } from "../actions";

export const metadata: Metadata = { title: "Rule" };

export default async function RulePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const rule = await getRuleById(id);
  if (!rule) notFound();
  const back = (
    <Link href="/rules" className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">
      All rules
    </Link>
  );

  if (user.role !== "admin") {
    return (
      <>
        <PageHeader title={rule.name} description="Only admins change rules." actions={back} />
        <Card>
          <RuleDetails rule={rule} />
        </Card>
      </>
    );
  }

  const [apps, checks] = await Promise.all([listApps(), getCheckOptions()]);
  return (
    <>
      <PageHeader
        title={`Edit ${rule.name}`}
        description="What it watches, on which target, who is told and what is restarted."
        actions={back}
      />
      <RuleForm
        backtest={<BacktestPanel run={backtestRuleAction} />}
        action={updateRuleAction}
        initial={ruleToFormValues(rule)}
        ruleId={rule.id}
        apps={toRuleAppOptions(apps)}
        checks={checks}
        submitLabel="Save rule"
      />
      <Card
        title="Delete this rule"
        description="The rule goes; the incidents it opened stay, without it."
        className="mt-6"
      >
        <DeleteButton
          id={rule.id}
          label="Delete rule"
          question={`Delete the rule “${rule.name}”? Its past incidents are kept.`}
          action={deleteRuleAction}
        />
      </Card>
    </>
  );
}
