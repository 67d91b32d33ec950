// The test cases of crates/core/src/validate.rs, run against the TypeScript mirror; in English the
// messages must be the Rust ones, word for word.
import { describe, expect, it } from "vitest";
import type { NewContractInput, NewUserInput } from "./backend";
import { render } from "./i18n/translate";
import {
  byField,
  checkBaseUrl,
  checkContractId,
  checkProfileName,
  checkProxyUrl,
  LOGIN_PATTERN,
  optional,
  parseYearMonth,
  validateNewContract,
  validateNewUser,
  type FieldProblem,
} from "./validation";

function user(): NewUserInput {
  return {
    civility: "Mrs",
    lastName: "Martin",
    firstName: "Claire",
    email: "claire.martin@example.com",
    login: "claire.martin",
    fixPhone: null,
    mobilePhone: "+33 6 12 34 56 78",
  };
}

function contract(): NewContractInput {
  return {
    billingAccountId: "BA123",
    offerCode: "FE",
    contractName: "Production",
    supportLevel: "STANDARD",
    referentCivility: "Mr",
    referentName: "Durand",
    referentFirstName: "Paul",
    referentMail: "paul.durand@example.fr",
    referentFixPhone: "01.23.45.67.89",
    referentMobilePhone: null,
  };
}

const english = (problems: FieldProblem[], field: string) =>
  problems.filter((p) => p.field === field).map((p) => render("en", p.message));

const userErrors = (change: (u: NewUserInput) => void) => {
  const value = user();
  change(value);
  return validateNewUser(value);
};

describe("forms", () => {
  it("valid forms pass", () => {
    expect(validateNewUser(user())).toEqual([]);
    expect(validateNewContract(contract())).toEqual([]);
  });

  it("reports every problem at once, in the Rust order", () => {
    const errors = userErrors((u) => {
      u.lastName = " ";
      u.firstName = "";
      u.email = "nope";
      u.login = "short";
    });
    expect(errors.map((e) => e.field)).toEqual(["lastName", "firstName", "email", "login"]);
    expect(render("en", errors[0]!.message)).toBe("required");

    const blank: NewContractInput = {
      ...contract(),
      billingAccountId: "",
      offerCode: "",
      contractName: "",
      supportLevel: "",
      referentName: "",
      referentFirstName: "",
      referentMail: "",
    };
    expect(validateNewContract(blank).map((e) => e.field)).toEqual([
      "billingAccountId",
      "offerCode",
      "contractName",
      "supportLevel",
      "referentName",
      "referentFirstName",
      "referentMail",
    ]);
  });

  it("groups problems by field in form order", () => {
    const grouped = byField(userErrors((u) => (u.login = "a b")));
    expect([...grouped.keys()]).toEqual(["login"]);
    expect(grouped.get("login")).toHaveLength(2);
  });
});

describe("email", () => {
  it.each([
    ["claire martin@example.com", "must not contain spaces"],
    ["claire.example.com", "needs an @"],
    ["a@b@example.com", "single @"],
    ["@example.com", "before the @"],
    ["claire@", "domain after the @"],
    ["claire@localhost", "needs a dot"],
    ["claire@example.", "needs a dot"],
  ])("%s → %s", (email, expected) => {
    const messages = english(userErrors((u) => (u.email = email)), "email");
    expect(messages.some((m) => m.includes(expected))).toBe(true);
  });

  it("uses the exact Rust words", () => {
    expect(english(userErrors((u) => (u.email = "claire@localhost")), "email")).toEqual([
      'the domain "localhost" needs a dot between names, as in example.com',
    ]);
    expect(english(userErrors((u) => (u.email = "x")), "email")).toEqual(["needs an @, as in name@example.com"]);
  });

  it("limits the length", () => {
    const long = `${"a".repeat(250)}@example.com`;
    expect(english(userErrors((u) => (u.email = long)), "email")[0]).toContain("at most 254");
    const c = { ...contract(), referentMail: "paul" };
    expect(validateNewContract(c)[0]?.field).toBe("referentMail");
  });
});

describe("login", () => {
  it("says which rule is broken", () => {
    expect(english(userErrors((u) => (u.login = "claire")), "login")).toEqual(["at least 8 characters (found 6)"]);
    expect(english(userErrors((u) => (u.login = "hélène.dupont")), "login")).toEqual([
      "letters without accents, digits, . _ - only (found 'é' 'è')",
    ]);
    expect(english(userErrors((u) => (u.login = "x".repeat(65))), "login")).toEqual(["at most 64 characters (found 65)"]);
    expect(english(userErrors((u) => (u.login = "a b")), "login")).toHaveLength(2);
  });

  it("accepts the pattern's logins", () => {
    for (const ok of ["claire.martin", "A_b-c.d9", "z".repeat(64)]) {
      expect(userErrors((u) => (u.login = ok)), ok).toEqual([]);
    }
    expect(LOGIN_PATTERN).toBe("^[A-Za-z0-9._-]{8,64}$");
  });
});

