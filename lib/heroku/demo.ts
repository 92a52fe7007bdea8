// Demo controls: start and stop the embedded simulator's scenarios (memory leak, H12 burst...)
// through its scenario API. Demo mode only; started scenarios are remembered in this process.
import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { getHerokuConnection } from "./connection";

const scenarioSchema = z.object({
  name: z.string(),
  description: z.string().optional().default(""),
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
};

const runningKey = Symbol.for("dyno-monitor.demo-scenarios");
function running(): RunningScenario[] {
  const holder = globalThis as typeof globalThis & { [runningKey]?: RunningScenario[] };
  holder[runningKey] ??= [];
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

export async function listDemoScenarios(): Promise<{
  available: DemoScenario[];
  running: RunningScenario[];
}> {
  try {
    const available = scenarioListSchema.parse(await simulatorRequest("GET", "/__sim/scenarios"));
    return { available, running: [...running()] };
  } catch {
    return { available: [], running: [...running()] };
  }
}

export const startScenarioSchema = z.object({
  app: z.string({ error: "Choose an app." }).min(1, { error: "Choose an app." }),
  dyno: z
    .string()
    .optional()
    .transform((value) => (value ? value : undefined)),
  name: z.string({ error: "Choose a scenario." }).min(1, { error: "Choose a scenario." }),
});
export type StartScenarioInput = z.infer<typeof startScenarioSchema>;

export async function startDemoScenario(input: StartScenarioInput): Promise<RunningScenario> {
  const result = z.object({ id: z.union([z.string(), z.number()]).transform(String) }).parse(
    await simulatorRequest("POST", "/__sim/scenarios", {
      app: input.app,
      dyno: input.dyno,
      name: input.name,
    }),
  );
  const scenario = {
    id: result.id,
    app: input.app,
    dyno: input.dyno ?? null,
    name: input.name,
    startedAt: new Date().toISOString(),
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
