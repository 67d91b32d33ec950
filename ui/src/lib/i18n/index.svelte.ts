// The current language, as reactive state: components call `t(…)` with a key in their markup and re-render
// when the language changes. The choice is kept in localStorage (the web view's own storage).

import {
  detectFromList,
  parseChoice,
  render,
  translate,
  type LanguageChoice,
  type Locale,
  type Message,
  type MessageKey,
  type Params,
} from "./translate";

export { m, type Message, type MessageKey, type Locale, type LanguageChoice } from "./translate";

const STORAGE_KEY = "ccs.language";

/** localStorage may be missing or refuse access; a language choice is not worth an error. */
function readStored(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

function systemLocale(): Locale {
  const nav = globalThis.navigator;
  return detectFromList(nav?.languages, nav?.language);
}

const state = $state<{ choice: LanguageChoice; system: Locale }>({
  choice: parseChoice(readStored()),
  system: systemLocale(),
});

/** The language in use now. */
export function locale(): Locale {
  return state.choice === "auto" ? state.system : state.choice;
}

/** What the person chose (auto follows the system). */
export function languageChoice(): LanguageChoice {
  return state.choice;
}

/** Changes the language and remembers the choice. */
export function setLanguageChoice(choice: LanguageChoice): void {
  state.choice = choice;
  try {
    if (choice === "auto") globalThis.localStorage?.removeItem(STORAGE_KEY);
    else globalThis.localStorage?.setItem(STORAGE_KEY, choice);
  } catch {
    // Not persisted: the choice still holds for this session.
  }
}

/** The text of `key` in the current language. */
export function t(key: MessageKey, params?: Params): string {
  return translate(locale(), key, params);
}

/** A deferred message in the current language. */
export function tm(message: Message): string {
  return render(locale(), message);
}
