// zod schemas for the Platform API payloads the console reads (PLATFORM.md §2). Unknown fields are
// dropped: Heroku adds fields over time.
import { z } from "zod";

const ref = z.object({ id: z.string(), name: z.string() });
const nullableRef = ref.nullable().optional();

export const accountSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable().optional(),
});
export type HerokuAccount = z.infer<typeof accountSchema>;

export const rateLimitSchema = z.object({ remaining: z.number() });

export const appSchema = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.string().nullable().optional(),
  updated_at: z.string().nullable().optional(),
  released_at: z.string().nullable().optional(),
  maintenance: z.boolean().optional().default(false),
  web_url: z.string().nullable().optional(),
  region: nullableRef,
  stack: nullableRef,
  build_stack: nullableRef,
  // version=3 gives {id, name}; version=3.sdk a plain string (PLATFORM.md §1.1)
  generation: z.union([ref, z.string()]).nullable().optional(),
  team: nullableRef,
  owner: z.object({ email: z.string(), id: z.string() }).nullable().optional(),
});
export type HerokuApp = z.infer<typeof appSchema>;

export function appGeneration(app: HerokuApp): "cedar" | "fir" | string {
  const generation = app.generation;
  if (!generation) return "cedar";
  return typeof generation === "string" ? generation : generation.name;
}

export const formationSchema = z.object({
  id: z.string(),
  type: z.string(),
  quantity: z.number().int(),
  size: z.string().optional(),
  dyno_size: z.object({ id: z.string().optional(), name: z.string() }).nullable().optional(),
  command: z.string().nullable().optional(),
  updated_at: z.string().nullable().optional(),
});
export type HerokuFormation = z.infer<typeof formationSchema>;

/** `dyno_size.name`, else the deprecated `size` (PLATFORM.md §2.3). */
export function formationSize(formation: HerokuFormation): string {
  return formation.dyno_size?.name ?? formation.size ?? "unknown";
}

export const dynoSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  state: z.string(),
  size: z.string().nullable().optional(),
  command: z.string().nullable().optional(),
  created_at: z.string().nullable().optional(),
  updated_at: z.string().nullable().optional(),
  release: z.object({ id: z.string().optional(), version: z.number() }).nullable().optional(),
});
export type HerokuDyno = z.infer<typeof dynoSchema>;

export const featureSchema = z.object({
  id: z.string().optional(),
  name: z.string(),
  enabled: z.boolean(),
  description: z.string().nullable().optional(),
});
export type HerokuFeature = z.infer<typeof featureSchema>;

export const logSessionSchema = z.object({
  id: z.string(),
  logplex_url: z.string(),
  created_at: z.string().nullable().optional(),
});
export type HerokuLogSession = z.infer<typeof logSessionSchema>;

export const logDrainSchema = z.object({
  id: z.string(),
  url: z.string(),
  token: z.string().nullable().optional(),
  addon: nullableRef,
  created_at: z.string().nullable().optional(),
});
export type HerokuLogDrain = z.infer<typeof logDrainSchema>;

export const errorBodySchema = z.object({
  id: z.string().optional(),
  message: z.string().optional(),
  error: z.string().optional(),
});
