// The contract detail's labels, values and groups.
import { describe, expect, it } from "vitest";
import { fieldLabelKey, fieldValue, groupFields, groupLabelKey } from "./detail";

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
