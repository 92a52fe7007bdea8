/**
 * The cache's backing service failed (unreachable, too slow, refused our credentials). A plain
 * error on purpose: withRoute/withAction answer it with a generic 500 and log the cause, so host
 * names never reach a visitor. The message names the setting to check and never holds a secret.
 */
export class CacheUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CacheUnavailableError";
  }
}

/** host:port of a URL, without credentials, for messages and logs. */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.hostname;
  } catch {
    return "an unparsable URL";
  }
}
