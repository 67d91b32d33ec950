// Pure translation helpers: choosing a locale and filling a template. Kept free of Svelte state so the
// tests (and the formatters) can call them with an explicit locale.

import { en, type MessageKey } from "./en";
import { fr } from "./fr";

export type { MessageKey } from "./en";

/** The languages the app speaks. */
export type Locale = "en" | "fr";
/** What the person chose in Settings: follow the system, or a fixed language. */
export type LanguageChoice = "auto" | Locale;
/** Values put into a template's `{name}` slots. */
export type Params = Readonly<Record<string, string | number>>;
/** A message to translate later (e.g. a validation problem, shown in whatever language is current). */
export type Message = { readonly key: MessageKey; readonly params?: Params };

export const tables: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { en, fr };
export const locales: readonly Locale[] = ["en", "fr"];

/** Builds a deferred message; `m(…)` calls are also what the i18n test scans for. */
export function m(key: MessageKey, params?: Params): Message {
  return params === undefined ? { key } : { key, params };
}

/**
 * The locale for a system language tag such as `fr-FR`, `en_GB.UTF-8`, `C` or `POSIX`.
 * Why only a prefix test: every French variant (fr-CA, fr-BE, fr-CH) reads the same French; anything
 * that is not French, including an empty or C/POSIX locale, gets English.
 */
export function detectLocale(tag: string | null | undefined): Locale {
  return tag !== null && tag !== undefined && /^fr([-_.@]|$)/i.test(tag.trim()) ? "fr" : "en";
}

/** The first French or English entry of the browser's preferred languages, else English. */
export function detectFromList(tags: readonly string[] | null | undefined, fallback?: string | null): Locale {
  for (const tag of tags ?? []) {
    if (detectLocale(tag) === "fr") return "fr";
    if (/^en([-_.@]|$)/i.test(tag.trim())) return "en";
  }
  return detectLocale(fallback);
}

/** Replaces each `{name}` with its value; an unknown slot stays visible so a mistake is noticed. */
export function interpolate(template: string, params?: Params): string {
  if (params === undefined) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** The text of `key` in `locale`, English when a table lacks it (the tests make sure none does). */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const template = tables[locale][key] ?? en[key] ?? key;
  return interpolate(template, params);
}

/** A deferred message in `locale`. */
export function render(locale: Locale, message: Message): string {
  return translate(locale, message.key, message.params);
}

/** Reads a stored language choice, ignoring anything unexpected. */
export function parseChoice(value: string | null | undefined): LanguageChoice {
  return value === "en" || value === "fr" ? value : "auto";
}
