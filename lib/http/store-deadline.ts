// Handlers that must answer promptly even when the database does not: a drain post (Logplex gives
// up after ~5 s and retries with the same frame id, PLATFORM.md §6.3). Their store work runs under
// a deadline, and a store that is down or too slow answers 503 with Retry-After.
import "server-only";
import { StoreUnavailableError, withinStoreDeadline } from "@/lib/db/availability";
import type { Executor } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { errorResponse } from "./route";

/** How long a handler waits for the store before answering 503 (well inside Logplex's 5 s). */
export const STORE_DEADLINE_MS = 1_500;

const RETRY_AFTER_SECONDS = "5";

function isUnavailable(error: unknown): boolean {
  return (
    error instanceof StoreUnavailableError ||
    (error instanceof AppError && error.code === "unavailable")
  );
}

/**
 * Answers with `work`'s response, or 503 + Retry-After at once while the store is down and when
 * `work` is not done within STORE_DEADLINE_MS (`signal` then aborts; its writes may still commit).
 */
export async function answerWithinStoreDeadline(
  db: Executor,
  work: (signal: AbortSignal) => Promise<Response>,
): Promise<Response> {
  try {
    return await withinStoreDeadline(db, STORE_DEADLINE_MS, work);
  } catch (error) {
    if (!isUnavailable(error)) throw error;
    const response = errorResponse(
      error instanceof AppError
        ? error
        : new AppError("unavailable", "The database is unavailable; retry shortly."),
    );
    response.headers.set("Retry-After", RETRY_AFTER_SECONDS);
    return response;
  }
}