describe("phones", () => {
  it.each(["+33612345678", "06 12 34 56 78", "01.23.45.67.89", "+1-202-555-0143", "12345678", "+33 (0)6 12 34 56 78"])("accepts %s", (ok) => {
    expect(userErrors((u) => (u.fixPhone = ok))).toEqual([]);
  });

  it.each([
    ["1234567", "8 to 15 digits (found 7)"],
    ["+1234567890123456", "8 to 15 digits (found 16)"],
    ["06  12 34 56 78", "digits only"],
    ["(0)6 (1)2 34 56 78", "digits only"],
    ["(06 12 34 56 78", "digits only"],
    ["06 12 34 56 7a", "digits only"],
    ["33+612345678", "digits only"],
    ["-0612345678", "digits only"],
    ["", "is empty"],
  ])("refuses %j with %s", (bad, expected) => {
    const messages = english(userErrors((u) => (u.mobilePhone = bad)), "mobilePhone");
    expect(messages[0]).toContain(expected);
  });

  it("names the contract's referent phone", () => {
    const c = { ...contract(), referentMobilePhone: "12" };
    expect(validateNewContract(c)[0]?.field).toBe("referentMobilePhone");
  });

  it("treats an empty box as not given", () => {
    expect(optional("  ")).toBeNull();
    expect(optional("0612345678")).toBe("0612345678");
  });
});

describe("names", () => {
  it("are bounded in characters, not UTF-16 units", () => {
    expect(english(userErrors((u) => (u.firstName = "é".repeat(101))), "firstName")).toEqual([
      "at most 100 characters (found 101)",
    ]);
    expect(userErrors((u) => (u.firstName = "é".repeat(100)))).toEqual([]);
    expect(userErrors((u) => (u.firstName = "😀".repeat(100)))).toEqual([]);
  });
});

describe("parseYearMonth", () => {
  it("reads YYYY-MM and YYYYMM", () => {
    expect(parseYearMonth("2024-03")).toEqual({ ok: true, month: 202403 });
    expect(parseYearMonth(" 202412 ")).toEqual({ ok: true, month: 202412 });
  });

  it.each([
    ["", "empty"],
    ["2024-13", "no month 13"],
    ["2024-00", "no month 00"],
    ["2024-3", "e.g. 2024-03"],
    ["24-03", "year must be 4 digits"],
    ["2024/03", "wrong separator"],
    ["march", "not a month"],
    ["2024-ab", "month must be 2 digits"],
    ["1999-01", "before 2000"],
    ["2024031", "not a month"],
    ["20240", "not a month"],
  ])("refuses %j (%s)", (text, expected) => {
    const result = parseYearMonth(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(render("en", result.message)).toContain(expected);
  });

  it("uses the exact Rust words", () => {
    const result = parseYearMonth("2024-3");
    expect(!result.ok && render("en", result.message)).toBe('"2024-3": write the month with 2 digits, e.g. 2024-03');
    const early = parseYearMonth("1999-01");
    expect(!early.ok && render("en", early.message)).toBe('"1999-01": the year 1999 is before 2000, when no documents exist');
  });

  it("speaks French too", () => {
    const result = parseYearMonth("2024-13");
    expect(!result.ok && render("fr", result.message)).toContain("il n'y a pas de mois 13");
  });
});

describe("profile settings", () => {
  it("checks profile names as the core does", () => {
    expect(checkProfileName("work")).toBeNull();
    expect(checkProfileName("a.b_c-9")).toBeNull();
    expect(checkProfileName("")).not.toBeNull();
    expect(render("en", checkProfileName("my work")!)).toBe(
      "\"my work\" cannot be a profile name: use 1 to 64 letters, digits, '.', '_' or '-'.",
    );
    expect(checkProfileName("x".repeat(65))).not.toBeNull();
    expect(render("en", checkProfileName("demo")!)).toContain("demo's own profile name");
  });

  it("checks contract ids as ContractId::parse does", () => {
    expect(checkContractId("OCB0001234")).toBeNull();
    expect(checkContractId(" ocb0001234 ")).toBeNull();
    expect(render("en", checkContractId("")!)).toBe("the contract id is empty; it looks like OCB0001234");
    expect(render("en", checkContractId("ABC0001234")!)).toContain('must start with "OCB" (found "ABC")');
    expect(render("en", checkContractId("OCB123")!)).toContain("exactly 7 digits after \"OCB\" (found 3)");
    expect(render("en", checkContractId("OCB12x4567")!)).toContain("character 6 is 'x'");
  });

  it("allows https anywhere and plain http only to this machine", () => {
    expect(checkBaseUrl("https://api.orange.com/cloud/b2b/v1")).toBeNull();
    expect(checkBaseUrl("http://127.0.0.1:8080/cloud/b2b/v1")).toBeNull();
    expect(checkBaseUrl("http://[::1]:8080/x")).toBeNull();
    expect(checkBaseUrl("http://localhost:1/x")).toBeNull();
    expect(render("en", checkBaseUrl("http://api.orange.com/cloud/b2b/v1")!)).toContain("plain http");
    expect(checkBaseUrl("https://user:pw@host/")).not.toBeNull();
    expect(checkBaseUrl("ftp://host/")).not.toBeNull();
    expect(checkBaseUrl("not a url")).not.toBeNull();
  });

  it("checks a manual proxy", () => {
    expect(checkProxyUrl("http://proxy.corp:3128")).toBeNull();
    expect(checkProxyUrl("socks5://proxy.corp:1080")).toBeNull();
    expect(checkProxyUrl("")).not.toBeNull();
    expect(checkProxyUrl("proxy.corp:3128")).not.toBeNull();
  });
});
