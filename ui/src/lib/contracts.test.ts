// The contracts list: search, and contracts created but not listed yet.
import { describe, expect, it } from "vitest";
import type { ContractView } from "./backend";
import { contractRow, filterContracts, fold, mergeContracts } from "./contracts";

describe("contracts list", () => {
  it("fold case and accents", () => {
    expect(fold("Décembre")).toBe("decembre");
  });

  const listed: ContractView[] = [
    { id: "OCB0000001", name: "Production", offer: "Flexible Engine", createdAt: null, status: "ACTIVE" },
    { id: "OCB0000002", name: "Recette", offer: null, createdAt: null, status: null },
  ];

  it("adds created contracts the server does not list yet", () => {
    const created = contractRow({
      id: "OCB0000003",
      name: "New",
      fields: [
        { key: "status", value: "PENDING" },
        { key: "offer.name", value: "Flexible Engine" },
      ],
    });
    expect(created).toEqual({ id: "OCB0000003", name: "New", offer: "Flexible Engine", createdAt: null, status: "PENDING" });
    expect(mergeContracts(listed, [created]).map((c) => c.id)).toEqual(["OCB0000001", "OCB0000002", "OCB0000003"]);
    expect(mergeContracts([...listed, created], [created])).toHaveLength(3);
  });

  it("filters by words in id, name, offer or status", () => {
    expect(filterContracts(listed, "recette").map((c) => c.id)).toEqual(["OCB0000002"]);
    expect(filterContracts(listed, "flexible active")).toHaveLength(1);
    expect(filterContracts(listed, "")).toHaveLength(2);
  });
});
