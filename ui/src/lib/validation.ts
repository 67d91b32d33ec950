// The form rules of crates/core/src/validate.rs (and of the profile and contract-id checks of the
// core), mirrored so the forms can answer as the person types. Each problem is a translatable message;
// in English the words are the Rust ones, and validation.test.ts runs the Rust test cases against them.

import type { NewContractInput, NewUserInput } from "./backend";
import { m, type Message } from "./i18n/translate";

export const LOGIN_PATTERN = "^[A-Za-z0-9._-]{8,64}$";
export const LOGIN_MIN_CHARS = 8;
export const LOGIN_MAX_CHARS = 64;
export const EMAIL_MAX_CHARS = 254;
export const NAME_MAX_CHARS = 100;
export const PHONE_MIN_DIGITS = 8;
export const PHONE_MAX_DIGITS = 15;
export const EARLIEST_YEAR = 2000;
export const PROFILE_NAME_MAX = 64;

/** One problem with one field, named as on the wire (`email`, `referentMail`). */
export type FieldProblem = { readonly field: string; readonly message: Message };

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

/** Counts characters as Rust's `chars().count()` does (Unicode scalar values, not UTF-16 units). */
function charCount(text: string): number {
  return [...text].length;
}

/** A field that must not be blank; returns whether it was present, so further rules can be skipped. */
function checkRequired(field: string, value: string, out: FieldProblem[]): boolean {
  if (value.trim() === "") {
    out.push({ field, message: m("validation.required") });
    return false;
  }
  return true;
}

/** A required name of at most NAME_MAX_CHARS characters. */
function checkName(field: string, value: string, out: FieldProblem[]): void {
  if (!checkRequired(field, value, out)) return;
  const length = charCount(value.trim());
  if (length > NAME_MAX_CHARS) {
    out.push({ field, message: m("validation.atMost", { max: NAME_MAX_CHARS, found: length }) });
  }
}

/** A required email address: one @, a local part, a domain with a dot, no spaces, not too long. */
function checkEmail(field: string, value: string, out: FieldProblem[]): void {
  if (!checkRequired(field, value, out)) return;
  if (/\s/u.test(value)) out.push({ field, message: m("validation.email.spaces") });
  const length = charCount(value);
  if (length > EMAIL_MAX_CHARS) {
    out.push({ field, message: m("validation.atMost", { max: EMAIL_MAX_CHARS, found: length }) });
  }
  const trimmed = value.trim();
  const at = trimmed.indexOf("@");
  if (at < 0) {
    out.push({ field, message: m("validation.email.noAt") });
    return;
  }
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1);
  if (domain.includes("@")) {
    out.push({ field, message: m("validation.email.singleAt") });
    return;
  }
  if (local === "") out.push({ field, message: m("validation.email.noLocal") });
  if (domain === "") {
    out.push({ field, message: m("validation.email.noDomain") });
  } else if (!domain.includes(".") || domain.startsWith(".") || domain.endsWith(".") || domain.includes("..")) {
    out.push({ field, message: m("validation.email.domainDot", { domain }) });
  }
}

/** Rust's `{:?}` of a char, which the login message shows: 'é', '\'', ' '. */
function debugChar(c: string): string {
  const escapes: Record<string, string> = { "'": "\\'", "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0" };
  return `'${escapes[c] ?? c}'`;
}

/** A required login matching LOGIN_PATTERN, one message per broken rule. */
function checkLogin(field: string, value: string, out: FieldProblem[]): void {
  if (!checkRequired(field, value, out)) return;
  const length = charCount(value);
  if (length < LOGIN_MIN_CHARS) out.push({ field, message: m("validation.atLeast", { min: LOGIN_MIN_CHARS, found: length }) });
  if (length > LOGIN_MAX_CHARS) out.push({ field, message: m("validation.atMost", { max: LOGIN_MAX_CHARS, found: length }) });
  const bad: string[] = [];
  for (const c of value) {
    if (!/^[A-Za-z0-9._-]$/.test(c) && !bad.includes(c)) bad.push(c);
  }
  if (bad.length > 0) {
    out.push({ field, message: m("validation.login.characters", { found: bad.map(debugChar).join(" ") }) });
  }
}

/**
 * An optional phone number: + and 8–15 digits, or 8–15 national digits, with single spaces, dots or
 * dashes between digits and one group in brackets (`+33 (0)6 …`), as `check_phone` in validate.rs.
 * `null` means "not given"; the forms send null for an empty box.
 */
