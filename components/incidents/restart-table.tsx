import Link from "next/link";
import { Table, Td, Th } from "@/components/ui/table";
import type { ActionMeasure } from "@/lib/db/schema";
import type { RestartRow } from "@/lib/incidents/queries";
import { HelpedVerdict } from "./helped-verdict";
import { RestartStatusBadge } from "./restart-status-badge";
import { TimeAgo } from "./time-ago";

const kindLabels: Record<RestartRow["kind"], string> = {
  restart_dyno: "dyno",
  restart_dyno_type: "dyno type",
  restart_app: "app",
};

const dash = "–";

function percent(measure: ActionMeasure | null): string {
  const value = measure?.memoryPercent;
  return value === null || value === undefined ? dash : `${value} %`;
}

function rate(measure: ActionMeasure | null): string {
  const value = measure?.errorRate;
  return value === null || value === undefined ? dash : String(value);
}

/** before → +5 min → +15 min of memory and error rate; only "before" for a skipped restart. */
function Measures({ row }: { row: RestartRow }) {
  const points = row.status === "performed" ? [row.before, row.after5, row.after15] : [row.before];
  const lines = [
    { label: "memory", values: points.map(percent) },
    {
      label: row.ruleKind === "http_5xx" ? "5xx %" : `${row.code ?? "errors"}/min`,
      values: points.map(rate),
    },
  ].filter((line) => line.values.some((v) => v !== dash));
  if (lines.length === 0) return <span className="text-slate-500 dark:text-slate-400">{dash}</span>;
  return (
    <dl className="inline-grid grid-cols-[auto_auto] gap-x-2 text-xs">
      {lines.map((line) => (
        <div key={line.label} className="contents">
          <dt className="text-slate-500 dark:text-slate-400">{line.label}</dt>
          <dd className="whitespace-nowrap font-mono">{line.values.join(" → ")}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Restarts with their outcome, who asked, the measures around them and whether they helped. */
export function RestartTable({
  rows,
  now,
  showApp = true,
  caption = "Restarts",
}: {
  rows: RestartRow[];
  now: number;
  showApp?: boolean;
  caption?: string;
}) {
  return (
    <Table caption={caption}>
      <thead>
        <tr>
          <Th>When</Th>
          {showApp && <Th>App</Th>}
          <Th>Target</Th>
          <Th>Outcome</Th>
          <Th>Triggered by</Th>
          <Th title="Highest memory % of quota and error rate of the target: before the restart, 5 and 15 minutes after">
            Before → +5 → +15 min
          </Th>
          <Th>Helped?</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
        {rows.map((row) => (
          <tr key={row.id}>
            <Td>
              <TimeAgo iso={row.requestedAt} now={now} />
            </Td>
            {showApp && (
              <Td className="whitespace-nowrap">
                <Link className="underline" href={`/apps/${encodeURIComponent(row.appName)}`}>
                  {row.appName}
                </Link>
              </Td>
            )}
            <Td className="whitespace-nowrap">
              <span className="font-mono">{row.target}</span>
              <span className="ml-1 text-xs text-slate-500 dark:text-slate-400">
                ({kindLabels[row.kind]})
              </span>
            </Td>
            <Td className="min-w-40 max-w-sm">
              <RestartStatusBadge status={row.status} />
              {row.reason && (
                <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-400">{row.reason}</p>
              )}
            </Td>
            {/* relative: keeps the sr-only text inside the table's scroll box */}
            <Td className="relative whitespace-nowrap">
              {row.actorLabel}
              {row.incidentId && (
                <Link
                  className="block text-xs text-indigo-700 underline dark:text-indigo-300"
                  href={`/incidents/${row.incidentId}`}
                >
                  incident<span className="sr-only"> that asked for this restart</span>
                </Link>
              )}
            </Td>
            <Td>
              <Measures row={row} />
            </Td>
            <Td>
              <HelpedVerdict status={row.status} helped={row.helped} reason={row.helpedReason} />
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
