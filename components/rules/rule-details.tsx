import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { formatDuration } from "@/lib/format";
import { describeTarget, summarizeRule } from "@/lib/rules/form";
import { ACTION_LABELS, describeRule, KIND_LABELS, type RuleView } from "@/lib/rules/schema";

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 py-2.5 sm:grid-cols-3 sm:gap-4">
      <dt className="text-sm font-medium text-slate-600 dark:text-slate-400">{term}</dt>
      <dd className="text-sm sm:col-span-2">{children}</dd>
    </div>
  );
}

const seconds = (value: number | null, fallback: string) =>
  value === null ? fallback : formatDuration(value * 1000);

/** A rule, read-only: what viewers see instead of the editor. */
export function RuleDetails({ rule }: { rule: RuleView }) {
  return (
    <div>
      <p className="mb-3 text-sm">{summarizeRule(rule)}</p>
      <dl className="divide-y divide-slate-100 dark:divide-slate-800">
        <Row term="State">
          <span className="inline-flex gap-2">
            <Badge tone={rule.enabled ? "ok" : "neutral"}>
              {rule.enabled ? "enabled" : "disabled"}
            </Badge>
            {rule.dryRun && <Badge tone="warn">dry run</Badge>}
          </span>
        </Row>
        <Row term="Kind">{KIND_LABELS[rule.kind]}</Row>
        <Row term="Watches">{describeRule(rule)}</Row>
        <Row term="Target">{describeTarget(rule)}</Row>
        <Row term="Channels">{rule.channels.join(", ")}</Row>
        <Row term="Recipients">
          {rule.recipients.length ? rule.recipients.join(", ") : "the ALERT_RECIPIENTS list"}
        </Row>
        <Row term="Repeat interval">
          {seconds(rule.repeatIntervalSeconds, "default (EMAIL_COOLING_PERIOD_PER_TOPIC)")}
        </Row>
        <Row term="Action">
          {ACTION_LABELS[rule.action]}
          {rule.dryRun && rule.action !== "none" ? " (dry run: recorded, not performed)" : ""}
        </Row>
        <Row term="Restart cooling period">
          {seconds(rule.restartCoolingSeconds, "default (DYNO_/APP_RESTART_COOLING_PERIOD)")}
        </Row>
        <Row term="Last changed">
          <RelativeTime iso={rule.updatedAt} />
        </Row>
      </dl>
    </div>
  );
}
