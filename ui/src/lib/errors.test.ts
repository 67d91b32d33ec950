import { describe, expect, it } from "vitest";
import type { AppError } from "./backend";
import { describeError, errorCodes, errorTitle, isRetryable, splitFieldErrors, type ErrorCode } from "./errors";
import { AppFailure, asFailure, INTERNAL_CODE, toAppError } from "./failure";
import { render } from "./i18n/translate";

function error(code: ErrorCode, over: Partial<AppError> = {}): AppError {
  return { code, message: `rust says ${code}`, fields: [], requestId: null, retryAfterSeconds: null, ...over };
}

describe("describeError", () => {
  it("has its own English and French title for every code Rust sends", () => {
    // The table is a Record<ErrorCode, …>: tsc refuses it without an entry for each code.
    const generic = describeError(error("something_new" as ErrorCode)).title;
    expect(errorCodes).toContain("internal");
    for (const code of errorCodes) {
      const view = describeError(error(code));
      expect(view.title.key, code).not.toBe(generic.key);
      expect(render("en", view.title), code).not.toBe("");
      expect(render("en", view.title), code).not.toBe(render("en", generic));
      expect(render("fr", view.title), code).not.toBe(render("fr", generic));
      expect(render("fr", view.title), code).not.toBe(render("en", view.title));
      expect(errorTitle(code), code).toEqual(view.title);
    }
  });

  it("tells wrong secret, wrong key, no access and offline apart", () => {
    expect(render("en", describeError(error("invalid_client")).title)).toContain("client secret");
    expect(render("en", describeError(error("invalid_api_key")).title)).toContain("API key");
    expect(render("en", describeError(error("contract_not_accessible"), { contract: "OCB0001234" }).title)).toContain("OCB0001234");
    expect(render("en", describeError(error("network")).hint!)).toContain("VPN");
    expect(render("fr", describeError(error("network")).hint!)).toContain("VPN");
  });

  it("says when a rate-limited call is retried", () => {
    const view = describeError(error("rate_limited", { retryAfterSeconds: 2.5 }));
    expect(render("en", view.hint!)).toBe("The app will try again in 3 s.");
    expect(view.retryAfterSeconds).toBe(2.5);
  });

  it("keeps the server's words under the technical details, and shows a local problem's detail", () => {
    expect(describeError(error("server")).detailVisible).toBe(false);
    expect(describeError(error("validation")).detailVisible).toBe(false);
    expect(describeError(error("validation")).detail).toBe("rust says validation");
    expect(describeError(error("write")).detailVisible).toBe(true);
    expect(describeError(error("invalid_client")).detailVisible).toBe(false);
    expect(describeError(error("invalid_client", { requestId: "r-1" })).requestId).toBe("r-1");
  });

  it("falls back to a generic message with the detail for unknown codes", () => {
    const view = describeError(error("brand_new" as ErrorCode));
    expect(render("en", view.title)).toBe("Something went wrong.");
    expect(view.detailVisible).toBe(true);
  });

  it("knows retryable errors", () => {
    expect(isRetryable(error("network"))).toBe(true);
    expect(isRetryable(error("invalid_client"))).toBe(false);
  });
});

describe("toAppError", () => {
  it("keeps an AppFailure's error", () => {
    const failure = new AppFailure(error("network"));
    expect(toAppError(failure).code).toBe("network");
    expect(failure.code).toBe("network");
    expect(failure).toBeInstanceOf(Error);
    expect(asFailure(failure)).toBe(failure);
  });

  it("reads an error object from IPC, filling what is missing", () => {
    expect(toAppError({ code: "write", message: "disk full", fields: null })).toEqual({
      code: "write",
      message: "disk full",
      fields: [],
      requestId: null,
      retryAfterSeconds: null,
    });
    expect(toAppError({ code: "validation", message: "x", fields: [{ field: "email", message: "taken" }, { bad: 1 }] }).fields).toEqual([
      { field: "email", rule: null, params: {}, message: "taken" },
    ]);
    const ruled = { field: "login", rule: "too_short", params: { min: 8, found: 6, odd: [1] }, message: "at least 8 characters (found 6)" };
    expect(toAppError({ code: "invalid_input", message: "x", fields: [ruled] }).fields).toEqual([
      { field: "login", rule: "too_short", params: { min: 8, found: 6 }, message: "at least 8 characters (found 6)" },
    ]);
  });

  it("turns anything else into an internal error", () => {
    expect(toAppError(new TypeError("boom"))).toMatchObject({ code: INTERNAL_CODE, message: "boom" });
    expect(toAppError("command not found")).toMatchObject({ code: INTERNAL_CODE, message: "command not found" });
    expect(toAppError({ code: "brand_new", message: "from elsewhere" })).toMatchObject({ code: INTERNAL_CODE, message: "from elsewhere" });
  });
});

describe("splitFieldErrors", () => {
  it("puts known fields beside the form and the rest in the banner", () => {
    const said = (field: string, message: string) => ({ field, rule: null, params: {}, message });
    const { byField, others } = splitFieldErrors(
      [said("email", "already used"), said("email", "too long"), said("tenant", "unknown")],
      ["email", "login"],
    );
    expect(byField.get("email")).toEqual([said("email", "already used"), said("email", "too long")]);
    expect(others).toEqual([said("tenant", "unknown")]);
  });
});
