import { Table, Td, Th } from "@/components/ui/table";
import type { FormationRow } from "@/lib/apps/view";
import { DynoStateBadge } from "./dyno-state-badge";

const formatQuota = (mb: number | null) =>
  mb === null ? "unknown" : mb >= 1024 ? `${Number((mb / 1024).toFixed(1))} GB` : `${mb} MB`;

/** Dyno types of an app with size, count, memory quota and each dyno's state. */
export function FormationTable({ app, rows }: { app: string; rows: FormationRow[] }) {
  return (
    <Table caption={`Dyno types of ${app}`}>
      <thead>
        <tr>
          <Th>Type</Th>
          <Th>Size</Th>
          <Th>Dynos</Th>
          <Th>Memory quota</Th>
          <Th>States</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
        {rows.map((row) => (
          <tr key={row.type}>
            <Td className="font-mono font-medium">{row.type}</Td>
            <Td>{row.size}</Td>
            <Td>
              {row.quantity === 0 ? (
                <span className="text-slate-500">scaled to 0</span>
              ) : (
                row.quantity
              )}
            </Td>
            <Td>{formatQuota(row.memoryQuotaMb)}</Td>
            <Td>
              <div className="flex flex-wrap gap-1">
                {row.dynos.length === 0 ? (
                  <span className="text-slate-500">no dynos running</span>
                ) : (
                  row.dynos.map((dyno) => (
                    <DynoStateBadge key={dyno.name} name={dyno.name} state={dyno.state} />
                  ))
                )}
              </div>
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
