import { describe, expect, it } from "vitest";
import type { AppError } from "./backend";
import { describeError, isCancel, isRetryable, knownErrorCodes, splitFieldErrors } from "./errors";
import { AppFailure, asFailure, INTERNAL_CODE, toAppError } from "./failure";
import { render } from "./i18n/translate";

function error(code: string, over: Partial<AppError> = {}): AppError {
  return { code, message: `rust says ${code}`, fields: [], requestId: null, retryAfterSeconds: null, ...over };
}

/** The codes the Rust side sends (crates/api ApiError::kind, crates/core CoreError::kind, the app's own). */
const rustCodes = [
  "invalid_client",
  "invalid_api_key",
  "contract_not_accessible",
  "not_found",
  "token_rejected",
  "rate_limited",
  "validation",
  "server",
  "network",
  "timeout",
  "incomplete_download",
  "unexpected_response",
  "outcome_unknown",
  "folder_in_use",
  "reserved_profile_name",
  "invalid_config",
  "write",
  "invalid_input",
  "profile_not_found",
  "profile_exists",
  "invalid_profile_name",
  "missing_setting",
  "missing_secret",
  "keychain_unavailable",
  "config",
  "postman_import",
  "io",
  "cancelled",
  "dialog",
  "not_connected",
  "busy",
  "not_saved_here",
  "open",
  "sandbox",
  "not_listed",
  "nothing_chosen",
];

describe("describeError", () => {
  it("has its own translated title for every code Rust sends", () => {
    const generic = describeError(error("something_new")).title.key;
    for (const code of rustCodes) {
      expect(knownErrorCodes, code).toContain(code);
      const view = describeError(error(code));
      expect(view.title.key, code).not.toBe(generic);
      expect(render("en", view.title), code).not.toBe("");
      expect(render("fr", view.title), code).not.toBe(render("en", view.title));
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

  it("shows the server's words for server and validation errors, and keeps the rest for details", () => {
    expect(describeError(error("server")).detailVisible).toBe(true);
    expect(describeError(error("validation")).detail).toBe("rust says validation");
    expect(describeError(error("invalid_client")).detailVisible).toBe(false);
    expect(describeError(error("invalid_client", { requestId: "r-1" })).requestId).toBe("r-1");
  });

  it("falls back to a generic message with the detail for unknown codes", () => {
    const view = describeError(error("brand_new"));
    expect(render("en", view.title)).toBe("Something went wrong.");
    expect(view.detailVisible).toBe(true);
  });

  it("knows cancels and retryable errors", () => {
    expect(isCancel(error("cancelled"))).toBe(true);
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
      { field: "email", message: "taken" },
    ]);
  });

  it("turns anything else into an internal error", () => {
    expect(toAppError(new TypeError("boom"))).toMatchObject({ code: INTERNAL_CODE, message: "boom" });
    expect(toAppError("command not found")).toMatchObject({ code: INTERNAL_CODE, message: "command not found" });
  });
});

describe("splitFieldErrors", () => {
  it("puts known fields beside the form and the rest in the banner", () => {
    const { byField, others } = splitFieldErrors(
      [
        { field: "email", message: "already used" },
        { field: "email", message: "too long" },
        { field: "tenant", message: "unknown" },
      ],
      ["email", "login"],
    );
    expect(byField.get("email")).toEqual(["already used", "too long"]);
    expect(others).toEqual([{ field: "tenant", message: "unknown" }]);
  });
});
