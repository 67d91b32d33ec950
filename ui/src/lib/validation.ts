// The form rules of crates/core/src/validate.rs (and of the profile-name, contract-id and proxy checks
// of the core), run here so the forms answer as the person types. The limits and patterns come from
// Rust through the bindings (VALIDATION_LIMITS), never copied; each problem names the same rule code as
// Rust's `Rule`, with the same parameters, so one message per rule (i18n) serves both the checks here
// and the field errors Rust sends. validation.test.ts runs the shared fixture of cases
// (crates/core/tests/fixtures/validation-cases.json) that the core's test runs too.

import {
  VALIDATION_LIMITS,
  type FieldErrorView,
  type FieldRule,
  type NewContractInput,
  type NewUserInput,
  type RuleParams,
  type YearMonthNumber,
} from "./backend";
import { m, render, type Locale, type Message, type MessageKey } from "./i18n/translate";

export const LOGIN_MIN_CHARS = VALIDATION_LIMITS.loginMinChars;
export const LOGIN_MAX_CHARS = VALIDATION_LIMITS.loginMaxChars;

/** The message of each rule; its `{slots}` are the rule's parameters, named as Rust names them. */
const ruleMessages: Readonly<Record<FieldRule, MessageKey>> = {
  required: "validation.required",
  too_short: "validation.atLeast",
  too_long: "validation.atMost",
  email_spaces: "validation.email.spaces",
  email_no_at: "validation.email.noAt",
  email_single_at: "validation.email.singleAt",
  email_no_local: "validation.email.noLocal",
  email_no_domain: "validation.email.noDomain",
  email_domain_dot: "validation.email.domainDot",
  login_characters: "validation.login.characters",
  phone_empty: "validation.phone.empty",
  phone_format: "validation.phone.format",
  phone_digits: "validation.phone.digits",
  civility: "validation.civility",
  month_empty: "validation.month.empty",
  month_separator: "validation.month.separator",
  month_format: "validation.month.notMonth",
  month_year_digits: "validation.month.year",
  month_month_digits: "validation.month.month",
  month_padding: "validation.month.twoDigits",
  month_range: "validation.month.range",
  month_too_early: "validation.month.early",
  profile_name: "validation.profileName",
  profile_name_reserved: "validation.profileNameReserved",
  contract_empty: "validation.contract.empty",
  contract_prefix: "validation.contract.prefix",
  contract_length: "validation.contract.length",
  contract_digit: "validation.contract.digit",
  proxy_url: "validation.proxy",
};

/** The rule codes this module has a message for: every one of Rust's `Rule` (the type checks it). */
export const knownRules = Object.keys(ruleMessages) as readonly FieldRule[];

/** A message that names the rule it comes from (Rust's `Rule` codes). */
export type RuleMessage = Message & { readonly rule: FieldRule };

/** The message of a broken rule. */
export function ruleMessage(rule: FieldRule, params: RuleParams = {}): RuleMessage {
  return { key: ruleMessages[rule], params, rule };
}

/**
 * A field error from Rust as text in `locale`: one of our rules in the person's language, else the
 * English words as Rust sent them (the server's own validation messages name no rule).
 */
export function fieldErrorText(locale: Locale, error: FieldErrorView): string {
  const key = error.rule === null ? undefined : (ruleMessages as Partial<Record<string, MessageKey>>)[error.rule];
  return key === undefined ? error.message : render(locale, { key, params: error.params });
}

/** One problem with one field, named as on the wire (`email`, `referentMail`). */
export type FieldProblem = { readonly field: string; readonly message: Message };

/** A problem of the shared rules: its message names the rule. */
export type RuleProblem = { readonly field: string; readonly message: RuleMessage };

/** Problems grouped by field, in the order the fields were checked (the form's order). */
export type Problems = ReadonlyMap<string, readonly Message[]>;

/** Groups a list of problems by field, keeping the first-seen order of the fields. */
export function byField(problems: readonly FieldProblem[]): Problems {
  const map = new Map<string, Message[]>();
  for (const { field, message } of problems) {
    const list = map.get(field);
    if (list === undefined) map.set(field, [message]);
    else list.push(message);
  }
  return map;
}

/** `field` broke `rule`. */
function broke(field: string, rule: FieldRule, params?: RuleParams): RuleProblem {
  return { field, message: ruleMessage(rule, params) };
}

/** Counts characters as Rust's `chars().count()` does (Unicode scalar values, not UTF-16 units). */
function charCount(text: string): number {
  return [...text].length;
}

/** White space as Rust's `char::is_whitespace` sees it (JavaScript's `\s` differs: U+FEFF, U+0085). */
const WHITE_SPACE = /\p{White_Space}/u;
const EDGE_WHITE_SPACE = /^\p{White_Space}+|\p{White_Space}+$/gu;

/** Rust's `str::trim`. */
function trim(text: string): string {
  return text.replace(EDGE_WHITE_SPACE, "");
}

