export const errorStatus = {
  validation: 422,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  upstream: 502,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;
export type FieldErrors = Record<string, string[]>;

/** An error the user may see: its code maps to one HTTP status (lib/http/route.ts). */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldErrors | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; fields?: FieldErrors },
  ) {
    super(message, { cause: options?.cause });
    this.name = "AppError";
    this.code = code;
    this.fields = options?.fields;
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

export const unauthorized = (
  message = "Sign in or send a valid bearer token to use this endpoint.",
) => new AppError("unauthorized", message);
export const forbidden = (message = "Your role does not allow this; ask an admin.") =>
  new AppError("forbidden", message);
export const notFound = (what: string) => new AppError("not_found", `${what} was not found.`);
