// Filtering and sorting of a contract's documents, done in the web view so that typing in the search
// box answers at once even with 100,000 rows. Pure functions plus a small memo: the list component asks
// for the view on every change and gets the same array back when nothing that matters changed.

import type { DocumentView } from "./backend";
import type { MessageKey } from "./i18n/translate";

export type SortKey = "date" | "period" | "amount" | "name";
export type SortDirection = "asc" | "desc";
export type DocumentSort = { readonly key: SortKey; readonly direction: SortDirection };

/** What the person asked for; `from`/`to` are months as YYYYMM numbers (e.g. 202403), inclusive. */
export type DocumentFilter = {
  readonly search: string;
  readonly type: string | null;
  readonly from: number | null;
  readonly to: number | null;
};

export const noFilter: DocumentFilter = { search: "", type: null, from: null, to: null };
export const defaultSort: DocumentSort = { key: "date", direction: "desc" };

/** The document types in the order users expect them (the API's spelling, misspelt `comsumption…` included). */
export const knownDocumentTypes = [
  "invoices",
  "bills",
  "comsumptionRatedReports",
  "partialConsumptionRatedReports",
  "partialBills",
  "reports",
] as const;
export type KnownDocumentType = (typeof knownDocumentTypes)[number];

/** Labels of the known types; an unknown type is shown as the API names it. */
const typeLabels: Readonly<Record<KnownDocumentType, MessageKey>> = {
  invoices: "docType.invoices",
  bills: "docType.bills",
  comsumptionRatedReports: "docType.consumptionRatedReports",
  partialConsumptionRatedReports: "docType.partialConsumptionRatedReports",
  partialBills: "docType.partialBills",
  reports: "docType.reports",
};

/** The translation key of a document type's label, or null for a type this app does not know. */
export function typeLabelKey(type: string | null): MessageKey | null {
  const canonical = canonicalType(type);
  return canonical !== null && canonical in typeLabels ? typeLabels[canonical as KnownDocumentType] : null;
}

/** The API's spelling of a type name typed or sent in any case; the correct `consumption…` spelling too. */
export function canonicalType(type: string | null): string | null {
  if (type === null) return null;
  let canonical = canonicalByName.get(type);
  if (canonical === undefined) {
    canonical = byLowerName.get(type.trim().toLowerCase()) ?? type;
    // A list has a handful of distinct types: remembering each spelling spares a lower-cased copy
    // per row on every keystroke. Bounded, in case a server sends free text.
    if (canonicalByName.size < 256) canonicalByName.set(type, canonical);
  }
  return canonical;
}

/** The canonical name of each type spelling met so far. */
const canonicalByName = new Map<string, string>();

/** Known types by lower-case name (one lookup per row: lists can be long). */
const byLowerName = new Map<string, string>([
  ...knownDocumentTypes.map((known): [string, string] => [known.toLowerCase(), known]),
  ["consumptionratedreports", "comsumptionRatedReports"],
]);

/** The month a period names (YYYYMM as a number), or null when it does not start with one. */
export function periodMonth(period: string): number | null {
  const match = /^(\d{4})(\d{2})/.exec(period);
  if (match === null) return null;
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? Number(match[1]) * 100 + month : null;
}

/**
 * A sort key for a file name: folded case and accents, digit runs zero-padded so "Invoice_9" comes
 * before "Invoice_10". Why not Intl.Collator: comparing 100,000 names with it takes seconds in WebKit;
 * precomputed keys compared with `<` take milliseconds.
 */
export function nameKey(name: string): string {
  return fold(name).replace(/\d+/g, (digits) => digits.replace(/^0+(?=\d)/, "").padStart(20, "0"));
}

/** Compares two strings by code unit, as `<` does. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A period's day (YYYYMMDD) or first day (YYYYMM) as a UTC time, NaN when it names no month. */
function periodTime(period: string, month: number | null): number {
  if (month === null) return Number.NaN;
  const day = /^\d{6}(\d{2})/.exec(period);
  const dayNumber = day === null ? 1 : Number(day[1]);
  return Date.UTC(Math.floor(month / 100), (month % 100) - 1, dayNumber >= 1 && dayNumber <= 31 ? dayNumber : 1);
}

/** Lower case without accents, so "decembre" finds "Décembre". */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** A document with the values filtering and sorting need, computed once per list. */
type Prepared = {
  readonly doc: DocumentView;
  readonly text: string;
  /** The file name as a key that sorts naturally with a plain `<` (see nameKey). */
  readonly name: string;
  readonly type: string | null;
  readonly month: number | null;
  readonly time: number;
};

const prepared = new WeakMap<readonly DocumentView[], readonly Prepared[]>();

function prepare(docs: readonly DocumentView[]): readonly Prepared[] {
  let rows = prepared.get(docs);
  if (rows === undefined) {
    rows = docs.map((doc) => {
      const month = periodMonth(doc.period);
      const created = doc.createdAt === null ? Number.NaN : Date.parse(doc.createdAt);
      // Without a creation date, the period's day (or first day) stands in, so date order stays sensible.
      const time = Number.isNaN(created) ? periodTime(doc.period, month) : created;
      const type = canonicalType(doc.documentType);
      return {
        doc,
        text: fold(`${doc.filename} ${doc.id} ${doc.period} ${doc.documentType ?? ""}`),
        name: nameKey(doc.filename),
        type,
        month,
        time,
      };
    });
    prepared.set(docs, rows);
  }
  return rows;
}

/** The search as words that must all appear (in any order). */
function searchWords(search: string): string[] {
  return fold(search).split(/\s+/).filter((word) => word !== "");
}

