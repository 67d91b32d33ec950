// The error a backend call throws: the typed `AppError` of the Rust side, as a JS Error so it travels
// through `await` and `catch` like any other. Kept apart from backend.ts so pure code and tests can use
// it without touching the Tauri bindings.

import type { AppError, FieldRule, RuleParams } from "./backend";
import { isErrorCode, type ErrorCode } from "./errors";

export class AppFailure extends Error {
  readonly error: AppError;

  constructor(error: AppError) {
    super(error.message);
    this.name = "AppFailure";
    this.error = error;
  }

  get code(): ErrorCode {
    return this.error.code;
  }
}

/** Code used when something failed in the web view itself (not an `AppError` from Rust). */
export const INTERNAL_CODE: ErrorCode = "internal";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/**
 * A field error's rule as sent: a rule code the UI has no message for shows the English message instead
 * (`fieldErrorText`), so the text is not checked against the list here.
 */
function ruleOf(value: unknown): FieldRule | null {
  return typeof value === "string" ? (value as FieldRule) : null;
}

/** A field error's parameters: the numbers and texts among them. */
function paramsOf(value: unknown): RuleParams {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string | number] => ["string", "number"].includes(typeof entry[1])),
  );
}

/**
 * Any thrown value as an `AppError`. The Rust side promises the shape, but a command that panics, an
 * IPC failure or a plain string must still give a banner rather than a blank screen.
 */
export function toAppError(thrown: unknown): AppError {
  if (thrown instanceof AppFailure) return thrown.error;
  if (isRecord(thrown) && typeof thrown["code"] === "string" && typeof thrown["message"] === "string") {
    const code = thrown["code"];
    const fields = Array.isArray(thrown["fields"])
      ? thrown["fields"].filter(isRecord).flatMap((f) =>
          typeof f["field"] === "string" && typeof f["message"] === "string"
            ? [{ field: f["field"], rule: ruleOf(f["rule"]), params: paramsOf(f["params"]), message: f["message"] }]
            : [],
        )
      : [];
    return {
      // A code the bindings do not know cannot come from our commands: an internal error, its text kept.
      code: isErrorCode(code) ? code : INTERNAL_CODE,
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
