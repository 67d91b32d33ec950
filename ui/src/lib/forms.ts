// What a form shows beside each field: its own problems once the field was touched (or the form was
// submitted), else the server's field errors from the last attempt. Pure so the rules are tested.

import type { FieldErrorView } from "./backend";
import { render, type Locale } from "./i18n/translate";
import { fieldErrorText, type Problems } from "./validation";

export type FieldMessages = Readonly<Record<string, readonly string[]>>;

/**
 * The messages to show per field. Why both sources: the form's own rules answer as the person types;
 * the server may still refuse a value (e.g. a login already taken), and that message stays beside the
 * field until the person edits it.
 */
export function visibleErrors(
  fields: readonly string[],
  problems: Problems,
  touched: ReadonlySet<string>,
  submitted: boolean,
  server: ReadonlyMap<string, readonly FieldErrorView[]>,
  locale: Locale,
): FieldMessages {
  const result: Record<string, readonly string[]> = {};
  for (const field of fields) {
    const own = submitted || touched.has(field) ? (problems.get(field) ?? []).map((message) => render(locale, message)) : [];
    const fromServer = (server.get(field) ?? []).map((error) => fieldErrorText(locale, error));
    const all = [...own, ...fromServer];
    if (all.length > 0) result[field] = all;
  }
  return result;
}

/** The first field (in form order) with something to show: where focus goes after a failed submit. */
export function firstInvalid(fields: readonly string[], messages: FieldMessages): string | null {
  return fields.find((field) => (messages[field]?.length ?? 0) > 0) ?? null;
}

/** A server error map without the entry of a field the person just edited. */
export function withoutField<T>(server: ReadonlyMap<string, readonly T[]>, field: string): Map<string, readonly T[]> {
  const copy = new Map(server);
  copy.delete(field);
  return copy;
}
