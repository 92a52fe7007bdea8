import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { AcknowledgeButton } from "@/components/incidents/acknowledge-button";
import { IncidentStateBadge } from "@/components/incidents/incident-state-badge";
import { NotificationStatusBadge } from "@/components/incidents/notification-status-badge";
import { RestartTable } from "@/components/incidents/restart-table";
import { SilenceForm } from "@/components/incidents/silence-form";
import { SilenceList } from "@/components/incidents/silence-list";
import { formatUtc, TimeAgo } from "@/components/incidents/time-ago";
import { PageHeader } from "@/components/layout/page-header";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUser } from "@/lib/auth/guards";
import { formatDuration } from "@/lib/format";
import { getIncident, type IncidentRow, type TimelineEntry } from "@/lib/incidents/queries";
import { codeInfo } from "@/lib/metrics/codes";
import { acknowledgeIncidentAction, endSilenceAction, silenceTargetAction } from "../actions";

export const metadata: Metadata = { title: "Incident" };

type Props = { params: Promise<{ id: string }> };

const timelineLabels: Record<string, [label: string, icon: string]> = {
  opened: ["opened", "●"],
  firing: ["firing", "▲"],
  notified: ["notice queued", "✉"],
  repeat: ["reminder", "↺"],
  action: ["restart", "↻"],
  silenced: ["silenced", "🔕"],
  acknowledged: ["acknowledged", "✓"],
  resolved: ["resolved", "■"],
  notice_sent: ["email sent", "✉"],
  notice_held: ["email held", "✉"],
  notice_failed: ["email failed", "✉"],
  notice_pending: ["email waiting", "✉"],
};

function timelineLabel(entry: TimelineEntry): [string, string] {
  if (entry.kind.startsWith("restart_")) return ["restart", "↻"];
  return timelineLabels[entry.kind] ?? [entry.kind, "•"];
}

const unitOf: Record<IncidentRow["kind"], string> = {
  check_failing: "",
  error_code: "",
  http_5xx: " %",
  memory: " %",
  load: "",
  crash: "",
  ingest_silence: " min",
};

