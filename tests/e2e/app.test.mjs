// The desktop app end to end, as a person uses it, against the built-in sandbox:
// first run → demo data → contracts → contract detail → documents → filter → save one PDF through the
// real GTK save dialog (bytes checked against `ccs download`) → bulk save to a folder through the real
// folder picker → create a user (bad email, then good) → create a contract → settings (French) →
// connect a profile with a wrong secret → restart: the default profile opens by itself. axe-core
// checks every main screen on the way.
//
// Runs inside `cargo xtask test` (Xvfb, private D-Bus, throwaway gnome-keyring, temporary HOME and
// CCS_CONFIG_DIR). The steps share one app session and run in order; after a failed step the rest
// are skipped, since each needs the screen the previous one reached.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { axeViolations, describeViolations } from "./lib/axe.mjs";
import { answerFolderDialog, answerSaveDialog } from "./lib/dialogs.mjs";
import { readProfile } from "./lib/profiles.mjs";
import { byTestId, ccsPath, documentCount, openApp, run, screenshot, shown, startDriver, stopAll } from "./lib/session.mjs";

const work = mkdtempSync(join(tmpdir(), "ccs-e2e-"));
let browser;
let failed = null;
/** What earlier steps found and later ones use. */
const seen = { contract: null, contractName: null, documentsTotal: 0, invoices: [] };

/** A step of the one flow: skipped once an earlier step has failed. */
function step(name, body) {
  it(name, async (t) => {
    if (failed !== null) {
      t.skip(`an earlier step failed: ${failed}`);
      return;
    }
    try {
      await body(t);
    } catch (error) {
      failed = name;
      await screenshotOnFailure(name);
      throw error;
    }
  });
}

/** On failure, a screenshot of the window goes next to the temp files (path printed) for debugging. */
async function screenshotOnFailure(name) {
  if (!browser) return;
  try {
    const dir = process.env.CCS_E2E_ARTIFACTS ?? work;
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `failed-${name.replace(/[^a-z0-9]+/gi, "-")}.png`);
    await browser.saveScreenshot(file);
    console.error(`e2e: screenshot of the failure: ${file}`);
    // The whole screen too: a native dialog is outside the web view.
    const screen = file.replace(/\.png$/, "-screen.png");
    if (spawnSync("import", ["-window", "root", screen]).status === 0) console.error(`e2e: the whole screen: ${screen}`);
  } catch {
    // The session may be gone; the assertion says enough.
  }
}

/** No serious or critical axe violation on the screen shown now. */
async function accessible(screen) {
  const violations = await axeViolations(browser);
  assert.equal(violations.length, 0, `axe found serious/critical violations:\n${describeViolations(screen, violations)}`);
}

/** The text of an element by test id. */
async function text(id) {
  return (await shown(browser, id)).getText();
}

/** The data-testid of the document rows the virtual list shows now. */
async function visibleDocumentIds() {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid^="document-row-"]')].map((row) => row.dataset.testid.slice("document-row-".length)),
  );
}

/**
 * Records the commands the page sends to Rust. Tauri's IPC on Linux is a fetch of ipc://localhost/<cmd>
 * (its own functions are frozen, fetch is not), so wrapping fetch sees every command. The user step
 * proves the spy sees create_user when it is sent, so its silence after a refused form means no request.
 */
async function spyOnCommands() {
  await browser.execute(() => {
    if (window.__e2eCommands) {
      window.__e2eCommands.length = 0;
      return;
    }
    const calls = [];
    window.__e2eCommands = calls;
    const original = window.fetch.bind(window);
    window.fetch = (input, init) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      const match = /^(?:ipc:\/\/localhost|http:\/\/ipc\.localhost)\/([^?]+)/.exec(url);
      if (match) calls.push(decodeURIComponent(match[1]));
      return original(input, init);
    };
  });
}

async function commandsSent() {
  return browser.execute(() => [...(window.__e2eCommands ?? [])]);
}

/** Types into an input by test id (clearing it first). */
async function fill(id, value) {
  const input = await shown(browser, id);
  await input.clearValue();
  await input.setValue(value);
}

