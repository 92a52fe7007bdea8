import { z } from "zod";
import { userRoles } from "@/lib/db/schema/auth";
import { text } from "@/lib/validation";

const email = text({ error: "Enter an email address." })
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid email address, like ops@example.com." }));
// kept as typed (no trim); control characters and lone surrogates cannot be typed, only sent
const password = text({ error: "Enter a password.", trim: false })
  .min(8, { error: "Use at least 8 characters." })
  .max(200, { error: "Use at most 200 characters." });
const name = text({ error: "Enter a name." })
  .min(1, { error: "Enter a name." })
  .max(100, { error: "Use at most 100 characters." });
const role = z.enum(userRoles, { error: "Choose admin or viewer." });

export const signInSchema = z.object({
  email,
  password: z.string({ error: "Enter your password." }).min(1, { error: "Enter your password." }),
});
export type SignInInput = z.infer<typeof signInSchema>;

export const setupSchema = z
  .object({
    name,
    email,
    password,
    confirmPassword: z.string(),
    /** The release log's setup token, when this install asks for one (lib/auth/setup-token). */
    setupToken: z.string().trim().max(200).optional(),
  })
  .refine((value) => value.password === value.confirmPassword, {
    path: ["confirmPassword"],
    error: "The passwords do not match.",
  });
export type SetupInput = z.infer<typeof setupSchema>;

export const createUserSchema = z.object({ name, email, password, role });
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const changeRoleSchema = z.object({ userId: z.uuid({ error: "Unknown user." }), role });
export type ChangeRoleInput = z.infer<typeof changeRoleSchema>;

export const removeUserSchema = z.object({ userId: z.uuid({ error: "Unknown user." }) });
export type RemoveUserInput = z.infer<typeof removeUserSchema>;

export const createApiTokenSchema = z.object({
  name: text({ error: "Name the token, e.g. “deploy script”." })
    .min(1, { error: "Name the token, e.g. “deploy script”, so you can tell it apart later." })
    .max(80, { error: "Use at most 80 characters for the token's name." }),
});
export type CreateApiTokenInput = z.infer<typeof createApiTokenSchema>;

export const revokeApiTokenSchema = z.object({ tokenId: z.uuid({ error: "Unknown token." }) });
export type RevokeApiTokenInput = z.infer<typeof revokeApiTokenSchema>;
