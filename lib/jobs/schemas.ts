import { z } from "zod";

export const runJobSchema = z.object({
  job: z
    .string({ error: "Name a job." })
    .regex(/^[a-z0-9][a-z0-9-]*$/, { error: "Job names are kebab-case, like prune-job-runs." }),
});
export type RunJobInput = z.infer<typeof runJobSchema>;
