import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { createApiTokenSchema, createUserSchema, setupSchema, signInSchema } from "./schemas";

const USER = { name: "Ada", email: "ada@example.com", password: "correct horse", role: "viewer" };
const SETUP = { ...USER, confirmPassword: USER.password };

function fieldsOf(schema: z.ZodType, input: unknown): Record<string, string> {
  const issues = schema.safeParse(input).error?.issues ?? [];
  return Object.fromEntries(issues.map((issue) => [issue.path.join("."), issue.message]));
}

describe("text a person sends to the user and token schemas", () => {
  it.each([
    [createUserSchema, { ...USER, name: "Ada\u0000" }, "name", /NUL/],
    [createUserSchema, { ...USER, name: "Ada \ud800" }, "name", /surrogate/],
    [createUserSchema, { ...USER, name: "Ada\u001b[2J" }, "name", /U\+001B/],
    [createUserSchema, { ...USER, email: "ada\u0000@example.com" }, "email", /NUL/],
    [createUserSchema, { ...USER, password: "correct\u0000horse" }, "password", /NUL/],
    [createUserSchema, { ...USER, name: 42 }, "name", /Enter a name/],
    [createUserSchema, { ...USER, role: "root" }, "role", /admin or viewer/],
    [setupSchema, { ...SETUP, name: "Ada\nLovelace" }, "name", /line break/],
    [setupSchema, { ...SETUP, email: ["ada@example.com"] }, "email", /Enter an email/],
    [signInSchema, { email: "ada@example.com\u0000", password: "x" }, "email", /NUL/],
    [createApiTokenSchema, { name: "deploy\u0000" }, "name", /NUL/],
    [createApiTokenSchema, { name: "\udc00deploy" }, "name", /surrogate/],
    [createApiTokenSchema, { name: true }, "name", /Name the token/],
  ])("refuses %#: %s with a message on %s", (schema, input, field, message) => {
    const fields = fieldsOf(schema, input);
    expect(Object.keys(fields)).toEqual([field]);
    expect(fields[field]).toMatch(message);
  });

  it("keeps ordinary names, emails and passwords as before (trimmed, email lower-cased)", () => {
    expect(createUserSchema.parse({ ...USER, name: " Zoë ", email: " Ada@Example.com " })).toEqual({
      ...USER,
      name: "Zoë",
      email: "ada@example.com",
    });
    expect(createUserSchema.parse({ ...USER, password: " spaced out " }).password).toBe(
      " spaced out ",
    );
  });
});
