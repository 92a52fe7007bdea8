// Demo controls: start and stop the embedded simulator's scenarios (memory leak, H12 burst...)
// through its scenario API. Demo mode only; started scenarios are remembered in this process.
import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { getHerokuConnection } from "./connection";

const numberOrUndefined = z
  .unknown()
  .optional()
  .transform((v) => (typeof v === "number" ? v : undefined));
const scenarioParamSchema = z.object({
  name: z.string(),
  type: z.string().optional(),
  default: numberOrUndefined,
  min: numberOrUndefined,
  max: numberOrUndefined,
  description: z.string().optional().default(""),
});
const scenarioSchema = z.object({
  name: z.string(),
  description: z.string().optional().default(""),
  params: z
    .array(scenarioParamSchema)
    .optional()
    .default([])
    .transform((params) => params.filter((p) => p.type === undefined || p.type === "number")),
});
const scenarioListSchema = z.union([
  z.array(scenarioSchema),
  z.object({ scenarios: z.array(scenarioSchema) }).transform((value) => value.scenarios),
]);

export type DemoScenario = z.infer<typeof scenarioSchema>;
export type RunningScenario = {
  id: string;
  app: string;
  dyno: string | null;
  name: string;
  startedAt: string;
  /** When a scenario with a duration ends by itself (the demo's simulator runs on real time). */
  endsAt: string | null;
};

const runningKey = Symbol.for("dyno-monitor.demo-scenarios");
/** Scenarios started here and not over: stopped ones are removed, timed ones end by themselves. */
function running(): RunningScenario[] {
  const holder = globalThis as typeof globalThis & { [runningKey]?: RunningScenario[] };
  const now = Date.now();
  holder[runningKey] = (holder[runningKey] ?? []).filter(
    (s) => s.endsAt === null || new Date(s.endsAt).getTime() > now,
  );
  return holder[runningKey];
}

async function simulatorRequest(method: string, path: string, body?: unknown): Promise<unknown> {
  const connection = await getHerokuConnection();
  if (!connection.demo || !connection.scenarioToken) {
    throw new AppError(
      "forbidden",
      "Demo controls exist only in demo mode (no HEROKU_API_KEY set).",
    );
  }
  const response = await fetch(`${connection.apiUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${connection.scenarioToken}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json: unknown = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const message =
      (json as { message?: string; error?: string } | null)?.message ??
      (json as { error?: string } | null)?.error;
    throw new AppError("validation", message ?? `The simulator answered ${response.status}.`);
  }
  return json;
}

/** The simulator's GET /__sim/scenarios answer, as the demo controls show it. */
export function parseScenarioList(body: unknown): DemoScenario[] {
  return scenarioListSchema.parse(body);
}

export async function listDemoScenarios(): Promise<{
  available: DemoScenario[];
  running: RunningScenario[];
}> {
  try {
    const available = parseScenarioList(await simulatorRequest("GET", "/__sim/scenarios"));
    return { available, running: [...running()] };
  } catch {
    return { available: [], running: [...running()] };
  }
}

/** Form fields `param.<name>` become the scenario's numeric params (blank: its default). */
function collectParams(values: unknown): unknown {
  if (typeof values !== "object" || values === null) return values;
  const params: Record<string, number> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!key.startsWith("param.") || typeof value !== "string" || value.trim() === "") continue;
    params[key.slice("param.".length)] = Number(value);
  }
  return { ...values, params };
}

export const startScenarioSchema = z.preprocess(
  collectParams,
  z.object({
    app: z.string({ error: "Choose an app." }).min(1, { error: "Choose an app." }),
    dyno: z
      .string()
      .optional()
      .transform((value) => (value ? value : undefined)),
    name: z.string({ error: "Choose a scenario." }).min(1, { error: "Choose a scenario." }),
    params: z
      .record(z.string(), z.number({ error: "Scenario settings are numbers." }).finite())
      .default({}),
  }),
);
export type StartScenarioInput = z.infer<typeof startScenarioSchema>;

export async function startDemoScenario(input: StartScenarioInput): Promise<RunningScenario> {
  const result = z.object({ id: z.union([z.string(), z.number()]).transform(String) }).parse(
    await simulatorRequest("POST", "/__sim/scenarios", {
      app: input.app,
      dyno: input.dyno,
      name: input.name,
      params: input.params,
    }),
  );
  const started = Date.now();
  const duration = input.params.durationSeconds ?? 0;
  const scenario = {
    id: result.id,
    app: input.app,
    dyno: input.dyno ?? null,
    name: input.name,
    startedAt: new Date(started).toISOString(),
    endsAt: duration > 0 ? new Date(started + duration * 1000).toISOString() : null,
  };
  running().push(scenario);
  return scenario;
}

export const stopScenarioSchema = z.object({ id: z.string().min(1) });

export async function stopDemoScenario(input: { id: string }): Promise<void> {
  try {
    await simulatorRequest("DELETE", `/__sim/scenarios/${encodeURIComponent(input.id)}`);
  } finally {
    const list = running();
    const index = list.findIndex((s) => s.id === input.id);
    if (index !== -1) list.splice(index, 1);
  }
}
