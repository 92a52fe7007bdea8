// A real failed insert, on the driver the run uses (postgres-js or PGlite): its error as drizzle
// throws it, logged, carries the SQL but not the password hash among its parameters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "@/lib/db/schema";
import { formatLine } from "@/lib/log";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createTestUser } from "@/lib/testing/factories";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe("logging a failed insert", () => {
  it("keeps the query text and drops its parameters (a password hash here)", async () => {
    const user = await createTestUser(database.db);
    const error = await database.db
      .insert(users)
      .values({ email: user.email, name: "twin", role: "viewer", passwordHash: user.passwordHash })
      .then(
        () => null,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(Error);
    // the raw error does carry it: this is what the log must cut
    expect(String((error as Error).message)).toContain(user.passwordHash);

    const line = formatLine("error", "unhandled error in route handler", { error });
    expect(line).not.toContain(user.passwordHash);
    expect(line).not.toContain(user.passwordHash.split("$").at(-1));
    expect(line).not.toContain(user.email);
    const parsed = JSON.parse(line);
    expect(parsed.error.message).toMatch(/^Failed query: insert into "users"/);
    expect(parsed.error.cause.code).toBe("23505");
  });
});
