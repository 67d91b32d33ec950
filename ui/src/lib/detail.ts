// Contract detail fields: a translated label for the keys the API is known to send, the raw key for any
// other, and a readable value (dates as dates).

import type { DetailField } from "./backend";
import { formatDateTime } from "./format";
import type { Locale, MessageKey } from "./i18n/translate";

/** Labels of the known keys (`customer.name` style, from the Rust side's flattening of the contract). */
const labels: Readonly<Record<string, MessageKey>> = {
  id: "field.id",
  name: "field.name",
  status: "field.status",
  contractType: "field.contractType",
  platformId: "field.platformId",
  supportLevel: "field.supportLevel",
  billingAccountId: "field.billingAccountId",
  createdAt: "field.createdAt",
  updatedAt: "field.updatedAt",
  "offer.name": "field.offer.name",
  "offer.code": "field.offer.code",
  "customer.id": "field.customer.id",
  "customer.name": "field.customer.name",
  "contact.civility": "field.contact.civility",
  "contact.lastName": "field.contact.lastName",
  "contact.firstName": "field.contact.firstName",
  "contact.email": "field.contact.email",
  "contact.fixPhone": "field.contact.fixPhone",
  "contact.mobilePhone": "field.contact.mobilePhone",
};

/** Keys whose value is a timestamp. */
const dateKeys = new Set(["createdAt", "updatedAt"]);

/** Accepts snake_case too, in case the Rust side flattens with serde's field names. */
function normaliseKey(key: string): string {
  return key
    .split(".")
    .map((part) => part.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()))
    .join(".");
}

/** The translation key of a known field, or null: the caller then shows the raw key. */
export function fieldLabelKey(key: string): MessageKey | null {
  return labels[normaliseKey(key)] ?? null;
}

/** A field's value as a person reads it. */
export function fieldValue(field: DetailField, locale: Locale): string {
  const key = normaliseKey(field.key);
  if (dateKeys.has(key) || key.endsWith("At")) return formatDateTime(field.value, locale);
  return field.value;
}

/** The group a field belongs to ("" for the contract itself, else "customer", "contact", "offer"…). */
export function fieldGroup(key: string): string {
  const dot = key.indexOf(".");
  return dot < 0 ? "" : key.slice(0, dot);
}

/** The fields in groups, keeping the server's order inside each group and the first-seen group order. */
export function groupFields(fields: readonly DetailField[]): { group: string; fields: DetailField[] }[] {
  const groups = new Map<string, DetailField[]>();
  for (const field of fields) {
    const group = fieldGroup(field.key);
    const list = groups.get(group) ?? [];
    list.push(field);
    groups.set(group, list);
  }
  return [...groups].map(([group, list]) => ({ group, fields: list }));
}

/** The heading key of a known group, or null (the raw group name is shown). */
export function groupLabelKey(group: string): MessageKey | null {
  const keys: Record<string, MessageKey> = {
    "": "detail.group.contract",
    customer: "detail.group.customer",
    contact: "detail.group.contact",
    offer: "detail.group.offer",
  };
  return keys[group] ?? null;
}
