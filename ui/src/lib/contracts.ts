// The contracts list as shown: what the server listed, plus contracts created in this session that the
// server does not list yet (a new contract may be PENDING for a while), newest first among those.

import type { ContractDetailView, ContractView } from "./backend";

/** Lower case without accents, so "decembre" finds "Décembre". */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** A created contract's detail as a row of the list. */
export function contractRow(detail: ContractDetailView): ContractView {
  const value = (key: string): string | null => detail.fields.find((field) => field.key === key)?.value ?? null;
  return {
    id: detail.id,
    name: detail.name,
    offer: value("offer.name"),
    createdAt: value("createdAt"),
    status: value("status"),
  };
}

/** The listed contracts followed by created ones the list lacks. */
export function mergeContracts(listed: readonly ContractView[], created: readonly ContractView[]): ContractView[] {
  const ids = new Set(listed.map((contract) => contract.id));
  return [...listed, ...created.filter((contract) => !ids.has(contract.id))];
}

/** Contracts whose id, name or offer contain every word of `search`. */
export function filterContracts(contracts: readonly ContractView[], search: string): ContractView[] {
  const words = fold(search).split(/\s+/).filter((word) => word !== "");
  if (words.length === 0) return [...contracts];
  return contracts.filter((contract) => {
    const text = fold(`${contract.id} ${contract.name} ${contract.offer ?? ""} ${contract.status ?? ""}`);
    return words.every((word) => text.includes(word));
  });
}
