// A server error in the banner is for people: what happened and what to do; the server's own words,
// the code and the request id stay under "Technical details" — and a gateway's HTML page is never
// shown, only its title.
//
// The app is started on its demo with `--demo-gateway-pages=20` (the demo's contract details answer
// an nginx HTML 502 page, past every retry), in the same isolated session as the main flow.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { byTestId, openApp, shown, startDriver, stopAll } from "./lib/session.mjs";

let browser;

describe("a server error in the banner", { concurrency: 1 }, () => {
  before(async () => {
    assert.equal(process.env.CCS_TEST_KEYCHAIN, "isolated", "run through `cargo xtask test`: it needs the isolated session");
    await startDriver();
    browser = await openApp({ args: ["--demo", "--demo-gateway-pages=20"] });
  });

  after(async () => {
    await stopAll();
  });

  it("says what happened and what to do, with the gateway's words under Technical details", async () => {
    await shown(browser, "screen-contracts", 30000);
    const first = await browser.$('[data-testid^="contract-row-"]');
    await first.waitForDisplayed({ timeout: 15000 });
    await first.click();
    const banner = await shown(browser, "error-banner", 60000);
    assert.equal(await banner.getAttribute("data-code"), "server");
    assert.equal(await (await shown(browser, "error-title")).getText(), "The Orange service has a problem right now.");
    assert.match(await (await shown(browser, "error-hint")).getText(), /Try again/);
    assert.equal(await byTestId(browser, "error-detail").isExisting(), false, "no technical text in the banner itself");

    const toggle = await shown(browser, "error-details-toggle");
    assert.equal(await toggle.getText(), "Technical details");
    const details = await browser.execute(() => document.querySelector('[data-testid="error-banner"] details')?.textContent ?? "");
    assert.match(details, /502 Bad Gateway/, `the page is named by its title (${details})`);
    const everything = await browser.execute(() => document.body.innerHTML);
    for (const markup of ["<html", "<body", "nginx</center>", "&lt;html"]) {
      assert.ok(!everything.includes(markup), `no page markup is shown (${markup})`);
    }
  });
});
