// The installed package's app (`/usr/bin/customer-space`, from the .deb) starts and shows its first
// screen, then the demo data. Run by `cargo xtask test`'s installed-package step with CCS_E2E_APP set.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openApp, shown, startDriver, stopAll } from "../lib/session.mjs";

describe("installed Customer Space", { concurrency: 1 }, () => {
  let browser;

  before(async () => {
    assert.equal(process.env.CCS_TEST_KEYCHAIN, "isolated", "run through cargo xtask (isolated session)");
    assert.match(process.env.CCS_E2E_APP ?? "", /^\/usr\/bin\/customer-space$/, "CCS_E2E_APP names the installed binary");
    await startDriver();
    browser = await openApp();
  });

  after(async () => {
    await stopAll();
  });

  it("shows the first-run screen, then the demo contracts", async () => {
    await shown(browser, "screen-first-run", 30000);
    const demo = await shown(browser, "demo-button");
    await demo.click();
    const list = await shown(browser, "contracts-list", 30000);
    const text = await list.getText();
    assert.match(text, /OCB\d{7}/, "contracts of the sandbox are listed");
  });
});
