import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, Td, Th } from "@/components/ui/table";
import { getActivity } from "@/lib/audit/queries";
import { requireUser } from "@/lib/auth/guards";

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
};

function describeDetail(detail: Record<string, unknown> | null): string {
  if (!detail) return "";
  return Object.entries(detail)
    .map(
      ([key, value]) =>
        `${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`,
    )
    .join(" · ");
}

export default async function ActivityPage() {
  await requireUser();
  const events = await getActivity({ limit: 200 });
  return (
    <>
      <PageHeader
        title="Activity"
        description="Who or what changed things: sign-ins, user changes, restarts, rule edits and silences, newest first."
      />
      <Card>
        {events.length === 0 ? (
          <EmptyState title="Nothing has happened yet">
            Sign-ins, user changes, job runs started by hand, and later restarts and rule edits are
            recorded here with who did them and when.
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
    </>
  );
}