/** A field that must not be blank; returns whether it was present, so further rules can be skipped. */
function checkRequired(field: string, value: string, out: RuleProblem[]): boolean {
  if (trim(value) === "") {
    out.push(broke(field, "required"));
    return false;
  }
  return true;
}

/** `field` has `found` characters, more than `max`. */
function tooLong(field: string, max: number, found: number): RuleProblem {
  return broke(field, "too_long", { max, found });
}

/** A required name of at most nameMaxChars characters. */
function checkName(field: string, value: string, out: RuleProblem[]): void {
  if (!checkRequired(field, value, out)) return;
  const length = charCount(trim(value));
  if (length > VALIDATION_LIMITS.nameMaxChars) out.push(tooLong(field, VALIDATION_LIMITS.nameMaxChars, length));
}

/** A required email address: one @, a local part, a domain with a dot, no spaces, not too long. */
function checkEmail(field: string, value: string, out: RuleProblem[]): void {
  if (!checkRequired(field, value, out)) return;
  if (WHITE_SPACE.test(value)) out.push(broke(field, "email_spaces"));
  const length = charCount(value);
  if (length > VALIDATION_LIMITS.emailMaxChars) out.push(tooLong(field, VALIDATION_LIMITS.emailMaxChars, length));
  const trimmed = trim(value);
  const at = trimmed.indexOf("@");
  if (at < 0) {
    out.push(broke(field, "email_no_at"));
    return;
  }
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1);
  if (domain.includes("@")) {
    out.push(broke(field, "email_single_at"));
    return;
  }
  if (local === "") out.push(broke(field, "email_no_local"));
  if (domain === "") {
    out.push(broke(field, "email_no_domain"));
  } else if (!domain.includes(".") || domain.startsWith(".") || domain.endsWith(".") || domain.includes("..")) {
    out.push(broke(field, "email_domain_dot", { domain }));
  }
}

/** Rust's `{:?}` of a char, which the login message shows: 'é', '\'', ' '. */
function debugChar(c: string): string {
  const escapes: Record<string, string> = { "'": "\\'", "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0" };
  return `'${escapes[c] ?? c}'`;
}

/** One character a login may have (and a profile name): Rust's LOGIN_CHARACTER. */
const LOGIN_CHARACTER = new RegExp(`^${VALIDATION_LIMITS.loginCharacter}$`);

/** A required login matching loginPattern, one problem per broken rule. */
function checkLogin(field: string, value: string, out: RuleProblem[]): void {
  if (!checkRequired(field, value, out)) return;
  const length = charCount(value);
  if (length < LOGIN_MIN_CHARS) out.push(broke(field, "too_short", { min: LOGIN_MIN_CHARS, found: length }));
  if (length > LOGIN_MAX_CHARS) out.push(tooLong(field, LOGIN_MAX_CHARS, length));
  const bad: string[] = [];
  for (const c of value) {
    if (!LOGIN_CHARACTER.test(c) && !bad.includes(c)) bad.push(c);
  }
  if (bad.length > 0) out.push(broke(field, "login_characters", { found: bad.map(debugChar).join(" ") }));
}

/**
 * An optional phone number: + and phoneMinDigits–phoneMaxDigits digits, or as many national digits,
 * with single spaces, dots or dashes between digits and one group in brackets (`+33 (0)6 …`), as
 * `check_phone` in validate.rs. `null` means "not given"; the forms send null for an empty box.
 */
function checkPhone(field: string, value: string | null, out: RuleProblem[]): void {
  if (value === null) return;
  const text = trim(value);
  if (text === "") {
    out.push(broke(field, "phone_empty"));
    return;
  }
  const body = text.startsWith("+") ? text.slice(1) : text;
  const groups = body.split(/[ .-]/);
  const wellFormed =
    groups.every((group) => /^[0-9]+$/.test(group) || /^\([0-9]+\)[0-9]*$/.test(group)) &&
    groups.filter((group) => group.startsWith("(")).length <= 1;
  if (!wellFormed) {
    out.push(broke(field, "phone_format"));
    return;
  }
  const digits = body.replace(/[^0-9]/g, "").length;
  const { phoneMinDigits: min, phoneMaxDigits: max } = VALIDATION_LIMITS;
  if (digits < min || digits > max) out.push(broke(field, "phone_digits", { min, max, found: digits }));
}

/** Every problem of a new user, in the order of validate_new_user. */
export function validateNewUser(user: NewUserInput): RuleProblem[] {
  const out: RuleProblem[] = [];
  checkName("lastName", user.lastName, out);
  checkName("firstName", user.firstName, out);
  checkEmail("email", user.email, out);
  checkLogin("login", user.login, out);
  checkPhone("fixPhone", user.fixPhone, out);
  checkPhone("mobilePhone", user.mobilePhone, out);
  return out;
}

