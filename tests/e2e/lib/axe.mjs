// Runs axe-core inside the WebDriver session: its source is injected into the page (the CSP does not
// apply to WebDriver scripts), then axe.run(document) checks what is on screen now.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** The impacts that fail a test. */
export const BLOCKING = ["serious", "critical"];

/** The serious and critical violations on the current screen, in a short readable form. */
export async function axeViolations(browser) {
  const present = await browser.execute(() => typeof window.axe !== "undefined");
  if (!present) await browser.execute(AXE_SOURCE);
  const { rulesRun, violations } = await browser.execute(async (blocking) => {
    const results = await window.axe.run(document, { resultTypes: ["violations"] });
    const rulesRun = results.passes.length + results.violations.length + results.incomplete.length;
    const violations = results.violations
      .filter((violation) => blocking.includes(violation.impact))
      .map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        nodes: violation.nodes.slice(0, 5).map((node) => ({ target: node.target.join(" "), summary: node.failureSummary })),
      }));
    return { rulesRun, violations };
  }, BLOCKING);
  // A page where axe checked nothing would pass vacuously.
  if (!(rulesRun > 10)) throw new Error(`axe-core did not run its rules (${rulesRun} ran)`);
  return violations;
}

/** A readable list of violations for an assertion message. */
export function describeViolations(screen, violations) {
  const lines = violations.flatMap((v) => [
    `${screen}: ${v.impact} ${v.id}: ${v.help}`,
    ...v.nodes.map((n) => `    at ${n.target}: ${n.summary?.replace(/\n/g, " ")}`),
  ]);
  return lines.join("\n");
}
