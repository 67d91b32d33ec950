// What a phone box will send, for the field's hint. The rule lives once, in Rust (`normalize_phone`
// in crates/core/src/validate.rs), and is asked through a command: no TypeScript copy to drift.

import * as backend from "./backend";

/** The form a typed phone number is sent in, when it differs from what was typed. */
export class PhoneAsSent {
  /** `+33612345678` for `06 12 34 56 78`; null when empty or already in that form. */
  sent = $state<string | null>(null);
  #asked = "";

  /** Asks for `typed`'s form; an answer for an older text is dropped. */
  async update(typed: string): Promise<void> {
    const text = typed.trim();
    this.#asked = text;
    if (text === "") {
      this.sent = null;
      return;
    }
    const sent = await backend.phoneAsSent(text);
    if (this.#asked === text) this.sent = sent === text ? null : sent;
  }
}
