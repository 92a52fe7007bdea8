import { afterAll, beforeAll, describe } from "vitest";
import { manualClock } from "@/lib/clock";
import { cacheContract } from "@/lib/testing/cache-contract";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createMemoryCache } from "./memory";
import { createPostgresCache } from "./postgres";

describe("memory cache", () => {
  cacheContract(() => {
    const clock = manualClock("2026-11-24T12:00:00Z");
    return { cache: createMemoryCache(clock), clock };
  });
});

describe("postgres cache", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });
  cacheContract(() => {
    const clock = manualClock("2026-11-24T12:00:00Z");
    return { cache: createPostgresCache(database.db, clock), clock };
  });
});
