// The state every form of the app keeps beside its values: which fields were touched, whether it was
// submitted, and the server's field errors of the last attempt. One class so the three forms (profile,
// user, contract) follow the same rules; `visibleErrors` (forms.ts) turns it into what each field shows.

import { tick } from "svelte";
import type { FieldErrorView } from "./backend";
import { splitFieldErrors } from "./errors";
import { firstInvalid, withoutField, type FieldMessages } from "./forms";

export class FormState {
  touched = $state(new Set<string>());
  submitted = $state(false);
  /** Rust's field errors by field, shown in the person's language (`visibleErrors`). */
  server = $state(new Map<string, readonly FieldErrorView[]>());

  constructor(readonly fields: readonly string[]) {}

  /** The person left the field: its own problems may show from now on. */
  touch = (field: string): void => {
    if (!this.touched.has(field)) this.touched = new Set([...this.touched, field]);
  };

  /** The person changed the field: it counts as touched, and the server's old message goes. */
  edited = (field: string): void => {
    this.touch(field);
    if (this.server.has(field)) this.server = withoutField(this.server, field);
  };

  /** Puts the field errors of a failed attempt beside their fields. */
  showServerErrors(errors: Parameters<typeof splitFieldErrors>[0]): void {
    this.server = splitFieldErrors(errors, this.fields).byField;
  }

  /** Back to a fresh form (after "add another"). */
  reset(): void {
    this.touched = new Set();
    this.submitted = false;
    this.server = new Map();
  }
}

/** After the DOM settles, focuses the first field with something to show; returns its name. */
export async function focusFirstInvalid(fields: readonly string[], shown: FieldMessages): Promise<string | null> {
  await tick();
  const first = firstInvalid(fields, shown);
  if (first !== null) document.getElementById(`input-${first}`)?.focus();
  return first;
}
