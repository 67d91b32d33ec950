// The error a backend call throws: the typed `AppError` of the Rust side, as a JS Error so it travels
// through `await` and `catch` like any other. Kept apart from backend.ts so pure code and tests can use
// it without touching the Tauri bindings.

import type { AppError } from "./backend";

export class AppFailure extends Error {
  readonly error: AppError;

  constructor(error: AppError) {
    super(error.message);
    this.name = "AppFailure";
    this.error = error;
  }

  get code(): string {
    return this.error.code;
  }
}

/** Code used when something failed in the web view itself (not an `AppError` from Rust). */
export const INTERNAL_CODE = "internal";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/**
 * Any thrown value as an `AppError`. The Rust side promises the shape, but a command that panics, an
 * IPC failure or a plain string must still give a banner rather than a blank screen.
 */
export function toAppError(thrown: unknown): AppError {
  if (thrown instanceof AppFailure) return thrown.error;
  if (isRecord(thrown) && typeof thrown["code"] === "string" && typeof thrown["message"] === "string") {
    const fields = Array.isArray(thrown["fields"])
      ? thrown["fields"].filter(
          (f): f is { field: string; message: string } =>
            isRecord(f) && typeof f["field"] === "string" && typeof f["message"] === "string",
        )
      : [];
    return {
      code: thrown["code"],
      message: thrown["message"],
      fields,
      requestId: typeof thrown["requestId"] === "string" ? thrown["requestId"] : null,
      retryAfterSeconds: typeof thrown["retryAfterSeconds"] === "number" ? thrown["retryAfterSeconds"] : null,
    };
  }
  const message = thrown instanceof Error ? thrown.message : typeof thrown === "string" ? thrown : String(thrown);
  return { code: INTERNAL_CODE, message, fields: [], requestId: null, retryAfterSeconds: null };
}

/** Wraps any thrown value as an AppFailure. */
export function asFailure(thrown: unknown): AppFailure {
  return thrown instanceof AppFailure ? thrown : new AppFailure(toAppError(thrown));
}
