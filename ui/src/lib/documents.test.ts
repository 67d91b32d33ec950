import { describe, expect, it } from "vitest";
import type { DocumentView } from "./backend";
import {
  canonicalType,
  createDocumentView,
  defaultSort,
  filterDocuments,
  fold,
  invoicesOf,
  nameKey,
  narrows,
  nextSort,
  noFilter,
  periodMonth,
  presentTypes,
  sortDocuments,
  typeLabelKey,
  viewDocuments,
  type DocumentFilter,
} from "./documents";

function doc(id: string, over: Partial<DocumentView> = {}): DocumentView {
  return {
    id,
    filename: `Invoice_OCB0000001_${id}.pdf`,
    period: "202403",
    documentType: "invoices",
    createdAt: "2024-04-02T08:00:00Z",
    size: 1000,
    amount: 100,
    currency: "EUR",
    ...over,
  };
}

const docs: DocumentView[] = [
  doc("a", { filename: "Invoice_March.pdf", period: "202403", createdAt: "2024-04-02T08:00:00Z", amount: 300 }),
  doc("b", { filename: "Billing_Report_March.xlsx", documentType: "bills", period: "202403", createdAt: "2024-04-01T08:00:00Z", amount: null }),
  doc("c", { filename: "Invoice_January.pdf", period: "202401", createdAt: "2024-02-02T08:00:00Z", amount: 100 }),
  doc("d", { filename: "Report_20240215.csv", documentType: "reports", period: "20240215", createdAt: null, amount: null }),
  doc("e", { filename: "ConsumptionRatedReport_Dec.csv", documentType: "comsumptionRatedReports", period: "202312", createdAt: "2024-01-03T08:00:00Z" }),
  doc("f", { filename: "Facture_Décembre.pdf", period: "202312", createdAt: "2024-01-02T08:00:00Z", amount: 200 }),
];

const ids = (list: readonly DocumentView[]) => list.map((d) => d.id);
const filter = (over: Partial<DocumentFilter>): DocumentFilter => ({ ...noFilter, ...over });

describe("periods and types", () => {
  it("reads the month a period starts with", () => {
    expect(periodMonth("202403")).toBe(202403);
    expect(periodMonth("20240315")).toBe(202403);
    expect(periodMonth("202413")).toBeNull();
    expect(periodMonth("March")).toBeNull();
  });

  it("accepts both spellings of consumption reports", () => {
    expect(canonicalType("consumptionRatedReports")).toBe("comsumptionRatedReports");
    expect(canonicalType("INVOICES")).toBe("invoices");
    expect(canonicalType("creditNotes")).toBe("creditNotes");
    expect(typeLabelKey("consumptionRatedReports")).toBe("docType.consumptionRatedReports");
    expect(typeLabelKey("creditNotes")).toBeNull();
  });

  it("lists present types, known ones in the usual order first", () => {
    const withOther = [...docs, doc("z", { documentType: "creditNotes" })];
    expect(presentTypes(withOther)).toEqual(["invoices", "bills", "comsumptionRatedReports", "reports", "creditNotes"]);
  });
});

describe("filterDocuments", () => {
  it("keeps everything without a filter", () => {
    expect(ids(filterDocuments(docs, noFilter))).toEqual(["a", "b", "c", "d", "e", "f"]);
  });

  it("matches every search word, in any case, without accents", () => {
    expect(ids(filterDocuments(docs, filter({ search: "march" })))).toEqual(["a", "b"]);
    expect(ids(filterDocuments(docs, filter({ search: "MARCH invoice" })))).toEqual(["a"]);
    expect(ids(filterDocuments(docs, filter({ search: "decembre" })))).toEqual(["f"]);
    expect(ids(filterDocuments(docs, filter({ search: "  " })))).toHaveLength(6);
    expect(fold("Décembre")).toBe("decembre");
  });

  it("filters by type, either spelling", () => {
    expect(ids(filterDocuments(docs, filter({ type: "invoices" })))).toEqual(["a", "c", "f"]);
    expect(ids(filterDocuments(docs, filter({ type: "consumptionRatedReports" })))).toEqual(["e"]);
  });

  it("filters by an inclusive month range, daily reports included", () => {
    expect(ids(filterDocuments(docs, filter({ from: 202401, to: 202402 })))).toEqual(["c", "d"]);
    expect(ids(filterDocuments(docs, filter({ from: 202403 })))).toEqual(["a", "b"]);
    expect(ids(filterDocuments(docs, filter({ to: 202312 })))).toEqual(["e", "f"]);
  });
});