function matches(row: Prepared, words: readonly string[], filter: DocumentFilter, type: string | null): boolean {
  if (type !== null && row.type !== type) return false;
  if (filter.from !== null && (row.month === null || row.month < filter.from)) return false;
  if (filter.to !== null && (row.month === null || row.month > filter.to)) return false;
  for (const word of words) if (!row.text.includes(word)) return false;
  return true;
}

function filterPrepared(rows: readonly Prepared[], filter: DocumentFilter): Prepared[] {
  const words = searchWords(filter.search);
  const type = canonicalType(filter.type);
  return rows.filter((row) => matches(row, words, filter, type));
}

/** The documents that pass every filter, in their original order. */
export function filterDocuments(docs: readonly DocumentView[], filter: DocumentFilter): DocumentView[] {
  return filterPrepared(prepare(docs), filter).map((row) => row.doc);
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** Compares two optional numbers; missing values go last whatever the direction. */
function compareNumbers(a: number | null, b: number | null, sign: number): number {
  const aMissing = a === null || Number.isNaN(a);
  const bMissing = b === null || Number.isNaN(b);
  if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1;
  return (a - b) * sign;
}

function comparer(sort: DocumentSort): (a: Prepared, b: Prepared) => number {
  const sign = sort.direction === "asc" ? 1 : -1;
  const primary = (a: Prepared, b: Prepared): number => {
    switch (sort.key) {
      case "date":
        return compareNumbers(a.time, b.time, sign);
      case "period":
        return compareNumbers(a.month, b.month, sign) || compareText(a.doc.period, b.doc.period) * sign;
      case "amount":
        return compareNumbers(a.doc.amount, b.doc.amount, sign);
      case "name":
        return compareText(a.name, b.name) * sign;
    }
  };
  // The file name, then the id, break ties so the order never jumps between two renders.
  return (a, b) => primary(a, b) || compareText(a.name, b.name) || compareText(a.doc.id, b.doc.id);
}

/** A sorted copy. */
export function sortDocuments(docs: readonly DocumentView[], sort: DocumentSort): DocumentView[] {
  return [...prepare(docs)].sort(comparer(sort)).map((row) => row.doc);
}

/** Filter then sort, without memo. */
export function viewDocuments(docs: readonly DocumentView[], filter: DocumentFilter, sort: DocumentSort): DocumentView[] {
  return filterPrepared(prepare(docs), filter).sort(comparer(sort)).map((row) => row.doc);
}

/**
 * Whether every row that matches `next` also matched `previous`: same type and months, and each earlier
 * search word is contained in the word now at its place ("inv" → "invoice", "invoice" → "invoice 2025").
 */
export function narrows(previous: DocumentFilter, next: DocumentFilter): boolean {
  if (previous.type !== next.type || previous.from !== next.from || previous.to !== next.to) return false;
  const before = searchWords(previous.search);
  const after = searchWords(next.search);
  return before.length <= after.length && before.every((word, i) => after[i]!.includes(word));
}

function sameFilter(a: DocumentFilter, b: DocumentFilter): boolean {
  return a.search === b.search && a.type === b.type && a.from === b.from && a.to === b.to;
}

/**
 * A memoised `viewDocuments`. Why sort first: the whole list is sorted once per sort order, and each
 * keystroke in the search box then costs one linear filter over rows already in order — no re-sort of
 * 100,000 rows per key. The same array comes back while nothing changed, so the list does not redraw.
 */
export function createDocumentView(): (docs: readonly DocumentView[], filter: DocumentFilter, sort: DocumentSort) => DocumentView[] {
  let sortedDocs: readonly DocumentView[] | null = null;
  let sortedBy: DocumentSort | null = null;
  let sorted: Prepared[] = [];
  let filteredBy: DocumentFilter | null = null;
  let filteredRows: Prepared[] = [];
  let result: DocumentView[] = [];
  return (docs, filter, sort) => {
    const resort = docs !== sortedDocs || sortedBy === null || sortedBy.key !== sort.key || sortedBy.direction !== sort.direction;
    if (resort) {
      sorted = [...prepare(docs)].sort(comparer(sort));
      sortedDocs = docs;
      sortedBy = { ...sort };
    }
    if (resort || filteredBy === null || !sameFilter(filter, filteredBy)) {
      // Typing on narrows the list: only the rows that matched before can match now.
      const from = !resort && filteredBy !== null && narrows(filteredBy, filter) ? filteredRows : sorted;
      filteredRows = filterPrepared(from, filter);
      result = filteredRows.map((row) => row.doc);
      filteredBy = { ...filter };
    }
    return result;
  };
}

/** The document types present in a list, known ones first in the usual order, then others by name. */
export function presentTypes(docs: readonly DocumentView[]): string[] {
  const seen = new Set<string>();
  for (const row of prepare(docs)) if (row.type !== null) seen.add(row.type);
  const known = knownDocumentTypes.filter((type) => seen.has(type));
  const others = [...seen].filter((type) => !(knownDocumentTypes as readonly string[]).includes(type)).sort(collator.compare);
  return [...known, ...others];
}

/** The invoices among `docs` (e.g. the filtered list): what "Save all invoices of this period" saves. */
export function invoicesOf(docs: readonly DocumentView[]): DocumentView[] {
  return docs.filter((doc) => canonicalType(doc.documentType) === "invoices");
}

/** The next sort when a column header is pressed: same column flips, a new one starts on its natural side. */
export function nextSort(current: DocumentSort, key: SortKey): DocumentSort {
  if (current.key === key) return { key, direction: current.direction === "asc" ? "desc" : "asc" };
  return { key, direction: key === "name" ? "asc" : "desc" };
}
