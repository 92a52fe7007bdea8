// The public URL for pages, actions and jobs (lib/settings/app-url holds the rules).
import "server-only";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { log } from "@/lib/log";
import { type AppUrlStatus, rememberAppUrl, requestOrigin, resolveAppUrl } from "./app-url";

// once stored, the learned URL never changes: each process asks the database once
const learnedKey = Symbol.for("dyno-monitor.learned-app-url");
type Store = typeof globalThis & { [learnedKey]?: AppUrlStatus };

/**
 * Layouts call this on every page view: on a shared database with APP_URL unset, the first
 * request's origin is stored (once, for every instance). The embedded install keeps its
 * http://localhost:PORT default. Never fails the page.
 */
export async function learnAppUrlFromRequest(headers: Headers): Promise<void> {
  const config = getConfig();
  const store = globalThis as Store;
  if (config.appUrlSet || !config.databaseUrl || store[learnedKey]) return;
  try {
    const origin = requestOrigin({
      headers,
      requestProtocol: "http",
      trustedProxyHops: config.trustedProxyHops,
    });
    if (!origin) return;
    const stored = await rememberAppUrl(getDb(), origin, new Date());
    store[learnedKey] = { url: stored.url, source: "first-request", learnedAt: stored.learnedAt };
    if (stored.url === origin)
      log.info("APP_URL is not set: using the first request's URL", { url: stored.url });
  } catch (error) {
    log.warn("could not store the URL of the first request", { error });
  }
}

/** Where links and drain URLs point, and where that came from (Settings shows it). */
export async function getAppUrlStatus(): Promise<AppUrlStatus> {
  const store = globalThis as Store;
  const cached = store[learnedKey];
  if (cached) return cached;
  const status = await resolveAppUrl(getDb(), getConfig());
  if (status.source === "first-request") store[learnedKey] = status;
  return status;
}

/** The console's public base URL, without a trailing slash. */
export async function getAppUrl(): Promise<string> {
  return (await getAppUrlStatus()).url;
}