describe("sortDocuments", () => {
  it("sorts by date, newest first by default, using the period when there is no date", () => {
    expect(ids(sortDocuments(docs, defaultSort))).toEqual(["a", "b", "d", "c", "e", "f"]);
    expect(ids(sortDocuments(docs, { key: "date", direction: "asc" }))).toEqual(["f", "e", "c", "d", "b", "a"]);
  });

  it("sorts by period, ties broken by name", () => {
    expect(ids(sortDocuments(docs, { key: "period", direction: "desc" }))).toEqual(["b", "a", "d", "c", "e", "f"]);
  });

  it("sorts by amount with missing amounts last either way (equal amounts by name)", () => {
    expect(ids(sortDocuments(docs, { key: "amount", direction: "desc" })).slice(0, 4)).toEqual(["a", "f", "e", "c"]);
    expect(ids(sortDocuments(docs, { key: "amount", direction: "asc" })).slice(0, 4)).toEqual(["e", "c", "f", "a"]);
    const last = ids(sortDocuments(docs, { key: "amount", direction: "asc" })).slice(4);
    expect(last.sort()).toEqual(["b", "d"]);
  });

  it("sorts by name naturally", () => {
    const names = [doc("1", { filename: "Invoice_10.pdf" }), doc("2", { filename: "Invoice_9.pdf" }), doc("3", { filename: "invoice_1.pdf" })];
    expect(ids(sortDocuments(names, { key: "name", direction: "asc" }))).toEqual(["3", "2", "1"]);
  });

  it("does not change the list it was given", () => {
    const copy = [...docs];
    sortDocuments(docs, { key: "name", direction: "desc" });
    expect(docs).toEqual(copy);
  });
});

describe("the memoised view", () => {
  it("returns the same array while nothing changes", () => {
    const view = createDocumentView();
    const first = view(docs, filter({ search: "invoice" }), defaultSort);
    expect(view(docs, filter({ search: "invoice" }), defaultSort)).toBe(first);
    const other = view(docs, filter({ search: "invoice" }), { key: "name", direction: "asc" });
    expect(other).not.toBe(first);
    expect(ids(other)).toEqual(ids(viewDocuments(docs, filter({ search: "invoice" }), { key: "name", direction: "asc" })));
  });

  it("follows a new list", () => {
    const view = createDocumentView();
    view(docs, noFilter, defaultSort);
    const more = [...docs, doc("g", { createdAt: "2025-01-01T00:00:00Z" })];
    expect(view(more, noFilter, defaultSort)[0]?.id).toBe("g");
  });
});

