import type { Metadata } from "next";
import Link from "next/link";
import { FilterTabs } from "@/components/incidents/filter-tabs";
import { RestartTable } from "@/components/incidents/restart-table";
import { PageHeader } from "@/components/layout/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, Td, Th } from "@/components/ui/table";
import { type ActivityTab, getActivity, parseActivityTab } from "@/lib/audit/queries";
import { requireUser } from "@/lib/auth/guards";
import { listRestarts, parseRestartFilters } from "@/lib/incidents/queries";

export const metadata: Metadata = { title: "Activity" };

const actionLabels: Record<string, string> = {
  "user.sign_in": "signed in",
  "user.sign_in_failed": "failed sign-in",
  "user.setup": "created the first admin",
  "user.created": "added user",
  "user.role_changed": "changed role of",
  "user.removed": "removed user",
  "job.run": "ran job",
  "demo.scenario_started": "started a demo scenario on",
  "demo.scenario_stopped": "stopped demo scenario",
  "rule.create": "created the rule",
  "rule.update": "edited the rule",
  "rule.delete": "deleted the rule",
  "incident.acknowledged": "acknowledged the incident",
  "silence.created": "silenced",
  "silence.ended": "ended the silence on",
  "notification.retried": "retried the email",
  "restart.performed": "restarted",
  "restart.skipped_cooling": "skipped a restart (cooling period) of",
  "restart.skipped_loop_guard": "skipped a restart (loop guard) of",
  "restart.skipped_dry_run": "skipped a restart (dry run) of",
  "restart.skipped_silenced": "skipped a restart (silenced) of",
  "restart.failed": "failed to restart",
  "api_token.created": "created the API token",
  "api_token.revoked": "revoked the API token",
  "check.create": "added the status check",
  "check.update": "edited the status check",
  "check.delete": "deleted the status check",
  "webhook.create": "added the webhook",
  "webhook.delete": "deleted the webhook",
  "webhook.enable": "enabled the webhook",
  "webhook.disable": "disabled the webhook",
  "webhook.rotate_secret": "rotated the signing secret of the webhook",
  "webhook.test": "sent a test to the webhook",
  "drain.added": "added the log drain of",
  "drain.rotated": "rotated the log drain of",
  "drain.old_token_revoked": "revoked the old log drain token of",
};

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const tabHref = (tab: ActivityTab) => (tab === "changes" ? "/activity" : `/activity?tab=${tab}`);

function describeDetail(detail: Record<string, unknown> | null): string {
  if (!detail) return "";
  return Object.entries(detail)
    .map(
      ([key, value]) =>
        `${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`,
    )
    .join(" · ");
}

export default async function ActivityPage({ searchParams }: Props) {
  await requireUser();
  const params = await searchParams;
  const tab = parseActivityTab(params.tab);
  return (
    <>
      <PageHeader
        title="Activity"
        description="Who or what changed things: sign-ins, user changes, restarts, rule edits and silences, newest first."
        actions={
          <FilterTabs
            label="Activity"
            tabs={[
              { href: tabHref("changes"), label: "Everything", active: tab === "changes" },
              { href: tabHref("restarts"), label: "Restarts", active: tab === "restarts" },
            ]}
          />
        }
      />
      {tab === "restarts" ? (
        <RestartsPanel before={parseRestartFilters(params).before} />
      ) : (
        <AuditPanel />
      )}
    </>
  );
}

async function RestartsPanel({ before }: { before: string | undefined }) {
  const page = await listRestarts({ before });
  const now = Date.now();
  return (
    <Card
      title="Restarts"
      description="Every restart a rule (or a person) asked for: performed, skipped and why, or failed; memory and error rate before → 5 min → 15 min after, and whether it helped."
    >
      {page.rows.length === 0 ? (
        <EmptyState title={before ? "No older restarts" : "No restarts yet"}>
          A rule whose action is “restart the dyno”, “restart the dyno type” or “restart the app”
          restarts its target when it fires, within cooling periods and the loop guard; each attempt
          is listed here. Set an action on the{" "}
          <Link className="underline" href="/rules">
            Rules
          </Link>{" "}
          page.
        </EmptyState>
      ) : (
        <>
          <RestartTable rows={page.rows} now={now} />
          <nav aria-label="Pages" className="mt-4 flex justify-between text-sm">
            {before ? (
              <Link className="underline" href={tabHref("restarts")}>
                ← Newest
              </Link>
            ) : (
              <span />
            )}
            {page.next && (
              <Link
                className="underline"
                href={`/activity?tab=restarts&before=${encodeURIComponent(page.next)}`}
              >
                Older restarts →
              </Link>
            )}
          </nav>
        </>
      )}
    </Card>
  );
}

async function AuditPanel() {
  const events = await getActivity({ limit: 200 });
  return (
    <Card>
      {events.length === 0 ? (
        <EmptyState title="Nothing has happened yet">
          Sign-ins, user changes, job runs started by hand, restarts, rule edits, acknowledgements
          and silences are recorded here with who did them and when.
        </EmptyState>
      ) : (
        <Table caption="Activity">
          <thead>
            <tr>
              <Th>When</Th>
              <Th>Who</Th>
              <Th>What</Th>
              <Th>Detail</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {events.map((event) => (
              <tr key={event.id}>
                <Td className="whitespace-nowrap">
                  <RelativeTime iso={event.at} />
                </Td>
                <Td>
                  {event.actorLabel}
                  {event.actorType === "system" && (
                    <span className="ml-1 text-xs text-slate-500">(system)</span>
                  )}
                </Td>
                <Td>
                  {actionLabels[event.action] ?? event.action}{" "}
                  <span className="font-medium">{event.target}</span>
                </Td>
                <Td className="text-xs text-slate-600 dark:text-slate-400">
                  {describeDetail(event.detail)}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