/** Every problem of a new contract, in the order of validate_new_contract. */
export function validateNewContract(contract: NewContractInput): RuleProblem[] {
  const out: RuleProblem[] = [];
  checkRequired("billingAccountId", contract.billingAccountId, out);
  checkRequired("offerCode", contract.offerCode, out);
  checkName("contractName", contract.contractName, out);
  checkRequired("supportLevel", contract.supportLevel, out);
  checkName("referentName", contract.referentName, out);
  checkName("referentFirstName", contract.referentFirstName, out);
  checkEmail("referentMail", contract.referentMail, out);
  checkPhone("referentFixPhone", contract.referentFixPhone, out);
  checkPhone("referentMobilePhone", contract.referentMobilePhone, out);
  return out;
}

/** An empty box is "not given" for optional fields. */
export function optional(value: string): string | null {
  return trim(value) === "" ? null : value;
}

export type MonthResult = { ok: true; month: YearMonthNumber } | { ok: false; message: RuleMessage };

/**
 * A month typed as YYYY-MM (or YYYYMM, the API's own period form), as `parse_year_month` reads it;
 * the month comes back in the `YearMonth` number form the backend reads (YYYYMM).
 */
export function parseYearMonth(input: string): MonthResult {
  const text = trim(input);
  const fail = (rule: FieldRule, params?: RuleParams): MonthResult => ({ ok: false, message: ruleMessage(rule, params) });
  if (text === "") return fail("month_empty");
  const separator = text.search(/[-/.]/);
  let year: string;
  let month: string;
  if (separator >= 0) {
    if (!text.includes("-")) return fail("month_separator", { text });
    year = text.slice(0, separator);
    month = text.slice(separator + 1);
  } else if (text.length === 6 && /^[\x00-\x7f]*$/.test(text)) {
    year = text.slice(0, 4);
    month = text.slice(4);
  } else {
    return fail("month_format", { text });
  }
  if (year.length !== 4 || !/^[0-9]+$/.test(year)) return fail("month_year_digits", { text, year });
  if (month === "" || !/^[0-9]+$/.test(month)) return fail("month_month_digits", { text, month });
  if (month.length !== 2) return fail("month_padding", { text, example: `${year}-${month.padStart(2, "0")}` });
  const yearNumber = Number(year);
  const monthNumber = Number(month);
  if (monthNumber < 1 || monthNumber > 12) return fail("month_range", { text, month });
  const earliest = VALIDATION_LIMITS.earliestYear;
  if (yearNumber < earliest) return fail("month_too_early", { text, year, earliest });
  return { ok: true, month: yearNumber * 100 + monthNumber };
}

/** A profile name as `check_profile_name` allows it: it becomes part of keychain entry names. */
export function checkProfileName(name: string): RuleMessage | null {
  if (name === "") return ruleMessage("required");
  if (!new RegExp(VALIDATION_LIMITS.profileNamePattern).test(name)) {
    return ruleMessage("profile_name", { name, max: VALIDATION_LIMITS.profileNameMaxChars });
  }
  // The demo's profile, rewritten at each demo start, whatever the case.
  const reserved = name.toLowerCase() === VALIDATION_LIMITS.demoProfile.toLowerCase();
  return reserved ? ruleMessage("profile_name_reserved", { name }) : null;
}

/** A contract id as `ContractId::parse` reads it: OCB and 7 digits (a lower-case prefix is fine). */
export function checkContractId(input: string): RuleMessage | null {
  const text = trim(input);
  if (text === "") return ruleMessage("contract_empty");
  const prefix = [...text].slice(0, 3).join("");
  if (prefix.toUpperCase() !== "OCB") return ruleMessage("contract_prefix", { found: prefix });
  const rest = [...text].slice(3);
  const index = rest.findIndex((c) => !/^[0-9]$/.test(c));
  if (index >= 0) return ruleMessage("contract_digit", { position: index + 4, character: debugChar(rest[index] ?? "") });
  if (rest.length !== 7) return ruleMessage("contract_length", { digits: rest.length });
  return null;
}

/** Whether a URL host is this machine, where plain http is harmless (the sandbox). */
function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** An API or OAuth base URL as `parse_base_url` accepts it: https, or http to this machine only. */
export function checkBaseUrl(input: string): Message | null {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return m("validation.url.invalid");
  }
  if (url.username !== "" || url.password !== "") return m("validation.url.credentials");
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:") return isLoopback(url) ? null : m("validation.url.plainHttp");
  return m("validation.url.scheme");
}

/** A manual proxy as `parse_proxy_url` takes it: a URL of a scheme the client speaks, with a host. */
export function checkProxyUrl(input: string): RuleMessage | null {
  const text = trim(input);
  if (text === "") return ruleMessage("required");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return ruleMessage("proxy_url");
  }
  const schemes: readonly string[] = VALIDATION_LIMITS.proxySchemes;
  return schemes.includes(url.protocol.replace(/:$/, "")) && url.hostname !== "" ? null : ruleMessage("proxy_url");
}