describe("typing on narrows the list", () => {
  it("knows when a new search can only narrow the last one", () => {
    expect(narrows(filter({ search: "inv" }), filter({ search: "invoice" }))).toBe(true);
    expect(narrows(filter({ search: "invoice" }), filter({ search: "invoice 2025" }))).toBe(true);
    expect(narrows(noFilter, filter({ search: "x" }))).toBe(true);
    expect(narrows(filter({ search: "invoice" }), filter({ search: "invoic" }))).toBe(false);
    expect(narrows(filter({ search: "invoice 2025" }), filter({ search: "invoice" }))).toBe(false);
    expect(narrows(filter({ search: "ab cd" }), filter({ search: "abx" }))).toBe(false);
    expect(narrows(filter({ search: "inv" }), filter({ search: "inv", type: "bills" }))).toBe(false);
    expect(narrows(filter({ search: "inv", from: 202401 }), filter({ search: "invo" }))).toBe(false);
  });

  it("gives the same rows as a full filter, key by key, forth and back", () => {
    const view = createDocumentView();
    const text = "invoice ma";
    const steps = [...Array.from(text, (_, i) => text.slice(0, i + 1)), ...Array.from(text, (_, i) => text.slice(0, text.length - 1 - i))];
    for (const search of steps) {
      expect(ids(view(docs, filter({ search }), defaultSort)), search).toEqual(ids(viewDocuments(docs, filter({ search }), defaultSort)));
    }
    expect(ids(view(docs, filter({ search: "invoice ma" }), defaultSort))).toEqual(["a"]);
    expect(ids(view(docs, filter({ search: "d" }), defaultSort))).toEqual(ids(viewDocuments(docs, filter({ search: "d" }), defaultSort)));
  });
});

describe("100,000 rows", () => {
  const types = ["invoices", "bills", "comsumptionRatedReports", "reports"];
  const many: DocumentView[] = Array.from({ length: 100_000 }, (_, i) => {
    const month = 201501 + Math.floor(i / 1000) * 100 + (i % 12);
    return doc(`id${i}`, {
      filename: `${types[i % 4]}_${i}.pdf`,
      documentType: types[i % 4] ?? null,
      period: String(month),
      createdAt: new Date(Date.UTC(2015, 0, 1) + i * 60_000).toISOString(),
      amount: i % 7 === 0 ? null : (i * 37) % 10_000,
    });
  });

  it("filters, sorts and searches the whole list", () => {
    const view = createDocumentView();
    const all = view(many, noFilter, defaultSort);
    expect(all).toHaveLength(100_000);
    expect(all[0]?.id).toBe("id99999");
    const invoices = view(many, filter({ type: "invoices" }), defaultSort);
    expect(invoices).toHaveLength(25_000);
    const typed = view(many, filter({ type: "invoices", search: "_4242" }), defaultSort);
    expect(ids(typed)).toEqual(["id42428", "id42424", "id42420"]);
    const byAmount = view(many, noFilter, { key: "amount", direction: "desc" });
    expect(byAmount[0]?.amount).toBe(9999);
    expect(byAmount.at(-1)?.amount).toBeNull();
    const byName = view(many, filter({ search: "bills" }), { key: "name", direction: "asc" });
    expect(byName[0]?.filename).toBe("bills_1.pdf");
  });
});

describe("helpers", () => {
  it("picks the invoices of a list", () => {
    expect(ids(invoicesOf(docs))).toEqual(["a", "c", "f"]);
  });

  it("names a type canonically however it is spelt, the same each time", () => {
    for (let round = 0; round < 2; round += 1) {
      expect(canonicalType(" Invoices ")).toBe("invoices");
      expect(canonicalType("consumptionRatedReports")).toBe("comsumptionRatedReports");
      expect(canonicalType("somethingNew")).toBe("somethingNew");
    }
  });

  it("flips the direction on the same column and starts a new one on its natural side", () => {
    expect(nextSort(defaultSort, "date")).toEqual({ key: "date", direction: "asc" });
    expect(nextSort(defaultSort, "name")).toEqual({ key: "name", direction: "asc" });
    expect(nextSort(defaultSort, "amount")).toEqual({ key: "amount", direction: "desc" });
  });
});

describe("nameKey", () => {
  it("sorts digits by value and ignores case and accents", () => {
    const names = ["Invoice_10.pdf", "invoice_9.pdf", "Évolution.pdf", "evolution_2.pdf", "Invoice_010.pdf"];
    const sorted = [...names].sort((a, b) => (nameKey(a) < nameKey(b) ? -1 : nameKey(a) > nameKey(b) ? 1 : 0));
    expect(sorted).toEqual(["Évolution.pdf", "evolution_2.pdf", "invoice_9.pdf", "Invoice_10.pdf", "Invoice_010.pdf"]);
  });
});
