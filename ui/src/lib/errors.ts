// From an `AppError` (code + English message from Rust) to what the banner shows: a translated title
// chosen by the code, a hint saying what to do next, and the Rust message as detail where it helps.
// The UI switches on the code only, never on the message text.

import { VALIDATION_LIMITS, type AppError, type FieldErrorView } from "./backend";
import { m, type Message, type MessageKey } from "./i18n/translate";

/** Every code the Rust side sends (`ccs_core::ErrorCode`, from the generated bindings). */
export type ErrorCode = AppError["code"];

export type ErrorContext = {
  /** The contract the failed call was about, to name it in "no access to contract …". */
  readonly contract?: string | null;
};

export type ErrorView = {
  readonly code: ErrorCode;
  readonly title: Message;
  readonly hint: Message | null;
  /** The Rust message, shown as is (it is the server's words for server and validation errors). */
  readonly detail: string | null;
  /** Whether the detail is worth showing by default (otherwise it sits under "Technical details"). */
  readonly detailVisible: boolean;
  readonly requestId: string | null;
  readonly retryAfterSeconds: number | null;
  readonly fields: readonly FieldErrorView[];
};

type Entry = { title: MessageKey; hint?: MessageKey; showDetail?: boolean };

/**
 * One entry per code the Rust side sends: a code without one fails `tsc`. The generic entry is only
 * for a value that is not an `ErrorCode` at run time, which the types say cannot happen.
 */
const entries: Readonly<Record<ErrorCode, Entry>> = {
  invalid_client: { title: "error.invalidClient.title", hint: "error.invalidClient.hint" },
  invalid_api_key: { title: "error.invalidApiKey.title", hint: "error.invalidApiKey.hint" },
  contract_not_accessible: { title: "error.contractNotAccessible.title", hint: "error.contractNotAccessible.hint" },
  not_found: { title: "error.notFound.title", hint: "error.notFound.hint" },
  token_rejected: { title: "error.tokenRejected.title", hint: "error.tokenRejected.hint" },
  rate_limited: { title: "error.rateLimited.title", hint: "error.rateLimited.hint" },
  // The server's own words (and a gateway's) stay under "Technical details": the banner says what
  // happened and what to do; a validation's field messages show beside their fields.
  validation: { title: "error.validation.title", hint: "error.validation.hint" },
  server: { title: "error.server.title", hint: "error.server.hint" },
  network: { title: "error.network.title", hint: "error.network.hint" },
  timeout: { title: "error.timeout.title", hint: "error.network.hint" },
  incomplete_download: { title: "error.incompleteDownload.title", hint: "error.incompleteDownload.hint" },
  unexpected_response: { title: "error.unexpectedResponse.title", hint: "error.support.hint" },
  outcome_unknown: { title: "error.outcomeUnknown.title", hint: "error.outcomeUnknown.hint" },
  folder_in_use: { title: "error.folderInUse.title", hint: "error.folderInUse.hint" },
  unreadable_report: { title: "error.unreadableReport.title", hint: "error.unreadableReport.hint" },
  invalid_config: { title: "error.invalidConfig.title", hint: "error.invalidConfig.hint", showDetail: true },
  write: { title: "error.write.title", hint: "error.write.hint", showDetail: true },
  invalid_input: { title: "error.invalidInput.title", hint: "error.invalidInput.hint" },
  profile_not_found: { title: "error.profileNotFound.title", hint: "error.profileNotFound.hint" },
  profile_exists: { title: "error.profileExists.title", hint: "error.profileExists.hint" },
  invalid_profile_name: { title: "error.invalidProfileName.title", hint: "error.invalidProfileName.hint" },
  reserved_profile_name: { title: "error.invalidProfileName.title", hint: "error.reservedProfileName.hint" },
  missing_setting: { title: "error.missingSetting.title", hint: "error.missingSetting.hint", showDetail: true },
  missing_secret: { title: "error.missingSecret.title", hint: "error.missingSecret.hint" },
  keychain_unavailable: { title: "error.keychainUnavailable.title", hint: "error.keychainUnavailable.hint" },
  config: { title: "error.config.title", hint: "error.support.hint", showDetail: true },
  postman_import: { title: "error.postmanImport.title", hint: "error.postmanImport.hint", showDetail: true },
  io: { title: "error.io.title", hint: "error.write.hint", showDetail: true },
  cancelled: { title: "error.cancelled.title" },
  // The app's own codes (src-tauri).
  dialog: { title: "error.dialog.title", hint: "error.dialog.hint", showDetail: true },
  internal: { title: "error.internal.title", hint: "error.support.hint", showDetail: true },
  not_connected: { title: "error.notConnected.title", hint: "error.notConnected.hint" },
  busy: { title: "error.busy.title", hint: "error.busy.hint" },
  not_saved_here: { title: "error.notSavedHere.title" },
  open: { title: "error.open.title", hint: "error.open.hint", showDetail: true },
  sandbox: { title: "error.sandbox.title", hint: "error.support.hint", showDetail: true },
  not_listed: { title: "error.notListed.title", hint: "error.notListed.hint" },
  nothing_chosen: { title: "error.nothingChosen.title", hint: "error.nothingChosen.hint" },
};

