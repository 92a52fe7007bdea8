import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { EnabledToggle } from "@/components/ui/row-actions";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/guards";
import { ACTION_LABELS, describeRule } from "@/lib/rules/schema";
import { getRules } from "@/lib/rules/service";
import { toggleRuleAction } from "./actions";

export const metadata: Metadata = { title: "Rules" };

const linkClasses = "font-medium text-indigo-700 hover:underline dark:text-indigo-300";

export default async function RulesPage() {
  const user = await requireUser();
  const isAdmin = user.role === "admin";
  const rules = await getRules();
  const newRule = (
    <Link href="/rules/new" className={buttonClasses()}>
      New rule
    </Link>
  );
  return (
    <>
      <PageHeader
        title="Rules"
        description="What we watch for: error codes, 5xx rate, memory against quota, load, crashes and silence."
        actions={isAdmin && rules.length > 0 ? newRule : undefined}
      />
      {rules.length === 0 ? (
        <Card>
          <EmptyState title="No rules yet" action={isAdmin ? newRule : undefined}>
            A rule names an error code or a threshold, a dyno type, who to tell and what to restart;
            for example: alert when R14 happens 3 times in 5 minutes on shop-prod web, and restart
            the dyno.{" "}
            {isAdmin
              ? "Pick apps and dyno types once apps are synced, or watch every app."
              : "Ask an admin to add one."}
          </EmptyState>
        </Card>
      ) : (
        <Card title={`${rules.length} ${rules.length === 1 ? "rule" : "rules"}`}>
          <Table caption="Rules">
            <thead>
              <tr>
                <Th>Rule</Th>
                <Th>Target</Th>
                <Th>Channels</Th>
                <Th>Action</Th>
                <Th>State</Th>
                {isAdmin && <Th className="text-right">Change</Th>}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {rules.map((rule) => (
                <tr key={rule.id}>
                  <Td>
                    <Link href={`/rules/${rule.id}`} className={linkClasses}>
                      {rule.name}
                    </Link>
                    <p className="text-xs text-slate-600 dark:text-slate-400">
                      {describeRule(rule)}
                    </p>
                  </Td>
                  <Td>
                    {rule.app ? (
                      <>
                        <Link
                          href={`/apps/${encodeURIComponent(rule.app)}`}
                          className={linkClasses}
                        >
                          {rule.app}
                        </Link>
                        <p className="text-xs text-slate-600 dark:text-slate-400">
                          {rule.dyno ??
                            (rule.dynoType ? `${rule.dynoType} dynos` : "every dyno type")}
                        </p>
                      </>
                    ) : (
                      <>
                        every app
                        {rule.dynoType && (
                          <p className="text-xs text-slate-600 dark:text-slate-400">
                            {rule.dynoType} dynos
                          </p>
                        )}
                      </>
                    )}
                  </Td>
                  <Td>{rule.channels.join(", ")}</Td>
                  <Td>{ACTION_LABELS[rule.action]}</Td>
                  <Td>
                    <span className="inline-flex flex-wrap gap-1">
                      <Badge tone={rule.enabled ? "ok" : "neutral"}>
                        {rule.enabled ? "enabled" : "disabled"}
                      </Badge>
                      {rule.dryRun && (
                        <Badge tone="warn" title="Restarts are recorded, not performed.">
                          dry run
                        </Badge>
                      )}
                    </span>
                  </Td>
                  {isAdmin && (
                    <Td className="text-right">
                      <EnabledToggle
                        id={rule.id}
                        name={rule.name}
                        enabled={rule.enabled}
                        action={toggleRuleAction}
                      />
                    </Td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
