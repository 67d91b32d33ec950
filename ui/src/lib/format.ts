// Formatting of amounts, sizes, periods and dates for a given locale. Pure: the locale (and, for
// dates, the time zone) are passed in so the tests do not depend on the machine they run on.

import { translate, type Locale } from "./i18n/translate";

/** BCP 47 tags for Intl: French as written in France, English as the neutral default. */
const intlTag: Record<Locale, string> = { en: "en-GB", fr: "fr-FR" };

/** Intl formatters are slow to build and a list formats thousands of cells: build each once. */
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.NumberFormat | undefined;
  if (format === undefined) {
    format = new Intl.NumberFormat(intlTag[locale], options);
    cache.set(key, format);
  }
  return format;
}

function dateFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (format === undefined) {
    format = new Intl.DateTimeFormat(intlTag[locale], options);
    cache.set(key, format);
  }
  return format;
}

/**
 * An amount with its currency, as a person of `locale` writes it: `€1,234.50` / `1 234,50 €`.
 * An unknown currency code is written after the number rather than refused.
 */
export function formatAmount(amount: number | null, currency: string | null, locale: Locale): string {
  if (amount === null || !Number.isFinite(amount)) return "";
  const code = currency?.trim().toUpperCase() ?? "";
  if (/^[A-Z]{3}$/.test(code)) {
    try {
      return numberFormat(locale, { style: "currency", currency: code }).format(amount);
    } catch {
      // Not an ISO 4217 code Intl knows: fall through to the plain form.
    }
  }
  const number = numberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
  return code === "" ? number : `${number} ${currency?.trim()}`;
}

const sizeUnits = ["size.bytes", "size.kb", "size.mb", "size.gb", "size.tb"] as const;

/** A file size in decimal units (kB = 1000 B, as macOS and GNOME show them), one decimal at most. */
export function formatSize(bytes: number | null, locale: Locale): string {
  if (bytes === null || !Number.isFinite(bytes) || bytes < 0) return "";
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < sizeUnits.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : value < 10 ? 1 : 0;
  const number = numberFormat(locale, { maximumFractionDigits: digits }).format(value);
  return translate(locale, sizeUnits[unit] ?? "size.bytes", { n: number });
}

/** A whole count with the locale's digit grouping. */
export function formatCount(count: number, locale: Locale): string {
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(count);
}

/** A percentage from 0 to 100, whole. */
export function formatPercent(percent: number, locale: Locale): string {
  return numberFormat(locale, { style: "percent", maximumFractionDigits: 0 }).format(percent / 100);
}

/**
 * A document period: `202403` → "March 2024", `20240315` → "15 March 2024" (in French "mars 2024",
 * "15 mars 2024"). The API only promises that a period starts with YYYYMM, so anything else is shown
 * as it came.
 */
export function formatPeriod(period: string, locale: Locale): string {
  const match = /^(\d{4})(\d{2})(\d{2})?$/.exec(period.trim());
  if (match === null) return period;
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (month < 1 || month > 12) return period;
  if (match[3] === undefined) {
    return dateFormat(locale, { year: "numeric", month: "long", timeZone: "UTC" }).format(
      Date.UTC(year, month - 1, 1),
    );
  }
  const day = Number(match[3]);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || day < 1) return period;
  return dateFormat(locale, { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" }).format(date);
}

/**
 * A timestamp from the API (RFC 3339) as a date: "15 Mar 2024" / "15 mars 2024". The time zone defaults
 * to the machine's; tests pass one. Text that is not a date is shown as it came.
 */
export function formatDate(iso: string | null, locale: Locale, timeZone?: string): string {
  if (iso === null || iso.trim() === "") return "";
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const options: Intl.DateTimeFormatOptions = { year: "numeric", month: "short", day: "numeric" };
  if (timeZone !== undefined) options.timeZone = timeZone;
  return dateFormat(locale, options).format(time);
}

/** A timestamp with its time of day, for detail views: "15 Mar 2024, 14:05". */
export function formatDateTime(iso: string | null, locale: Locale, timeZone?: string): string {
  if (iso === null || iso.trim() === "") return "";
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const options: Intl.DateTimeFormatOptions = {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  };
  if (timeZone !== undefined) options.timeZone = timeZone;
  return dateFormat(locale, options).format(time);
}
