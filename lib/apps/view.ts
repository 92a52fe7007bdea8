// Shapes stored apps for display: dyno types with their dynos, and a one-word state per app.
import type { AppDetail } from "./queries";

export type FormationRow = {
  type: string;
  size: string;
  quantity: number;
  memoryQuotaMb: number | null;
  dynos: { name: string; state: string }[];
};

export function formationRows(app: AppDetail): FormationRow[] {
  const rows: FormationRow[] = app.formations.map((formation) => ({
    type: formation.type,
    size: formation.size,
    quantity: formation.quantity,
    memoryQuotaMb: formation.memoryQuotaMb,
    dynos: app.dynos
      .filter((dyno) => dyno.type === formation.type)
      .map((d) => ({ name: d.name, state: d.state })),
  }));
  // one-off, scheduler and release dynos have no formation entry
  const extra = app.dynos.filter((dyno) => !app.formations.some((f) => f.type === dyno.type));
  for (const type of [...new Set(extra.map((d) => d.type))]) {
    const list = extra.filter((d) => d.type === type);
    rows.push({
      type,
      size: list[0]?.size ?? "–",
      quantity: list.length,
      memoryQuotaMb: null,
      dynos: list.map((d) => ({ name: d.name, state: d.state })),
    });
  }
  return rows;
}

export type AppHealth = "ok" | "degraded" | "down" | "unknown";

/** From dyno states alone (incidents and ingest health join in later): crashed dynos degrade an app. */
export function appHealth(app: AppDetail): AppHealth {
  const formationDynos = app.dynos.filter((d) => !["run", "scheduler", "release"].includes(d.type));
  if (formationDynos.length === 0) return app.formations.length ? "down" : "unknown";
  const crashed = formationDynos.filter((d) => d.state === "crashed").length;
  if (crashed === formationDynos.length) return "down";
  return crashed > 0 ? "degraded" : "ok";
}
