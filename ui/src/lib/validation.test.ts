// The checks as the person types, against the cases the core runs too: the shared fixture
// (crates/core/tests/fixtures/validation-cases.json, also read by crates/core/tests/validation_cases.rs)
// must give the same rule codes on both sides, and in English the messages must be the Rust ones, word
// for word. The cases of crates/core/src/validate.rs's own tests follow.
import { describe, expect, it } from "vitest";
import cases from "../../../crates/core/tests/fixtures/validation-cases.json";
import { VALIDATION_LIMITS, type FieldErrorView, type NewContractInput, type NewUserInput } from "./backend";
import { render } from "./i18n/translate";
import {
  byField,
  checkBaseUrl,
  checkContractId,
  checkProfileName,
  checkProxyUrl,
  fieldErrorText,
  knownRules,
  optional,
  parseYearMonth,
  ruleMessage,
  validateNewContract,
  validateNewUser,
  type FieldProblem,
  type RuleMessage,
  type RuleProblem,
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

/** One case of the shared fixture. */
type Case = { readonly value: string | null; readonly rules: readonly string[]; readonly english?: readonly string[] };

/** The value of a case that has one (only a phone may be "not given"). */
function text(value: string | null): string {
  if (value === null) throw new Error("this kind of field always has a value");
  return value;
}

/** The problems of one field of a user whose other fields are fine. */
function userField(field: string, change: (u: NewUserInput) => void): readonly RuleMessage[] {
  const problems: RuleProblem[] = userErrors(change);
  expect(problems.filter((p) => p.field !== field)).toEqual([]);
  return problems.map((p) => p.message);
}

const one = (message: RuleMessage | null): readonly RuleMessage[] => (message === null ? [] : [message]);

/** The check of each kind of field the fixture has, as the forms run it. */
const checks: Readonly<Record<string, (value: string | null) => readonly RuleMessage[]>> = {
  login: (value) => userField("login", (u) => (u.login = text(value))),
  email: (value) => userField("email", (u) => (u.email = text(value))),
  name: (value) => userField("firstName", (u) => (u.firstName = text(value))),
  phone: (value) => userField("mobilePhone", (u) => (u.mobilePhone = value)),
  month: (value) => {
    const result = parseYearMonth(text(value));
    return result.ok ? [] : [result.message];
  },
  profileName: (value) => one(checkProfileName(text(value))),
  contractId: (value) => one(checkContractId(text(value))),
  proxyUrl: (value) => one(checkProxyUrl(text(value))),
};

/** The kinds of field and their cases (the `$comment` left out). */
const fixture = Object.entries(cases as Readonly<Record<string, unknown>>).filter((entry): entry is [string, Case[]] =>
  Array.isArray(entry[1]),
);

describe("the cases shared with the core", () => {
  it("cover every kind of field checked here", () => {
    expect(fixture.map(([kind]) => kind).sort()).toEqual(Object.keys(checks).sort());
  });

  it.each(fixture.flatMap(([kind, list]) => list.map((item) => [kind, item] as const)))("%s %j", (kind, item) => {
    const check = checks[kind];
    if (check === undefined) throw new Error(`no check for ${kind}`);
    const messages = check(item.value);
    expect(messages.map((message) => message.rule)).toEqual(item.rules);
    if (item.english !== undefined) expect(messages.map((message) => render("en", message))).toEqual(item.english);
  });

  it("name every rule the UI checks (all of Rust's but the civility, a choice of two buttons here)", () => {
    const used = new Set(fixture.flatMap(([, list]) => list.flatMap((item) => item.rules)));
    expect([...used].filter((rule) => !(knownRules as readonly string[]).includes(rule))).toEqual([]);
    expect(knownRules.filter((rule) => !used.has(rule))).toEqual(["civility"]);
  });
});

describe("field errors from Rust", () => {
  const error = (over: Partial<FieldErrorView>): FieldErrorView => ({ field: "login", rule: null, params: {}, message: "taken", ...over });

  it("are shown in the person's language by rule, with their parameters", () => {
    const short = error({ rule: "too_short", params: { min: 8, found: 6 }, message: "at least 8 characters (found 6)" });
    expect(fieldErrorText("en", short)).toBe("at least 8 characters (found 6)");
    expect(fieldErrorText("fr", short)).toBe("8 caractères au minimum (6 saisis)");
    const civility = error({ field: "civility", rule: "civility", params: { found: "Dr" }, message: "x" });
    expect(fieldErrorText("fr", civility)).toBe("«\u202fDr\u202f» n'est pas une civilité\u202f: utilisez M. ou Mme (Mr ou Mrs)");
    expect(fieldErrorText("en", civility)).toBe('"Dr" is not a civility: use Mr or Mrs (M. or Mme)');
  });

  it("keep the server's own words when they name no rule we know", () => {
    expect(fieldErrorText("fr", error({}))).toBe("taken");
    expect(fieldErrorText("fr", error({ rule: "brand_new" as FieldErrorView["rule"], message: "new rule" }))).toBe("new rule");
  });

  it("and the checks here say the same in English", () => {
    expect(render("en", ruleMessage("profile_name", { name: "my work", max: VALIDATION_LIMITS.profileNameMaxChars }))).toBe(
      "\"my work\" cannot be a profile name: use 1 to 64 letters, digits, '.', '_' or '-'.",
    );
  });
});

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
    expect(VALIDATION_LIMITS.loginPattern).toBe("^[A-Za-z0-9._-]{8,64}$");
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
