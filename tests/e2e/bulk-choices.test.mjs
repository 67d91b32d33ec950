// What a user trips on when saving many documents: "As one ZIP file" makes one archive (through
// the save dialog), a document that fails is named by its file name, type and period (not its id),
// and "Try again" saves only that one into the same folder.
//
// The app is started on its demo with `--demo-cut-downloads=1` (the demo's first download stops
// half-way), in the same isolated session as the main flow (`cargo xtask test`), after it.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { answerFolderDialog, answerSaveDialog } from "./lib/dialogs.mjs";
import { byTestId, openApp, openFirstContractDocuments, shown, startDriver, stopAll } from "./lib/session.mjs";

const work = mkdtempSync(join(tmpdir(), "ccs-e2e-bulk-"));
let browser;
let failed = null;

/** A test of the one flow: skipped once an earlier one has failed (each needs the screen before). */
function step(name, body) {
  it(name, async (t) => {
    if (failed !== null) {
      t.skip(`an earlier step failed: ${failed}`);
      return;
    }
    try {
      await body();
    } catch (error) {
      failed = name;
      throw error;
    }
  });
}

/** The ids of the document rows in view, in order. */
async function rowIds() {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid^="document-row-"]')].map((row) => row.getAttribute("data-testid").slice("document-row-".length)),
  );
}

/** Selects exactly the first `count` rows. */
async function selectFirst(count) {
  const ids = (await rowIds()).slice(0, count);
  for (const id of ids) await (await shown(browser, `select-${id}`)).click();
  await browser.waitUntil(async () => (await byTestId(browser, "save-selected").getText()).includes(`(${count})`), {
    timeout: 5000,
    timeoutMsg: `"Save selected" does not count ${count}`,
  });
  return ids;
}

/** The entries of a ZIP file, read by Python's zipfile (a reader independent of the app's). */
function zipEntries(path) {
  const result = spawnSync("python3", ["-c", "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", path], {
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split("\n").filter((line) => line !== "");
}

describe("saving many documents: one ZIP file, failures named, try again", { concurrency: 1 }, () => {
  before(async () => {
    assert.equal(process.env.CCS_TEST_KEYCHAIN, "isolated", "run through `cargo xtask test`: it needs the isolated session");
    await startDriver();
    browser = await openApp({ args: ["--demo", "--demo-cut-downloads=1"] });
    await openFirstContractDocuments(browser);
    await browser.waitUntil(async () => (await rowIds()).length >= 8, { timeout: 15000, timeoutMsg: "too few document rows" });
  });

  after(async () => {
    await stopAll();
    if (failed === null) rmSync(work, { recursive: true, force: true });
  });

  step("a failed document is named by its file name, type and period, and “Try again” saves it", async () => {
    const folder = join(work, "folder");
    mkdirSync(folder, { recursive: true });
    const ids = await selectFirst(3);
    await (await shown(browser, "save-selected")).click();
    await answerFolderDialog(folder);
    const summary = await shown(browser, "bulk-summary", 30000);
    await browser.waitUntil(async () => (await summary.getText()).includes("Not saved"), { timeout: 10000, timeoutMsg: "no failure listed" });
    const line = await (await shown(browser, "bulk-failed-file")).getText();
    assert.match(line, /\.(pdf|xlsx|csv|zip)\b/i, `the file name is shown (${line})`);
    assert.match(line, /20\d\d/, `the period is shown (${line})`);
    // The id is for support only, under "Technical details".
    const named = line.split("Technical details")[0];
    for (const id of ids) assert.ok(!named.includes(id), `not named by its id (${line})`);
    assert.match(named, /Daily report|Invoice|Bill|report/i, `its type is shown (${line})`);
    assert.equal(readdirSync(folder).filter((name) => !name.startsWith(".")).length, 2, "two of three saved");

    await (await shown(browser, "bulk-retry")).click();
    await browser.waitUntil(async () => (await byTestId(browser, "bulk-failed").getText()).includes("0"), {
      timeout: 30000,
      timeoutMsg: "the retry did not end with nothing failed",
    });
    assert.match(await byTestId(browser, "bulk-saved").getText(), /1/, "only the failed one was saved again");
    assert.equal(readdirSync(folder).filter((name) => !name.startsWith(".")).length, 3, "all three are in the folder");
    await (await shown(browser, "bulk-summary-close")).click();
    // Clear the selection for the next step.
    for (const id of ids) await (await shown(browser, `select-${id}`)).click();
  });

  step("“As one ZIP file” makes one archive of the selected documents", async () => {
    const ids = await selectFirst(5);
    await (await shown(browser, "bulk-zip")).click();
    await (await shown(browser, "save-selected")).click();
    const target = join(work, "five documents.zip");
    await answerSaveDialog(target, "Save the documents as one ZIP file");
    await shown(browser, "bulk-archive", 30000);
    assert.match(await (await shown(browser, "bulk-archive-count")).getText(), /1 archive, 5 documents/);
    assert.equal(await byTestId(browser, "bulk-archive").getText(), target);
    assert.equal(readFileSync(target).subarray(0, 2).toString("latin1"), "PK", "a ZIP file");
    const entries = zipEntries(target);
    assert.equal(entries.length, 5, `five entries (${entries.join(", ")})`);
    assert.equal(ids.length, 5);
    assert.deepEqual(
      readdirSync(work).filter((name) => name.startsWith(".")),
      [],
      "no temporary file or scratch folder is left beside the archive",
    );
  });
});
