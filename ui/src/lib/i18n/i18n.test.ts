// Every user-facing string comes from the tables: both tables have the same keys and slots, every key
// the sources use exists, and no .svelte markup carries words of its own.
import { describe, expect, it } from "vitest";
import { en } from "./en";
import { fr } from "./fr";
import { detectFromList, detectLocale, interpolate, parseChoice, translate } from "./translate";

/** The app's sources, as text (Vite's raw import; the tests themselves are left out). */
const sources = import.meta.glob<string>(["/src/**/*.ts", "/src/**/*.svelte", "!/src/**/*.test.ts", "!/src/bindings.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});

const slots = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe("translation tables", () => {
  it("have the same keys", () => {
    const enKeys = Object.keys(en).sort();
    const frKeys = Object.keys(fr).sort();
    expect(frKeys.filter((key) => !enKeys.includes(key)), "keys only in fr.ts").toEqual([]);
    expect(enKeys.filter((key) => !frKeys.includes(key)), "keys missing in fr.ts").toEqual([]);
  });

  it("have no empty text and the same {slots} in both languages", () => {
    for (const [key, text] of Object.entries(en)) {
      const french = (fr as Record<string, string>)[key] ?? "";
      expect(text.trim(), key).not.toBe("");
      expect(french.trim(), key).not.toBe("");
      expect(slots(french), key).toEqual(slots(text));
    }
  });

  it("cover every key the sources use", () => {
    const used = new Set<string>();
    for (const [path, text] of Object.entries(sources)) {
      for (const match of text.matchAll(/\b(?:t|m)\(\s*["'`]([^"'`]+)["'`]/g)) used.add(`${match[1]}\u0000${path}`);
    }
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used]
      .map((entry) => entry.split("\u0000") as [string, string])
      .filter(([key]) => !(key in en) || !(key in fr))
      .map(([key, path]) => `${key} (${path})`);
    expect(missing).toEqual([]);
  });

  it("leave no words in component markup outside the tables", () => {
    const found: string[] = [];
    for (const [path, text] of Object.entries(sources)) {
      if (!path.endsWith(".svelte")) continue;
      for (const word of markupWords(text)) found.push(`${path}: ${word}`);
    }
    expect(found).toEqual([]);
  });
});

/**
 * The words left in a component's markup once scripts, styles, comments, {expressions} and tags are
 * taken out, plus literal human-readable attributes. Example values (URLs, OCB0001234) are allowed.
 */
function markupWords(source: string): string[] {
  let text = source
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<!--[\s\S]*?-->/g, "");
  const words: string[] = [];
  for (const match of text.matchAll(/\b(?:placeholder|aria-label|title|alt|label)="([^"{]*)"/g)) {
    const value = match[1] ?? "";
    if (/[A-Za-zÀ-ÿ]{2,}/.test(value) && !/^(https?:\/\/|OCB\d)/.test(value)) words.push(value);
  }
  // Drop {…} with nesting, then tags.
  let out = "";
  let depth = 0;
  for (const char of text) {
    if (char === "{") depth += 1;
    else if (char === "}") depth = Math.max(0, depth - 1);
    else if (depth === 0) out += char;
  }
  text = out.replace(/<[^>]*>/g, " ");
  for (const word of text.match(/[A-Za-zÀ-ÿ]{2,}/g) ?? []) words.push(word);
  return words;
}

describe("locale detection", () => {
  it("follows French system locales", () => {
    for (const tag of ["fr", "fr-FR", "fr_CA.UTF-8", "FR-be", "fr@euro"]) expect(detectLocale(tag), tag).toBe("fr");
  });

  it("falls back to English for anything else, C and POSIX included", () => {
    for (const tag of ["en-US", "de-DE", "C", "POSIX", "C.UTF-8", "", "frisian", null, undefined]) {
      expect(detectLocale(tag), String(tag)).toBe("en");
    }
  });

  it("takes the first French or English of the preferred languages", () => {
    expect(detectFromList(["de-DE", "fr-FR", "en-US"])).toBe("fr");
    expect(detectFromList(["en-GB", "fr-FR"])).toBe("en");
    expect(detectFromList([], "fr-FR")).toBe("fr");
    expect(detectFromList(undefined, "C")).toBe("en");
  });

  it("reads a stored choice safely", () => {
    expect(parseChoice("fr")).toBe("fr");
    expect(parseChoice("en")).toBe("en");
    expect(parseChoice("de")).toBe("auto");
    expect(parseChoice(null)).toBe("auto");
  });
});

describe("translate", () => {
  it("fills slots and leaves unknown ones visible", () => {
    expect(interpolate("{a} and {b}", { a: 1 })).toBe("1 and {b}");
    expect(translate("en", "documents.count", { shown: 3, total: 10 })).toBe("Documents shown: 3 of 10");
    expect(translate("fr", "documents.count", { shown: 3, total: 10 })).toBe("Documents affichés\u202f: 3 sur 10");
  });
});