const fallback: Entry = { title: "error.unknown.title", hint: "error.support.hint", showDetail: true };

/** Every code, from the table above (the test checks every one has its own translated title). */
export const errorCodes = Object.keys(entries) as readonly ErrorCode[];

/** Whether a value from outside the bindings (a thrown object) is one of the codes. */
export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(entries, value);
}

/** The entry of a code, the generic one for a value the types did not foresee. */
function entryOf(code: ErrorCode): Entry {
  const entry: Entry | undefined = entries[code];
  return entry ?? fallback;
}

/** The translated title of an error code (a bulk save's failed file carries its code only). */
export function errorTitle(code: ErrorCode): Message {
  return m(entryOf(code).title);
}

/** What the banner shows for `error`. */
export function describeError(error: AppError, context: ErrorContext = {}): ErrorView {
  const entry = entryOf(error.code);
  let title = m(entry.title);
  if (error.code === "contract_not_accessible" && context.contract) {
    title = m("error.contractNotAccessible.titleNamed", { contract: context.contract });
  }
  let hint: Message | null = entry.hint === undefined ? null : m(entry.hint);
  if (error.code === "invalid_profile_name") {
    hint = m("error.invalidProfileName.hint", { max: VALIDATION_LIMITS.profileNameMaxChars });
  }
  if (error.code === "rate_limited" && error.retryAfterSeconds !== null) {
    hint = m("error.rateLimited.hintSeconds", { seconds: Math.ceil(error.retryAfterSeconds) });
  }
  const detail = error.message.trim() === "" ? null : error.message;
  return {
    code: error.code,
    title,
    hint,
    detail,
    detailVisible: (entry.showDetail ?? false) && detail !== null,
    requestId: error.requestId,
    retryAfterSeconds: error.retryAfterSeconds,
    fields: error.fields ?? [],
  };
}

const retryable: readonly ErrorCode[] = ["rate_limited", "network", "timeout", "server", "incomplete_download"];

/** Whether a retry after a pause may succeed on its own (the banner offers or runs it). */
export function isRetryable(error: AppError): boolean {
  return retryable.includes(error.code);
}

/**
 * Splits field errors (from `validation` or `invalid_input`) between the fields a form shows and the
 * rest, which the banner lists. Field names are the wire names the forms use.
 */
export function splitFieldErrors(
  fields: readonly FieldErrorView[],
  formFields: readonly string[],
): { byField: Map<string, FieldErrorView[]>; others: FieldErrorView[] } {
  const byField = new Map<string, FieldErrorView[]>();
  const others: FieldErrorView[] = [];
  for (const item of fields) {
    if (formFields.includes(item.field)) {
      const list = byField.get(item.field) ?? [];
      list.push(item);
      byField.set(item.field, list);
    } else {
      others.push(item);
    }
  }
  return { byField, others };
}
