import { describe, expect, it } from "vitest";
import { canonicalType, defaultSort, filterInput, nextSort, sameFilter, typeLabelKey, type DocumentFilter } from "./documents";

const noFilter: DocumentFilter = { search: "", type: null, from: null, to: null };

// Filtering and sorting themselves live in Rust (crates/core/src/catalog.rs, with their tests).

describe("types", () => {
  it("accepts both spellings of consumption reports, in any case", () => {
    expect(canonicalType("consumptionRatedReports")).toBe("comsumptionRatedReports");
    expect(canonicalType(" INVOICES ")).toBe("invoices");
    expect(canonicalType("creditNotes")).toBe("creditNotes");
    expect(canonicalType(null)).toBeNull();
  });

  it("labels known types and leaves others as the API names them", () => {
    expect(typeLabelKey("consumptionRatedReports")).toBe("docType.consumptionRatedReports");
    expect(typeLabelKey("invoices")).toBe("docType.invoices");
    expect(typeLabelKey("creditNotes")).toBeNull();
    expect(typeLabelKey(null)).toBeNull();
  });
});

describe("filters", () => {
  it("are sent to the backend with every field present", () => {
    expect(filterInput({ search: "inv", type: "bills", from: 202401, to: null })).toEqual({
      search: "inv",
      documentType: "bills",
      from: 202401,
      to: null,
    });
  });

  it("compare by value", () => {
    expect(sameFilter(noFilter, { search: "", type: null, from: null, to: null })).toBe(true);
    expect(sameFilter(noFilter, { ...noFilter, search: "x" })).toBe(false);
    expect(sameFilter(noFilter, { ...noFilter, to: 202401 })).toBe(false);
  });
});

describe("sorting", () => {
  it("flips the direction on the same column and starts a new one on its natural side", () => {
    expect(nextSort(defaultSort, "date")).toEqual({ key: "date", direction: "asc" });
    expect(nextSort(defaultSort, "name")).toEqual({ key: "name", direction: "asc" });
    expect(nextSort(defaultSort, "amount")).toEqual({ key: "amount", direction: "desc" });
  });
});