function checkPhone(field: string, value: string | null, out: FieldProblem[]): void {
  if (value === null) return;
  const text = value.trim();
  if (text === "") {
    out.push({ field, message: m("validation.phone.empty") });
    return;
  }
  const body = text.startsWith("+") ? text.slice(1) : text;
  const groups = body.split(/[ .-]/);
  const wellFormed =
    groups.every((group) => /^[0-9]+$/.test(group) || /^\([0-9]+\)[0-9]*$/.test(group)) &&
    groups.filter((group) => group.startsWith("(")).length <= 1;
  if (!wellFormed) {
    out.push({ field, message: m("validation.phone.format") });
    return;
  }
  const digits = body.replace(/[^0-9]/g, "").length;
  if (digits < PHONE_MIN_DIGITS || digits > PHONE_MAX_DIGITS) {
    out.push({ field, message: m("validation.phone.digits", { min: PHONE_MIN_DIGITS, max: PHONE_MAX_DIGITS, found: digits }) });
  }
}

/** Every problem of a new user, in the order of validate_new_user. */
export function validateNewUser(user: NewUserInput): FieldProblem[] {
  const out: FieldProblem[] = [];
  checkName("lastName", user.lastName, out);
  checkName("firstName", user.firstName, out);
  checkEmail("email", user.email, out);
  checkLogin("login", user.login, out);
  checkPhone("fixPhone", user.fixPhone, out);
  checkPhone("mobilePhone", user.mobilePhone, out);
  return out;
}

/** Every problem of a new contract, in the order of validate_new_contract. */
export function validateNewContract(contract: NewContractInput): FieldProblem[] {
  const out: FieldProblem[] = [];
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
  return value.trim() === "" ? null : value;
}

export type MonthResult = { ok: true; month: number } | { ok: false; message: Message };

/**
 * A month typed as YYYY-MM (or YYYYMM, the API's own period form), as `parse_year_month` reads it;
 * the month comes back as a YYYYMM number.
 */
export function parseYearMonth(input: string): MonthResult {
  const text = input.trim();
  const fail = (message: Message): MonthResult => ({ ok: false, message });
  if (text === "") return fail(m("validation.month.empty"));
  const separator = text.search(/[-/.]/);
  let year: string;
  let month: string;
  if (separator >= 0) {
    if (!text.includes("-")) return fail(m("validation.month.separator", { text }));
    year = text.slice(0, separator);
    month = text.slice(separator + 1);
  } else if (text.length === 6 && /^[\x00-\x7f]*$/.test(text)) {
    year = text.slice(0, 4);
    month = text.slice(4);
  } else {
    return fail(m("validation.month.notMonth", { text }));
  }
  if (year.length !== 4 || !/^[0-9]+$/.test(year)) return fail(m("validation.month.year", { text, year }));
  if (month === "" || !/^[0-9]+$/.test(month)) return fail(m("validation.month.month", { text, month }));
  if (month.length !== 2) return fail(m("validation.month.twoDigits", { text, example: `${year}-${month.padStart(2, "0")}` }));
  const yearNumber = Number(year);
  const monthNumber = Number(month);
  if (monthNumber < 1 || monthNumber > 12) return fail(m("validation.month.range", { text, month }));
  if (yearNumber < EARLIEST_YEAR) return fail(m("validation.month.early", { text, year, earliest: EARLIEST_YEAR }));
  return { ok: true, month: yearNumber * 100 + monthNumber };
}

/** A profile name as `check_profile_name` allows it: it becomes part of keychain entry names. */
export function checkProfileName(name: string): Message | null {
  const ok = name.length > 0 && name.length <= PROFILE_NAME_MAX && /^[A-Za-z0-9._-]+$/.test(name);
  if (!ok) return name === "" ? m("validation.required") : m("validation.profileName", { name });
  // The demo's profile (`DEMO_PROFILE` in crates/core/src/profiles.rs), rewritten at each demo start.
  return name.toLowerCase() === "demo" ? m("validation.profileNameReserved", { name }) : null;
}

/** A contract id as `ContractId::parse` reads it: OCB and 7 digits (a lower-case prefix is fine). */
export function checkContractId(input: string): Message | null {
  const text = input.trim();
  if (text === "") return m("validation.contract.empty");
  const prefix = [...text].slice(0, 3).join("");
  if (prefix.toUpperCase() !== "OCB") return m("validation.contract.prefix", { found: prefix });
  const rest = [...text].slice(3);
  const index = rest.findIndex((c) => !/^[0-9]$/.test(c));
  if (index >= 0) return m("validation.contract.digit", { position: index + 4, character: debugChar(rest[index] ?? "") });
  if (rest.length !== 7) return m("validation.contract.length", { digits: rest.length });
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

/** A manual proxy: an http(s) or socks5 URL with a host. */
export function checkProxyUrl(input: string): Message | null {
  const text = input.trim();
  if (text === "") return m("validation.required");
  try {
    const url = new URL(text);
    if (!["http:", "https:", "socks5:", "socks5h:"].includes(url.protocol) || url.hostname === "") {
      return m("validation.proxy");
    }
    return null;
  } catch {
    return m("validation.proxy");
  }
}
