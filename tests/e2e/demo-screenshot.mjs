// `cargo xtask demo --screenshot FILE`: opens the app with `--demo` (the built-in sandbox), walks it to
// the documents of the first contract, and saves what the window shows to FILE (PNG).
//
// Not a test (no *.test.mjs): xtask runs it under Xvfb in the same isolated session as the suite.

import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { openApp, shown, startDriver, stopAll } from "./lib/session.mjs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node demo-screenshot.mjs FILE.png");
  process.exit(2);
}

let code = 0;
try {
  await startDriver();
  const browser = await openApp({ args: ["--demo"] });
  await shown(browser, "contracts-list", 30000);
  const first = await browser.$('[data-testid^="contract-row-"]');
  await first.waitForDisplayed({ timeout: 15000 });
  await first.click();
  await (await shown(browser, "open-documents")).click();
  await shown(browser, "documents-list", 30000);
  await browser.$('[data-testid^="document-row-"]').waitForDisplayed({ timeout: 15000 });
  writeFileSync(resolve(file), Buffer.from(await browser.takeScreenshot(), "base64"));
  console.log(`demo: the documents of the first contract, as the window shows them: ${resolve(file)}`);
} catch (error) {
  console.error(`demo: ${error?.message ?? error}`);
  code = 1;
} finally {
  await stopAll();
}
process.exit(code);
