import Link from "next/link";
import { Sparkline } from "@/components/charts/sparkline";
import { RelativeTime } from "@/components/ui/relative-time";
import { EnabledToggle } from "@/components/ui/row-actions";
import { Table, Td, Th } from "@/components/ui/table";
import type { CheckRow } from "@/lib/checks/queries";
import { describeCheck } from "@/lib/checks/schema";
import { formatDuration } from "@/lib/format";
import type { ActionResult } from "@/lib/http/action";
import { CheckStatusBadge } from "./check-status-badge";
import { UptimeFigures } from "./uptime";

type Action = (previous: unknown, formData: FormData) => Promise<ActionResult<unknown>>;

const linkClasses = "font-medium text-indigo-700 hover:underline dark:text-indigo-300";
const KIND_NAMES = { web: "Web", redis: "Redis", postgres: "Postgres" } as const;

/** Every check: state now, last run, uptime, its recent response times, why it failed. */
export function CheckTable({ checks, toggle }: { checks: CheckRow[]; toggle?: Action }) {
  return (
    <Table caption="Status checks">
      <thead>
        <tr>
          <Th>State</Th>
          <Th>Check</Th>
          <Th>Last run</Th>
          <Th>Uptime</Th>
          <Th>Response time, last runs</Th>
          {toggle && <Th className="text-right">Change</Th>}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
        {checks.map((check) => {
          const trend = check.recent;
          const last = check.lastResult;
          return (
            <tr key={check.id}>
              <Td>
                <CheckStatusBadge status={check.lastStatus} enabled={check.enabled} />
                {check.consecutiveFailures > 1 && (
                  <p className="mt-1 text-xs text-red-700 dark:text-red-400">
                    {check.consecutiveFailures} failures in a row
                  </p>
                )}
              </Td>
              <Td className="max-w-md">
                <Link href={`/checks/${check.id}`} className={linkClasses}>
                  {check.name}
                </Link>
                <span className="ml-2 text-xs text-slate-500 dark:text-slate-400">
                  {KIND_NAMES[check.kind]}
                  {check.app ? ` · ${check.app}` : ""}
                </span>
                <p className="break-all text-xs text-slate-600 dark:text-slate-400">
                  {describeCheck(check)}
                </p>
                {last && !last.ok && last.error && (
                  <p className="mt-1 text-xs text-red-800 dark:text-red-300">{last.error}</p>
                )}
              </Td>
              <Td className="whitespace-nowrap">
                {last ? (
                  <>
                    <RelativeTime iso={last.at} relativeOnly />
                    <p className="text-xs text-slate-600 tabular-nums dark:text-slate-400">
                      {formatDuration(last.latencyMs)}
                      {last.statusCode !== null ? ` · HTTP ${last.statusCode}` : ""}
                    </p>
                  </>
                ) : (
                  <span className="text-slate-500">not yet</span>
                )}
                <p className="text-xs text-slate-500 dark:text-slate-400">
                  every {formatDuration(check.intervalSeconds * 1000)}
                </p>
              </Td>
              <Td className="min-w-44">
                <UptimeFigures uptime={check.uptime} compact />
              </Td>
              <Td>
                {trend.length > 1 ? (
                  <Sparkline
                    values={trend}
                    label={`${check.name}: response time of the last ${trend.length} runs, ${formatDuration(Math.min(...trend))} to ${formatDuration(Math.max(...trend))}`}
                  />
                ) : (
                  <span className="text-xs text-slate-500">not enough runs yet</span>
                )}
              </Td>
              {toggle && (
                <Td className="text-right">
                  <EnabledToggle
                    id={check.id}
                    words={{ off: "Pause", on: "Resume" }}
                    name={check.name}
                    enabled={check.enabled}
                    action={toggle}
                  />
                </Td>
              )}
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
