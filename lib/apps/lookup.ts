import { eq } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { type App, apps } from "@/lib/db/schema";

/** An app by name for scripts (active first). */
export async function getAppByNameForImport(db: Executor, name: string): Promise<App | null> {
  const rows = await db.select().from(apps).where(eq(apps.name, name)).orderBy(apps.status);
  return rows[0] ?? null;
}
