// Saving one large document on a slow link: the app shows the save's progress, Cancel stops it,
// and nothing is left behind — no file under the chosen name, no temporary `.part` beside it.
//
// The app is started on its demo with `--demo-slow-body` (the demo sandbox sends files slowly),
// in the same isolated session as the main flow (`cargo xtask test`), after it.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { answerSaveDialog } from "./lib/dialogs.mjs";
import { byTestId, openApp, openFirstContractDocuments, shown, startDriver, stopAll } from "./lib/session.mjs";

const work = mkdtempSync(join(tmpdir(), "ccs-e2e-save-"));
let browser;

describe("a single save on a slow link", { concurrency: 1 }, () => {
  before(async () => {
    assert.equal(process.env.CCS_TEST_KEYCHAIN, "isolated", "run through `cargo xtask test`: it needs the isolated session");
    await startDriver();
    // 500 bytes a second: a document of a few KB takes seconds, time enough to see and stop it.
    browser = await openApp({ args: ["--demo", "--demo-slow-body=500"] });
  });

  after(async () => {
    await stopAll();
    rmSync(work, { recursive: true, force: true });
  });

  it("shows progress, and Cancel leaves neither the file nor a temporary one", async () => {
    await openFirstContractDocuments(browser);
    const save = await browser.$('[data-testid^="save-document-"]');
    await save.waitForDisplayed({ timeout: 15000 });

    const folder = join(work, "saved");
    mkdirSync(folder, { recursive: true });
    const target = join(folder, "slow-document.pdf");
    await save.click();
    await answerSaveDialog(target);

    const panel = await shown(browser, "save-progress", 15000);
    assert.match(await panel.getText(), /Saving/);
    // A temporary file is being written while the bytes arrive.
    const until = Date.now() + 5000;
    while (!readdirSync(folder).some((name) => name.endsWith(".part")) && Date.now() < until) await sleep(100);
    assert.ok(readdirSync(folder).some((name) => name.endsWith(".part")), "the save writes to a temporary file first");

    await (await shown(browser, "save-cancel")).click();
    await byTestId(browser, "save-progress").waitForDisplayed({ reverse: true, timeout: 10000, timeoutMsg: "the progress stayed" });
    const notice = await shown(browser, "notice");
    assert.match(await notice.getText(), /stopped/i);
    assert.deepEqual(readdirSync(folder), [], "nothing is left: no file under the chosen name, no .part");
  });
});
