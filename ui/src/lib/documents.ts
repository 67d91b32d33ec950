// What the documents screen needs besides the rows themselves: type labels, sort orders, and the filter
// as the backend reads it. Why so little: the list lives once, in Rust (see ccs_core::catalog); the page
// asks for the rows in view and the counts it prints, so nothing here walks 100,000 documents.

import type { DocumentFilterInput, DocumentSortInput, YearMonthNumber } from "./backend";
import type { MessageKey } from "./i18n/translate";

export type DocumentSort = DocumentSortInput;
export type SortKey = DocumentSort["key"];
export type SortDirection = DocumentSort["direction"];

/** What the person asked for; `from`/`to` are months as YYYYMM numbers (e.g. 202403), inclusive. */
export type DocumentFilter = {
  readonly search: string;
  readonly type: string | null;
  readonly from: YearMonthNumber | null;
  readonly to: YearMonthNumber | null;
};

export const defaultSort: DocumentSort = { key: "date", direction: "desc" };

/** The filter as the backend reads it. */
export function filterInput(filter: DocumentFilter): DocumentFilterInput {
  return { search: filter.search, documentType: filter.type, from: filter.from, to: filter.to };
}

/** Whether two filters show the same documents. */
export function sameFilter(a: DocumentFilter, b: DocumentFilter): boolean {
  return a.search === b.search && a.type === b.type && a.from === b.from && a.to === b.to;
}

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
  return byLowerName.get(type.trim().toLowerCase()) ?? type;
}

/** Known types by lower-case name. */
const byLowerName = new Map<string, string>([
  ...knownDocumentTypes.map((known): [string, string] => [known.toLowerCase(), known]),
  ["consumptionratedreports", "comsumptionRatedReports"],
]);

/** The next sort when a column header is pressed: same column flips, a new one starts on its natural side. */
export function nextSort(current: DocumentSort, key: SortKey): DocumentSort {
  if (current.key === key) return { key, direction: current.direction === "asc" ? "desc" : "asc" };
  return { key, direction: key === "name" ? "asc" : "desc" };
}
