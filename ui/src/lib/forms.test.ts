// The form helpers: which messages show, and when.
import { describe, expect, it } from "vitest";
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
    const server = new Map([["firstName", [{ field: "firstName", rule: null, params: {}, message: "refused by the server" }]]]);
    const shown = visibleErrors(fields, byField([]), new Set(), false, server, "en");
    expect(shown).toEqual({ firstName: ["refused by the server"] });
    expect(firstInvalid(fields, shown)).toBe("firstName");
    expect(withoutField(server, "firstName").size).toBe(0);
    expect(firstInvalid(fields, {})).toBeNull();
  });

  it("shows the core's field errors in the person's language, by rule", () => {
    const tooLong = { field: "firstName", rule: "too_long" as const, params: { max: 100, found: 101 }, message: "at most 100 characters (found 101)" };
    const server = new Map([["firstName", [tooLong]]]);
    expect(visibleErrors(fields, byField([]), new Set(), false, server, "en")).toEqual({ firstName: ["at most 100 characters (found 101)"] });
    expect(visibleErrors(fields, byField([]), new Set(), false, server, "fr")).toEqual({ firstName: ["100 caractères au maximum (101 saisis)"] });
  });
});