describe("Customer Space desktop app", { concurrency: 1 }, () => {
  before(async () => {
    // The app writes the Demo profile and its secrets: never into the developer's own settings or keychain.
    assert.equal(
      process.env.CCS_TEST_KEYCHAIN,
      "isolated",
      "run this suite through `cargo xtask e2e` (or `cargo xtask test`): it needs the isolated keychain session",
    );
    assert.ok(process.env.CCS_CONFIG_DIR, "CCS_CONFIG_DIR must point at a temporary folder (cargo xtask sets it)");
    const config = process.env.CCS_CONFIG_DIR;
    assert.ok(!existsSync(config) || readdirSync(config).length === 0, "CCS_CONFIG_DIR must start empty: the flow begins with a first run");
    await startDriver();
    browser = await openApp();
  });

  after(async () => {
    await stopAll();
    if (failed === null && !process.env.CCS_E2E_ARTIFACTS) rmSync(work, { recursive: true, force: true });
  });

  step("first run offers both paths: demo data and connecting an account", async () => {
    await shown(browser, "screen-first-run");
    await shown(browser, "demo-button");
    await shown(browser, "connect-form");
    await shown(browser, "import-postman-button");
    assert.equal(await text("connection-none"), "Not connected");
    await accessible("first run");
    await screenshot(browser, "first-run");
  });

  step("“Explore with demo data” lists the sandbox's contracts", async () => {
    await (await shown(browser, "demo-button")).click();
    await shown(browser, "screen-contracts", 30000);
    await shown(browser, "contracts-list");
    assert.equal(await text("connection-profile"), "Demo");
    await shown(browser, "sandbox-badge");
    const rows = await browser.$$('[data-testid^="contract-row-"]');
    assert.ok(rows.length > 0, "the sandbox lists at least one contract");
    const first = rows[0];
    seen.contract = (await first.getAttribute("data-testid")).slice("contract-row-".length);
    seen.contractName = await first.$(".name").getText();
    assert.match(seen.contract, /^OCB\d+$/);
    await accessible("contracts");
    await screenshot(browser, "contracts");
  });

  step("the first contract's detail shows its fields", async () => {
    await (await shown(browser, `contract-row-${seen.contract}`)).click();
    await shown(browser, "contract-detail");
    await browser.waitUntil(async () => (await browser.$$('[data-testid^="detail-field-"]')).length >= 5, {
      timeout: 15000,
      timeoutMsg: "the contract detail did not show its fields",
    });
    const heading = await browser.$("#detail-title").getText();
    assert.ok(heading.includes(seen.contractName), `the heading names the contract (${heading})`);
    const status = await text("detail-field-status");
    assert.ok(status.trim().length > 0, "the status field has a value");
    await accessible("contract detail");
    await screenshot(browser, "contract-detail");
  });

  step("documents: listed, then filtered to invoices and a search", async () => {
    await (await shown(browser, "open-documents")).click();
    await shown(browser, "screen-documents");
    await shown(browser, "documents-list", 30000);
    await browser.waitUntil(async () => (await visibleDocumentIds()).length > 0, { timeout: 15000, timeoutMsg: "no document row" });
    const before = await documentCount(browser);
    const total = before.total;
    assert.ok(total > 20 && before.shown === total, `the sandbox contract has documents, all shown (${before.line})`);
    seen.documentsTotal = total;

    await (await shown(browser, "filter-type")).selectByAttribute("value", "invoices");
    await fill("filter-search", "2025");
    await browser.waitUntil(async () => (await documentCount(browser)).shown !== total, { timeout: 5000, timeoutMsg: "the filters did not apply" });
    const count = await documentCount(browser);
    const shownCount = count.shown;
    assert.ok(shownCount > 0 && shownCount < total, `the filters narrow the list (${count.line})`);

    const names = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid^="document-row-"] .c-name')].map((cell) => cell.textContent.trim()),
    );
    assert.equal(names.length, shownCount, "every filtered row is in view");
    for (const name of names) {
      assert.match(name, /^Invoice_.*2025.*\.pdf$/, `only 2025 invoices are listed (${name})`);
    }
    seen.invoices = await visibleDocumentIds();
    assert.match(await text("save-period"), new RegExp(`\\(${shownCount}\\)`), "“save the period's invoices” counts the filtered invoices");
    await accessible("documents");
    await screenshot(browser, "documents");
  });

  step("save one PDF through the GTK save dialog: the bytes are the document's", async () => {
    const id = seen.invoices[0];
    const target = join(work, "saved", "one-invoice.pdf");
    mkdirSync(join(work, "saved"), { recursive: true });
    await (await shown(browser, `save-document-${id}`)).click();
    await answerSaveDialog(target);
    await shown(browser, "save-result", 30000);
    assert.equal(await text("saved-path"), target);

    const saved = readFileSync(target);
    assert.equal(saved.subarray(0, 5).toString("latin1"), "%PDF-", "the saved file is a PDF");

    // The same document, fetched independently by the CLI with the profile the demo wrote.
    const cliDir = join(work, "cli");
    run(ccsPath(), ["--profile", "Demo", "download", id, "--contract", seen.contract, "--out", cliDir, "--quiet"]);
    const fetched = readdirSync(cliDir).filter((name) => !name.startsWith("."));
    assert.equal(fetched.length, 1, `ccs saved one file (${fetched.join(", ")})`);
    const reference = readFileSync(join(cliDir, fetched[0]));
    assert.equal(saved.length, reference.length, "same size as ccs download");
    assert.ok(saved.equals(reference), "same bytes as ccs download");
    await (await shown(browser, "close-saved")).click();
  });

  step("bulk save of the filtered invoices to a folder: progress, then a summary", async () => {
    const folder = join(work, "bulk");
    mkdirSync(folder, { recursive: true });
    await (await shown(browser, "save-period")).click();
    await shown(browser, "bulk-progress");
    await answerFolderDialog(folder);
    const summary = await shown(browser, "bulk-summary", 60000);
    const expected = seen.invoices.length;
    assert.equal(await text("bulk-saved"), `Saved: ${expected}`);
    assert.equal(await text("bulk-failed"), "Failed: 0");
    assert.equal(await text("bulk-folder"), folder);
    const files = readdirSync(folder).filter((name) => !name.startsWith("."));
    assert.equal(files.length, expected, `the folder holds the ${expected} invoices (${files.join(", ")})`);
    for (const name of files) {
      assert.match(name, /^Invoice_.*2025.*\.pdf$/);
      const head = readFileSync(join(folder, name)).subarray(0, 5).toString("latin1");
      assert.equal(head, "%PDF-", `${name} is a PDF`);
      assert.ok(statSync(join(folder, name)).size > 1000, `${name} is not empty`);
    }
    await summary.scrollIntoView();
    await accessible("documents with the bulk summary");
  });

  step("bulk save of every document: progress while it runs, then all saved", async () => {
    // Every document of the contract, so the transfer lasts long enough to be seen.
    await (await shown(browser, "bulk-summary-close")).click();
    await (await shown(browser, "filter-clear")).click();
    await browser.waitUntil(async () => (await documentCount(browser)).shown === seen.documentsTotal, {
      timeout: 5000,
      timeoutMsg: "clearing the filters did not show every document",
    });
    await (await shown(browser, "select-all")).click();
    const folder = join(work, "bulk-all");
    mkdirSync(folder, { recursive: true });
    await (await shown(browser, "save-selected")).click();
    await answerFolderDialog(folder);
    // Catch the panel while it runs; a fast machine may finish first, then the summary is what is left.
    let caught = false;
    const until = Date.now() + 60000;
    while (Date.now() < until) {
      const state = await browser.execute(() => ({
        bar: document.querySelector('[data-testid="bulk-progress-bar"]') !== null,
        done: document.querySelector('[data-testid="bulk-summary"]') !== null,
      }));
      if (state.bar) {
        caught = true;
        await screenshot(browser, "bulk-download");
        break;
      }
      if (state.done) break;
    }
    await shown(browser, "bulk-summary", 60000);
    if (!caught) {
      console.error("e2e: the bulk download finished before its progress bar could be captured; the summary is shown instead");
      await screenshot(browser, "bulk-download");
    }
    const expected = seen.documentsTotal;
    assert.equal(await text("bulk-saved"), `Saved: ${expected.toLocaleString("en-US")}`);
    assert.equal(readdirSync(folder).filter((name) => !name.startsWith(".")).length, expected);
    await (await shown(browser, "bulk-summary-close")).click();
  });

  step("create a user: a bad email is refused beside the field without a request, then a good one works", async () => {
    await (await shown(browser, "back-to-contract")).click();
    await (await shown(browser, "new-user-button")).click();
    await shown(browser, "create-user-form");
    await (await shown(browser, "civility-Mrs")).click();
    await fill("input-firstName", "Claire");
    await fill("input-lastName", "Martin");
    await fill("input-email", "claire.martin@example");
    await fill("input-login", "claire.martin");
    await spyOnCommands();
    await (await shown(browser, "create-user-submit")).click();
    const error = await text("field-error-email");
    assert.match(error, /example/, `the email error names the problem (${error})`);
    assert.equal(await byTestId(browser, "input-email").getAttribute("aria-invalid"), "true");
    const focused = await browser.execute(() => document.activeElement?.id);
    assert.equal(focused, "input-email", "focus goes to the field to fix");
    assert.equal(await byTestId(browser, "create-user-result").isExisting(), false);
    assert.deepEqual(
      (await commandsSent()).filter((cmd) => cmd.includes("create_user")),
      [],
      "no create_user request was sent",
    );
    await accessible("create user with a field error");
    await screenshot(browser, "create-user-error");

    await fill("input-email", "claire.martin@example.com");
    await browser.waitUntil(async () => !(await byTestId(browser, "field-error-email").isExisting()), {
      timeout: 5000,
      timeoutMsg: "the email error stayed after the fix",
    });
    await (await shown(browser, "create-user-submit")).click();
    const result = await text("create-user-result");
    assert.match(result, /claire\.martin/, `the result names the user (${result})`);
    // The spy saw this request: so its silence after the bad email above meant something.
    const sent = await commandsSent();
    assert.ok(sent.some((cmd) => cmd.includes("create_user")), `the spy saw create_user (${sent.join(", ")})`);
  });

  step("create a contract: it appears in the contracts list", async () => {
    await (await shown(browser, "nav-contracts")).click();
    await (await shown(browser, "new-contract-button")).click();
    await shown(browser, "create-contract-form");
    await fill("input-contractName", "E2E Test Contract");
    await fill("input-billingAccountId", "BA0042");
    await fill("input-offerCode", "FE");
    await fill("input-supportLevel", "Standard");
    await (await shown(browser, "referentCivility-Mrs")).click();
    await fill("input-referentFirstName", "Alice");
    await fill("input-referentName", "Durand");
    await fill("input-referentMail", "alice.durand@example.com");
    await accessible("create contract");
    await screenshot(browser, "create-contract");
    await (await shown(browser, "create-contract-submit")).click();
    await shown(browser, "screen-contracts", 30000);
    const notice = await text("notice");
    const id = /OCB\d+/.exec(notice)?.[0];
    assert.ok(id, `the notice names the new contract (${notice})`);
    const row = await shown(browser, `contract-row-${id}`);
    assert.match(await row.getText(), /E2E Test Contract/);
  });

  step("settings: accessible, and French is one switch away", async () => {
    await (await shown(browser, "nav-settings")).click();
    await shown(browser, "screen-settings");
    await shown(browser, "profile-Demo");
    assert.equal(await browser.$("#settings-title").getText(), "Settings");
    await accessible("settings");
    const language = await shown(browser, "language-select");
    await language.selectByAttribute("value", "fr");
    await browser.waitUntil(async () => (await browser.$("#settings-title").getText()) === "Paramètres", {
      timeout: 5000,
      timeoutMsg: "the title did not switch to French",
    });
    assert.equal(await browser.execute(() => document.documentElement.lang), "fr");
    await language.selectByAttribute("value", "en");
    await browser.waitUntil(async () => (await browser.$("#settings-title").getText()) === "Settings", { timeout: 5000 });
  });

  step("“Copy diagnostics” copies the report on the first click", async () => {
    await (await shown(browser, "copy-diagnostics")).click();
    const notice = await shown(browser, "notice");
    assert.match(await notice.getText(), /copied/i, "the clipboard took it");
    const report = await (await shown(browser, "diagnostics-text")).getValue();
    assert.match(report, /^Customer Space /, report);
    const clipboard = spawnSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8", timeout: 5000 });
    assert.equal(clipboard.status, 0, clipboard.stderr);
    assert.equal(clipboard.stdout.trim(), report.trim(), "the clipboard holds the report");
  });

  step("a manual proxy's password goes to the keychain: the page and the settings file show \"password stored\"", async () => {
    const password = "e2e-proxy-password-value";
    await (await shown(browser, "proxy-manual")).click();
    await fill("proxy-url", `http://alice:${password}@127.0.0.1:3128`);
    await (await shown(browser, "proxy-save")).click();
    await shown(browser, "proxy-password-stored");
    assert.equal(await (await shown(browser, "proxy-url")).getValue(), "http://alice@127.0.0.1:3128/");
    const settings = readFileSync(join(process.env.CCS_CONFIG_DIR, "app-settings.toml"), "utf8");
    assert.ok(settings.includes("alice@127.0.0.1:3128") && !settings.includes(password), settings);
    const everything = await browser.execute(() => document.body.innerText + document.body.innerHTML);
    assert.ok(!everything.includes(password), "the password is never in the page");
    await (await shown(browser, "proxy-system")).click();
    await (await shown(browser, "proxy-save")).click();
    await browser.waitUntil(async () => !readFileSync(join(process.env.CCS_CONFIG_DIR, "app-settings.toml"), "utf8").includes("manual"), {
      timeout: 5000,
      timeoutMsg: "the system proxy was not saved",
    });
  });

  step("connecting a profile with a wrong client secret shows a human error", async () => {
    const sandbox = readProfile(process.env.CCS_CONFIG_DIR, "Demo");
    assert.ok(sandbox.host && sandbox["oauth-host"] && sandbox["client-id"], "the demo wrote the Demo profile");
    await (await shown(browser, "add-profile")).click();
    await shown(browser, "profile-form");
    await fill("input-name", "WrongSecret");
    await fill("input-clientId", sandbox["client-id"]);
    await fill("input-clientSecret", "definitely-not-the-secret");
    await fill("input-apiKey", "some-api-key-e2e");
    const advanced = await shown(browser, "advanced-toggle");
    if (!(await browser.$("#input-host").isDisplayed())) await advanced.click();
    await fill("input-host", sandbox.host);
    await fill("input-oauthHost", sandbox["oauth-host"]);
    await (await shown(browser, "profile-submit")).click();
    await shown(browser, "profile-WrongSecret");
    assert.match(await text("profile-secret-WrongSecret"), /Stored/i);

    await (await shown(browser, "use-profile-WrongSecret")).click();
    const banner = await shown(browser, "error-banner", 30000);
    assert.equal(await banner.getAttribute("data-code"), "invalid_client");
    const title = await text("error-title");
    assert.match(title, /client ID or client secret/i, `a human title (${title})`);
    assert.ok((await text("error-hint")).length > 0, "a hint says what to do");
    const everything = await browser.execute(() => document.body.innerText);
    assert.ok(!everything.includes("definitely-not-the-secret"), "the secret is never shown");
    await accessible("settings with an error");
  });

  step("a returning user: the default profile opens by itself at the next start", async () => {
    // The demo made its profile the default; the profile added since did not change that.
    await shown(browser, "profile-default-Demo");
    await browser.deleteSession();
    // The app allows one instance: the next start must not meet the one that is closing.
    const until = Date.now() + 15000;
    while (spawnSync("pgrep", ["-x", "customer-space"]).status === 0 && Date.now() < until) await sleep(100);
    browser = await openApp();
    await shown(browser, "screen-contracts", 30000);
    await shown(browser, "sandbox-badge");
    const rows = await browser.$$('[data-testid^="contract-row-"]');
    assert.ok(rows.length > 0, "the contracts are listed without a click");
    assert.equal(await byTestId(browser, "screen-first-run").isExisting(), false, "no first-run screen");
  });
});