export default async function IncidentPage({ params }: Props) {
  const user = await requireUser();
  const { id } = await params;
  const now = new Date();
  const detail = await getIncident(id, now);
  if (!detail) notFound();
  const { incident, timeline, notifications, restarts, silences } = detail;
  const nowMs = now.getTime();
  const isAdmin = user.role === "admin";
  const where = [incident.appName, incident.dyno ?? incident.dynoType].filter(Boolean).join(" ");
  const end = incident.resolvedAt ? new Date(incident.resolvedAt).getTime() : nowMs;
  const code = incident.code ? codeInfo(incident.code) : null;
  const unit = unitOf[incident.kind] ?? "";
  return (
    <>
      <p className="mb-2 text-sm">
        <Link className="text-indigo-700 underline dark:text-indigo-300" href="/incidents">
          ← Incidents
        </Link>
      </p>
      <PageHeader
        title={incident.ruleName}
        description={incident.summary}
        actions={
          <div className="flex flex-col items-end gap-1">
            <div className="flex flex-wrap items-center gap-2">
              <IncidentStateBadge state={incident.state} />
              {incident.acknowledgedBy && (
                <Badge tone="info">acknowledged by {incident.acknowledgedBy}</Badge>
              )}
              {silences.length > 0 && <Badge tone="neutral">silenced</Badge>}
            </div>
            <AutoRefresh />
          </div>
        }
      />
      <div className="grid grid-cols-1 gap-6">
        <Card title="What and where">
          <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-4">
            <Item label="Rule">
              {incident.ruleId ? (
                <Link className="underline" href={`/rules/${incident.ruleId}`}>
                  {incident.ruleName}
                </Link>
              ) : (
                <>
                  {incident.ruleName}{" "}
                  <span className="text-slate-500 dark:text-slate-400">(rule deleted)</span>
                </>
              )}
            </Item>
            <Item label="App">
              <Link className="underline" href={`/apps/${encodeURIComponent(incident.appName)}`}>
                {incident.appName}
              </Link>
            </Item>
            <Item label="Target">
              <span className="font-mono">
                {incident.dyno ?? incident.dynoType ?? "every dyno"}
              </span>
            </Item>
            <Item label="Code">
              {code ? (
                <a
                  className="underline"
                  href={code.href}
                  title={code.advice ?? code.description}
                  rel="noreferrer"
                  target="_blank"
                >
                  {code.code}: {code.description}
                </a>
              ) : (
                "–"
              )}
            </Item>
            <Item label="Opened">
              {formatUtc(incident.openedAt)} (<TimeAgo iso={incident.openedAt} now={nowMs} />)
            </Item>
            <Item label="Firing since">
              {incident.firingAt ? formatUtc(incident.firingAt) : "–"}
            </Item>
            <Item label="Resolved">
              {incident.resolvedAt ? (
                <>
                  {formatUtc(incident.resolvedAt)} (
                  <TimeAgo iso={incident.resolvedAt} now={nowMs} />)
                </>
              ) : (
                "not yet"
              )}
            </Item>
            <Item label={incident.resolvedAt ? "Lasted" : "Open for"}>
              {formatDuration(end - new Date(incident.openedAt).getTime())}
            </Item>
            <Item label="Last measured">
              {incident.value === null ? "–" : `${incident.value}${unit}`}
              {incident.peakValue !== null && incident.peakValue !== incident.value && (
                <span className="text-slate-500 dark:text-slate-400">
                  {" "}
                  (peak {incident.peakValue}
                  {unit})
                </span>
              )}
            </Item>
            <Item label="Notices">
              {incident.notices.total}
              {incident.notices.total > 0 &&
                ` (${(["sent", "held", "pending", "failed"] as const)
                  .filter((status) => incident.notices[status] > 0)
                  .map((status) => `${incident.notices[status]} ${status}`)
                  .join(", ")})`}
            </Item>
            <Item label="Restarts">{incident.restarts}</Item>
            <Item label="Acknowledged">
              {incident.acknowledgedAt && incident.acknowledgedBy ? (
                <>
                  by {incident.acknowledgedBy},{" "}
                  <TimeAgo iso={incident.acknowledgedAt} now={nowMs} />
                </>
              ) : (
                "no"
              )}
            </Item>
          </dl>
        </Card>

        {(isAdmin || silences.length > 0) && (
          <Card
            title="Respond"
            description={
              isAdmin ? undefined : "Only admins can acknowledge incidents and silence targets."
            }
          >
            <div className="grid gap-4">
              {isAdmin && (
                <div className="grid gap-4 sm:grid-cols-2">
                  {incident.state === "firing" && !incident.acknowledgedAt ? (
                    <AcknowledgeButton
                      incidentId={incident.id}
                      action={acknowledgeIncidentAction}
                    />
                  ) : (
                    <p className="text-sm text-slate-600 dark:text-slate-400">
                      {incident.acknowledgedAt
                        ? `Acknowledged by ${incident.acknowledgedBy}: no reminders are sent.`
                        : incident.state === "pending"
                          ? "Pending: it can be acknowledged once it fires."
                          : "Resolved: nothing to acknowledge."}
                    </p>
                  )}
                  <SilenceForm
                    incidentId={incident.id}
                    target={`${where} · ${incident.ruleName}`}
                    action={silenceTargetAction}
                  />
                </div>
              )}
              {silences.length > 0 && (
                <div>
                  <h3 className="text-sm font-semibold">Silences covering this incident</h3>
                  <SilenceList
                    silences={silences}
                    now={nowMs}
                    endAction={isAdmin ? endSilenceAction : undefined}
                  />
                </div>
              )}
            </div>
          </Card>
        )}

        <Card
          title="Timeline"
          description="State changes, notices and their delivery, restarts, silences and acknowledgements, oldest first."
        >
          {timeline.length === 0 ? (
            <EmptyState title="Nothing recorded yet">
              Each evaluation that changes this incident adds an entry here.
            </EmptyState>
          ) : (
            <ol className="relative space-y-3 border-l border-slate-200 pl-5 dark:border-slate-700">
              {timeline.map((entry) => {
                const [label, icon] = timelineLabel(entry);
                return (
                  <li key={`${entry.source}-${entry.id}`} className="text-sm">
                    <span
                      aria-hidden
                      className="absolute -left-2 mt-0.5 flex h-4 w-4 items-center justify-center rounded-full bg-white text-[10px] ring-1 ring-slate-300 dark:bg-slate-900 dark:ring-slate-600"
                    >
                      {icon}
                    </span>
                    <p className="text-xs text-slate-500 dark:text-slate-400">
                      <time dateTime={entry.at}>{formatUtc(entry.at)}</time> ·{" "}
                      <TimeAgo iso={entry.at} now={nowMs} /> ·{" "}
                      <span className="font-semibold uppercase tracking-wide">{label}</span>
                    </p>
                    <p className="mt-0.5">{entry.message}</p>
                  </li>
                );
              })}
            </ol>
          )}
        </Card>

        <Card
          title="Restarts"
          description="What the rule's action did, the target's memory and error rate before it, 5 and 15 minutes after, and whether it helped."
        >
          {restarts.length === 0 ? (
            <EmptyState title="No restarts">
              A rule with an action (restart the dyno, its dyno type or the app) restarts here when
              it fires, within cooling periods and the loop guard.
            </EmptyState>
          ) : (
            <RestartTable
              rows={restarts}
              now={nowMs}
              showApp={false}
              caption="Restarts for this incident"
            />
          )}
        </Card>

        <Card
          title="Notifications"
          description={
            <>
              Every message queued for this incident. All emails are also listed in the{" "}
              <Link className="underline" href="/outbox">
                Outbox
              </Link>
              .
            </>
          }
        >
          {notifications.length === 0 ? (
            <EmptyState title="No notifications">
              A firing incident emails the rule&apos;s recipients, reminds them while it keeps
              firing and sends a resolved notice, unless a silence covers it.
            </EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100 dark:divide-slate-800">
              {notifications.map((n) => (
                <li key={n.id} className="py-3 text-sm">
                  <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
                    <NotificationStatusBadge status={n.status} />
                    <span className="font-medium">{n.subject}</span>
                  </div>
                  <p className="mt-1 text-slate-600 dark:text-slate-400">
                    {n.type} · {n.channel} to {n.recipients.join(", ") || "nobody"} · queued{" "}
                    <TimeAgo iso={n.createdAt} now={nowMs} />
                    {n.sentAt && (
                      <>
                        {" "}
                        · sent <TimeAgo iso={n.sentAt} now={nowMs} />
                      </>
                    )}{" "}
                    · {n.attempts} attempt{n.attempts === 1 ? "" : "s"}
                  </p>
                  {n.lastError && (
                    <p className="mt-1 text-red-700 dark:text-red-400">Last error: {n.lastError}</p>
                  )}
                  <details className="mt-2">
                    <summary className="cursor-pointer text-indigo-700 underline dark:text-indigo-300">
                      View<span className="sr-only"> the text of “{n.subject}”</span>
                    </summary>
                    <pre className="mt-2 max-h-96 overflow-auto whitespace-pre-wrap rounded-md bg-slate-50 p-3 font-mono text-xs dark:bg-slate-950">
                      {n.text ?? "This message has no text version."}
                    </pre>
                  </details>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-0.5">{children}</dd>
    </div>
  );
}
