import type { Metadata } from "next";
import Link from "next/link";
import { Fragment } from "react";
import { FilterTabs } from "@/components/incidents/filter-tabs";
import { NotificationStatusBadge } from "@/components/incidents/notification-status-badge";
import { RetryNotificationButton } from "@/components/incidents/retry-notification-button";
import { TimeAgo } from "@/components/incidents/time-ago";
import { PageHeader } from "@/components/layout/page-header";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/guards";
import {
  getOutboxMessage,
  getOutboxSummary,
  listOutbox,
  type NotificationMessage,
  OUTBOX_STATUS_FILTERS,
  type OutboxFilters,
  parseOutboxFilters,
} from "@/lib/incidents/queries";
import { retryNotificationAction } from "./actions";

export const metadata: Metadata = { title: "Outbox" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function href(filters: Partial<OutboxFilters>): string {
  const query = new URLSearchParams();
  if (filters.status && filters.status !== "all") query.set("status", filters.status);
  if (filters.before) query.set("before", filters.before);
  if (filters.view) query.set("view", filters.view);
  const search = query.toString();
  return search ? `/outbox?${search}` : "/outbox";
}

const statusLabels = {
  all: "All",
  pending: "Pending",
  sent: "Sent",
  held: "Held",
  failed: "Failed",
} as const;

export default async function OutboxPage({ searchParams }: Props) {
  const user = await requireUser();
  const filters = parseOutboxFilters(await searchParams);
  const [page, summary, viewed] = await Promise.all([
    listOutbox(filters),
    getOutboxSummary(),
    filters.view ? getOutboxMessage(filters.view) : Promise.resolve(null),
  ]);
  const now = Date.now();
  const isAdmin = user.role === "admin";
  const total = Object.values(summary.counts).reduce((sum, n) => sum + n, 0);
  const viewedInList = viewed !== null && page.rows.some((row) => row.id === viewed.id);
  const columns = isAdmin ? 6 : 5;
  return (
    <>
      <PageHeader
        title="Outbox"
        description="Every notification the monitor queued, newest first: who it went to, whether it was delivered, and what it said."
        actions={<AutoRefresh />}
      />
      <div className="grid grid-cols-1 gap-6">
        {!summary.emailConfigured && summary.counts.held > 0 && (
          <p
            role="note"
            className="rounded-md border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
          >
            <strong>Emails are kept here because RESEND_API_KEY is not set.</strong> Read them
            below; set the key (Settings lists what is configured) and retry them to send them.
          </p>
        )}
        {summary.emailConfigured && summary.counts.held > 0 && (
          <p
            role="note"
            className="rounded-md border border-slate-300 bg-slate-50 px-4 py-2 text-sm text-slate-800 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
          >
            {summary.counts.held} email{summary.counts.held === 1 ? " was" : "s were"} held before
            RESEND_API_KEY was set.{" "}
            {isAdmin ? "Retry them to send them now." : "An admin can retry them."}
          </p>
        )}
        {viewed && !viewedInList && (
          <Card
            title={viewed.subject}
            actions={
              <Link className="text-sm underline" href={href({ ...filters, view: undefined })}>
                Close
              </Link>
            }
          >
            <MessageBody message={viewed} />
          </Card>
        )}
        <Card>
          <div className="mb-4">
            <FilterTabs
              label="Notification status"
              tabs={OUTBOX_STATUS_FILTERS.map((status) => ({
                href: href({ status }),
                label: statusLabels[status],
                active: filters.status === status,
                count: status === "all" ? total : summary.counts[status],
              }))}
            />
          </div>
          {page.rows.length === 0 ? (
            <EmptyState
              title={
                filters.status === "all" ? "Nothing sent yet" : `No ${filters.status} notifications`
              }
            >
              When an incident fires, reminds or resolves, its email is queued here and the
              deliver-outbox job sends it through Resend. Without RESEND_API_KEY the emails are held
              here, readable. Incidents open from the rules on the{" "}
              <Link className="underline" href="/rules">
                Rules
              </Link>{" "}
              page.
            </EmptyState>
          ) : (
            <>
              <Table caption="Notifications">
                <thead>
                  <tr>
                    <Th>Queued / sent</Th>
                    <Th>Type</Th>
                    <Th>Recipients</Th>
                    <Th>Subject</Th>
                    <Th>Status</Th>
                    {isAdmin && (
                      <Th className="relative">
                        <span className="sr-only">Actions</span>
                      </Th>
                    )}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                  {page.rows.map((row) => {
                    const open = viewed?.id === row.id;
                    return (
                      <Fragment key={row.id}>
                        <tr className={open ? "bg-indigo-50/60 dark:bg-indigo-950/40" : undefined}>
                          <Td className="whitespace-nowrap">
                            <TimeAgo iso={row.createdAt} now={now} />
                            {row.sentAt && (
                              <span className="block text-xs text-slate-500 dark:text-slate-400">
                                sent <TimeAgo iso={row.sentAt} now={now} />
                              </span>
                            )}
                          </Td>
                          <Td>
                            {row.type}
                            <span className="block text-xs text-slate-500 dark:text-slate-400">
                              {row.channel}
                            </span>
                          </Td>
                          <Td>
                            {row.recipients.length === 0 ? (
                              <span className="text-slate-500 dark:text-slate-400">nobody</span>
                            ) : (
                              row.recipients.map((r) => (
                                <span key={r} className="block whitespace-nowrap">
                                  {r}
                                </span>
                              ))
                            )}
                          </Td>
                          <Td className="relative min-w-64 max-w-lg">
                            <Link
                              className="font-medium underline"
                              href={href({ ...filters, view: open ? undefined : row.id })}
                              scroll={false}
                              aria-expanded={open}
                            >
                              {row.subject}
                            </Link>
                            {row.lastError && (
                              <p className="mt-0.5 text-xs text-red-700 dark:text-red-400">
                                <span className="sr-only">Last error: </span>
                                {row.lastError}
                              </p>
                            )}
                          </Td>
                          <Td className="whitespace-nowrap">
                            <NotificationStatusBadge status={row.status} />
                            <span className="block text-xs text-slate-500 dark:text-slate-400">
                              {row.attempts} attempt{row.attempts === 1 ? "" : "s"}
                            </span>
                          </Td>
                          {isAdmin && (
                            <Td className="relative">
                              {(row.status === "held" || row.status === "failed") && (
                                <RetryNotificationButton
                                  notificationId={row.id}
                                  subject={row.subject}
                                  action={retryNotificationAction}
                                />
                              )}
                            </Td>
                          )}
                        </tr>
                        {open && viewed && (
                          <tr>
                            <Td colSpan={columns} className="bg-slate-50 dark:bg-slate-950">
                              <MessageBody message={viewed} />
                            </Td>
                          </tr>
                        )}
                      </Fragment>
                    );
                  })}
                </tbody>
              </Table>
              <nav aria-label="Pages" className="mt-4 flex justify-between text-sm">
                {filters.before ? (
                  <Link className="underline" href={href({ status: filters.status })}>
                    ← Newest
                  </Link>
                ) : (
                  <span />
                )}
                {page.next && (
                  <Link
                    className="underline"
                    href={href({ status: filters.status, before: page.next })}
                  >
                    Older notifications →
                  </Link>
                )}
              </nav>
            </>
          )}
        </Card>
      </div>
    </>
  );
}

/** The message as text (the stored HTML is never rendered), with where it went and what came back. */
function MessageBody({ message }: { message: NotificationMessage }) {
  return (
    <div className="grid gap-2 text-sm">
      <p className="text-slate-600 dark:text-slate-400">
        To {message.recipients.join(", ") || "nobody"}
        {message.incidentId && (
          <>
            {" · "}
            <Link className="underline" href={`/incidents/${message.incidentId}`}>
              the incident
            </Link>
          </>
        )}
        {message.providerId && <> · provider id {message.providerId}</>}
      </p>
      <pre className="max-h-96 overflow-auto whitespace-pre-wrap rounded-md border border-slate-200 bg-white p-3 font-mono text-xs dark:border-slate-800 dark:bg-slate-900">
        {message.text ?? "This message has no text version."}
      </pre>
      {message.providerResponse && (
        <p className="text-xs text-slate-600 dark:text-slate-400">
          Provider response: <code>{message.providerResponse}</code>
        </p>
      )}
    </div>
  );
}
