import Link from "next/link";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDuration } from "@/lib/format";
import type { IncidentRow } from "@/lib/incidents/queries";
import { IncidentStateBadge } from "./incident-state-badge";
import { TimeAgo } from "./time-ago";

function noticeHint(row: IncidentRow): string {
  const { sent, held, pending, failed } = row.notices;
  return [
    sent && `${sent} sent`,
    held && `${held} held`,
    pending && `${pending} waiting`,
    failed && `${failed} failed`,
  ]
    .filter(Boolean)
    .join(", ");
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Incidents: state, rule and target, what happened, when and for how long, and what was done. */
export function IncidentTable({ rows, now }: { rows: IncidentRow[]; now: number }) {
  return (
    <>
      <IncidentCards rows={rows} now={now} />
      <div className="hidden sm:block">
        <IncidentRows rows={rows} now={now} />
      </div>
    </>
  );
}

const durationOf = (row: IncidentRow, now: number) => {
  const end = row.resolvedAt ? new Date(row.resolvedAt).getTime() : now;
  const duration = formatDuration(end - new Date(row.openedAt).getTime());
  return row.resolvedAt ? `lasted ${duration}` : `open for ${duration}`;
};

/** Phones: one card per incident, nothing to scroll sideways. */
function IncidentCards({ rows, now }: { rows: IncidentRow[]; now: number }) {
  return (
    <ul className="divide-y divide-slate-100 sm:hidden dark:divide-slate-800">
      {rows.map((row) => (
        <li key={row.id} className="py-3 text-sm">
          <div className="flex items-center gap-2">
            <IncidentStateBadge state={row.state} />
            <Link className="font-medium underline" href={`/incidents/${row.id}`}>
              {row.ruleName}
            </Link>
          </div>
          <p className="mt-1 text-slate-600 dark:text-slate-400">
            {row.appName}
            {(row.dyno ?? row.dynoType) && (
              <span className="ml-1 font-mono">{row.dyno ?? row.dynoType}</span>
            )}{" "}
            · <TimeAgo iso={row.openedAt} now={now} /> · {durationOf(row, now)}
          </p>
          <p className="mt-1">{row.summary}</p>
          <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
            {plural(row.notices.total, "notice")} · {plural(row.restarts, "restart")}
            {row.acknowledgedBy && ` · acknowledged by ${row.acknowledgedBy}`}
          </p>
        </li>
      ))}
    </ul>
  );
}

function IncidentRows({ rows, now }: { rows: IncidentRow[]; now: number }) {
  return (
    <Table caption="Incidents">
      <thead>
        <tr>
          <Th>State</Th>
          <Th>Rule and target</Th>
          <Th>Summary, notices and restarts</Th>
          <Th>Opened</Th>
          <Th>Acknowledged by</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
        {rows.map((row) => {
          const hint = noticeHint(row);
          return (
            <tr key={row.id}>
              <Td>
                <IncidentStateBadge state={row.state} />
              </Td>
              <Td className="min-w-40">
                <Link className="font-medium underline" href={`/incidents/${row.id}`}>
                  {row.ruleName}
                </Link>
                <span className="block text-slate-600 dark:text-slate-400">
                  {row.appName}
                  {(row.dyno ?? row.dynoType) && (
                    <span className="ml-1 font-mono">{row.dyno ?? row.dynoType}</span>
                  )}
                </span>
              </Td>
              <Td className="min-w-56 max-w-lg">
                {row.summary}
                <span className="block text-xs text-slate-500 dark:text-slate-400">
                  {plural(row.notices.total, "notice")}
                  {hint && ` (${hint})`} · {plural(row.restarts, "restart")}
                </span>
              </Td>
              <Td className="whitespace-nowrap">
                <TimeAgo iso={row.openedAt} now={now} />
                <span className="block text-xs text-slate-500 dark:text-slate-400">
                  {durationOf(row, now)}
                </span>
              </Td>
              <Td>
                {row.acknowledgedBy ?? (
                  <span className="text-slate-500 dark:text-slate-400">–</span>
                )}
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
