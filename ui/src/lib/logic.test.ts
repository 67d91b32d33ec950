// The small pure helpers: form messages, contract detail labels, bulk progress, contracts merge.
import { describe, expect, it } from "vitest";
import type { BulkOutcome, ContractView } from "./backend";
import { failedFiles, keptFiles, outcomeTone, progressPercent, skippedFiles } from "./bulk";
import { contractRow, filterContracts, fold, mergeContracts } from "./contracts";
import { fieldLabelKey, fieldValue, groupFields, groupLabelKey } from "./detail";
import { firstInvalid, visibleErrors, withoutField } from "./forms";
import { m } from "./i18n/translate";
import { byField } from "./validation";

describe("form messages", () => {
  const fields = ["firstName", "email", "login"];
  const problems = byField([
    { field: "email", message: m("validation.email.noAt") },
    { field: "login", message: m("validation.required") },
  ]);

  it("shows a field's problems once it was touched, all of them after submit", () => {
    expect(visibleErrors(fields, problems, new Set(), false, new Map(), "en")).toEqual({});
    expect(visibleErrors(fields, problems, new Set(["email"]), false, new Map(), "en")).toEqual({
      email: ["needs an @, as in name@example.com"],
    });
    const all = visibleErrors(fields, problems, new Set(), true, new Map(), "fr");
    expect(all["login"]).toEqual(["obligatoire"]);
    expect(firstInvalid(fields, all)).toBe("email");
  });

  it("keeps the server's field errors beside the field until it is edited", () => {
    const server = new Map([["firstName", ["refused by the server"]]]);
    const shown = visibleErrors(fields, byField([]), new Set(), false, server, "en");
    expect(shown).toEqual({ firstName: ["refused by the server"] });
    expect(firstInvalid(fields, shown)).toBe("firstName");
    expect(withoutField(server, "firstName").size).toBe(0);
    expect(firstInvalid(fields, {})).toBeNull();
  });
});

describe("contract detail", () => {
  it("labels known keys (camelCase or snake_case) and leaves others raw", () => {
    expect(fieldLabelKey("customer.name")).toBe("field.customer.name");
    expect(fieldLabelKey("billing_account_id")).toBe("field.billingAccountId");
    expect(fieldLabelKey("contact.mobile_phone")).toBe("field.contact.mobilePhone");
    expect(fieldLabelKey("tenantRegion")).toBeNull();
  });

  it("shows dates as dates and other values as sent", () => {
    expect(fieldValue({ key: "createdAt", value: "2024-03-15T14:05:00Z" }, "en")).toMatch(/2024/);
    expect(fieldValue({ key: "createdAt", value: "2024-03-15T14:05:00Z" }, "en")).not.toContain("T14");
    expect(fieldValue({ key: "status", value: "ACTIVE" }, "en")).toBe("ACTIVE");
  });

  it("groups fields by prefix in first-seen order", () => {
    const groups = groupFields([
      { key: "status", value: "ACTIVE" },
      { key: "customer.name", value: "ACME" },
      { key: "contractType", value: "PAYG" },
      { key: "contact.email", value: "a@b.fr" },
      { key: "customer.id", value: "C1" },
    ]);
    expect(groups.map((g) => g.group)).toEqual(["", "customer", "contact"]);
    expect(groups[1]?.fields.map((f) => f.key)).toEqual(["customer.name", "customer.id"]);
    expect(groupLabelKey("")).toBe("detail.group.contract");
    expect(groupLabelKey("billing")).toBeNull();
  });
});

describe("bulk progress", () => {
  it("uses bytes when their total is known, else files", () => {
    expect(progressPercent(null)).toBeNull();
    expect(progressPercent({ filesDone: 1, filesTotal: 4, bytesDone: 500, bytesTotal: 1000 })).toBe(50);
    expect(progressPercent({ filesDone: 1, filesTotal: 4, bytesDone: null, bytesTotal: null })).toBe(25);
    expect(progressPercent({ filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: null })).toBeNull();
    expect(progressPercent({ filesDone: 5, filesTotal: 4, bytesDone: 2000, bytesTotal: 1000 })).toBe(100);
  });

  it("summarises the outcome", () => {
    const outcome: BulkOutcome = {
      saved: 1,
      skipped: 1,
      changedLocallyKept: 1,
      failed: 1,
      cancelled: false,
      folder: "/tmp/x",
      warnings: [],
      files: [
        { id: "a", path: "/tmp/x/a.pdf", bytes: 10, status: "saved", errorCode: null, error: null, keptPath: null },
        { id: "b", path: "/tmp/x/b.pdf", bytes: 10, status: "skipped", errorCode: null, error: null, keptPath: null },
        { id: "c", path: null, bytes: 0, status: "failed", errorCode: "timeout", error: "timeout", keptPath: null },
        { id: "d", path: "/tmp/x/d (2).pdf", bytes: 10, status: "changedLocallyKept", errorCode: null, error: null, keptPath: "/tmp/x/d.pdf" },
      ],
    };
    expect(failedFiles(outcome).map((f) => f.id)).toEqual(["c"]);
    expect(skippedFiles(outcome).map((f) => f.id)).toEqual(["b"]);
    expect(keptFiles(outcome).map((f) => f.id)).toEqual(["d"]);
    expect(outcomeTone(outcome)).toBe("warning");
    expect(outcomeTone({ ...outcome, saved: 0, skipped: 0 })).toBe("error");
    expect(outcomeTone({ ...outcome, failed: 0 })).toBe("success");
    expect(outcomeTone({ ...outcome, failed: 0, cancelled: true })).toBe("warning");
  });
});

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
