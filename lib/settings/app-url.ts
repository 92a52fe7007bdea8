// The console's public URL when APP_URL is unset. A Heroku button app cannot know its URL before
// it exists (Heroku adds a random suffix), so the first request's origin is stored once in
// app_settings and used for drain URLs and links in notices by every instance; Settings says where
// it came from. Forwarded headers count only as far as TRUSTED_PROXY_HOPS trusts proxies.
import { eq, sql } from "drizzle-orm";
import type { Config } from "@/lib/config";
import type { Executor } from "@/lib/db/client";
import { appSettings } from "@/lib/db/schema";

export const APP_URL_KEY = "app_url";

export type AppUrlStatus =
  | { url: string; source: "APP_URL" }
  | { url: string; source: "first-request"; learnedAt: Date }
  /** Unset and no request seen yet: http://localhost:PORT. */
  | { url: string; source: "default" };

const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?::\d{1,5})?$|^\[[0-9a-f:.]+\](?::\d{1,5})?$/i;

/**
 * The value the outermost trusted proxy wrote in a forwarded header: `hops` entries from the right
 * (a proxy that overwrites leaves one), as lib/auth/client-address counts X-Forwarded-For.
 */
function forwardedValue(value: string | null, hops: number): string | undefined {
  if (hops < 1 || !value) return undefined;
  const entries = value.split(",").map((entry) => entry.trim());
  return entries[Math.max(0, entries.length - hops)] || undefined;
}

/**
 * The origin a visitor used to reach the console, or null when the headers give no usable one.
 * The host is Host's: Heroku's router picks the app by it, so it names one of the app's domains,
 * while X-Forwarded-Host is never used (Heroku passes a client's own value through). The protocol
 * is the connection's own, or behind trusted proxies (TRUSTED_PROXY_HOPS, Heroku's router: 1) the
 * X-Forwarded-Proto they wrote; with 0 hops a client's X-Forwarded-Proto does not count.
 */
export function requestOrigin({
  headers,
  requestProtocol,
  trustedProxyHops,
}: {
  headers: Headers;
  /** The protocol of the connection that reached this process ("http" behind a proxy). */
  requestProtocol: string;
  trustedProxyHops: number;
}): string | null {
  const host = headers.get("host")?.trim();
  const proto = (
    forwardedValue(headers.get("x-forwarded-proto"), trustedProxyHops) ?? requestProtocol
  )
    .replace(/:$/, "")
    .toLowerCase();
  if (!host || !HOST.test(host) || (proto !== "http" && proto !== "https")) return null;
  try {
    return new URL(`${proto}://${host}`).origin;
  } catch {
    return null;
  }
}

/** Stores `origin` as the learned URL unless one is stored already; returns the stored one. */
export async function rememberAppUrl(
  db: Executor,
  origin: string,
  now: Date,
): Promise<{ url: string; learnedAt: Date }> {
  await db
    .insert(appSettings)
    .values({ key: APP_URL_KEY, value: origin, updatedAt: now })
    .onConflictDoNothing();
  const stored = await readLearnedAppUrl(db);
  return stored ?? { url: origin, learnedAt: now };
}

export async function readLearnedAppUrl(
  db: Executor,
): Promise<{ url: string; learnedAt: Date } | null> {
  const [row] = await db
    .select({ value: appSettings.value, updatedAt: appSettings.updatedAt })
    .from(appSettings)
    .where(eq(appSettings.key, APP_URL_KEY));
  return row ? { url: row.value, learnedAt: row.updatedAt } : null;
}

/** Forgets the learned URL (an admin fixing a wrong first request sets APP_URL instead). */
export async function forgetLearnedAppUrl(db: Executor): Promise<void> {
  await db.execute(sql`delete from ${appSettings} where ${appSettings.key} = ${APP_URL_KEY}`);
}

/** APP_URL when set, else the URL learned from the first request, else the local default. */
export async function resolveAppUrl(
  db: Executor,
  config: Pick<Config, "appUrl" | "appUrlSet">,
): Promise<AppUrlStatus> {
  if (config.appUrlSet) return { url: config.appUrl, source: "APP_URL" };
  const learned = await readLearnedAppUrl(db);
  if (learned) return { url: learned.url, source: "first-request", learnedAt: learned.learnedAt };
  return { url: config.appUrl, source: "default" };
}

/** Settings' line: the URL, and when APP_URL is unset where it came from and how to fix it. */
export function describeAppUrl(status: AppUrlStatus): string {
  if (status.source === "APP_URL") return status.url;
  if (status.source === "first-request") {
    const day = status.learnedAt.toISOString().slice(0, 10);
    return `APP_URL is not set: using ${status.url} taken from the first request on ${day}; set APP_URL to fix it`;
  }
  return `APP_URL is not set: using ${status.url} (the default); set APP_URL to the console's public URL`;
}
