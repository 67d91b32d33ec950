// The GUI bulk-save row of `cargo xtask bench`: "Save selected" of every document of a contract into an
// empty folder, against `ccs download --all` of the same documents at the same concurrency, in the
// same run. Measures; asserts only that what it measured is what it claims (every file saved, the
// summary says so), never a goal: the xtask compares the numbers with the goals.
//
// Inputs (env), from `cargo xtask bench`:
//   CCS_E2E_APP, CCS_E2E_CCS       our release (or quick: debug) app and ccs
//   CCS_BENCH_HOST, _OAUTH_HOST, _CLIENT_ID, _CLIENT_SECRET, _API_KEY, _CONTRACT   the sandbox
//   CCS_BENCH_DOCUMENTS            documents of that contract (e.g. 1000, of CCS_BENCH_DOCUMENT_SIZE each)
//   CCS_BENCH_JOBS                 the concurrencies to measure, e.g. "4,8" (the app's --jobs, ccs's --jobs)
//   CCS_BENCH_RUNS, CCS_BENCH_WORK, CCS_BENCH_OUT
//
// How each number is taken:
// - ours: from the Return that confirms the real GTK folder chooser (sent by xdotool, time taken
//   just before) to the UI's `ccs:bulk-summary-visible` mark, set after the summary is painted,
//   converted to wall-clock time with `performance.timeOrigin`.
// - progress: every progress event the page paints sets `ccs:progress-painted` with how late it is
//   (from the core's report, carried in the event, to the paint); the row keeps the worst.
// - ccs: the wall time of `ccs download --all --jobs N --quiet --out DIR` (its token and list
//   included: the app had both already), spawned from here.
// Runs alternate (app, ccs, app, ccs, …), each into a new empty folder after `sync`, so that the
// write-back of one run never lands in the next.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { answerFolderDialog } from "../lib/dialogs.mjs";
import { appPath, byTestId, ccsPath, documentCount, openSession, run, shown, startDriver, stopAll } from "../lib/session.mjs";
import { addBenchProfile, env } from "./inputs.mjs";

const SUMMARY_VISIBLE = "ccs:bulk-summary-visible";
const PROGRESS_PAINTED = "ccs:progress-painted";
const DOCUMENTS_VISIBLE = "ccs:documents-visible";


const config = {
  app: appPath(),
  ccs: ccsPath(),
  contract: env("CCS_BENCH_CONTRACT"),
  documents: Number(env("CCS_BENCH_DOCUMENTS")),
  jobs: env("CCS_BENCH_JOBS").split(",").map(Number),
  runs: Number(env("CCS_BENCH_RUNS")),
  work: env("CCS_BENCH_WORK"),
  out: env("CCS_BENCH_OUT"),
};

/** Files in `folder`, the download record and lock (dot files) aside. */
function savedFiles(folder) {
  return readdirSync(folder).filter((name) => !name.startsWith("."));
}

function freshFolder(name) {
  const folder = join(config.work, name);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  spawnSync("sync");
  return folder;
}

/** Waits for a User Timing mark set after `after` (ms since the epoch); returns its wall-clock time. */
async function markAfter(browser, name, after, timeout = 120000) {
  let found = null;
  await browser.waitUntil(
    async () => {
      found = await browser.execute(
        (mark, since) => {
          const entry = performance.getEntriesByName(mark).find((e) => performance.timeOrigin + e.startTime >= since);
          return entry ? performance.timeOrigin + entry.startTime : null;
        },
        name,
        after,
      );
      return found !== null;
    },
    { timeout, interval: 20, timeoutMsg: `the page set no "${name}" mark within ${timeout} ms` },
  );
  return found;
}

/** Waits until no process runs `program` (the next start must not meet its single-instance lock). */
async function gone(program) {
  const until = Date.now() + 15000;
  while (Date.now() < until) {
    if (spawnSync("pgrep", ["-f", "-x", `${program}( .*)?`]).status !== 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${program} still runs 15 s after its session ended`);
}

/** The app, opened on the contract's documents with every document listed and selected. */
async function appWithEverythingSelected(jobs) {
  const browser = await openSession({ application: config.app, args: [`--jobs=${jobs}`] });
  await (await shown(browser, `contract-row-${config.contract}`, 60000)).click();
  await (await shown(browser, "open-documents", 30000)).click();
  await browser.waitUntil(async () => browser.execute((mark) => performance.getEntriesByName(mark).length > 0, DOCUMENTS_VISIBLE), {
    timeout: 60000,
    interval: 50,
    timeoutMsg: "the documents were not painted",
  });
  const counted = await documentCount(browser);
  assert.equal(counted.total, config.documents, "every document of the contract is listed");
  await (await shown(browser, "select-all")).click();
  await browser.waitUntil(async () => Number((await byTestId(browser, "save-selected").getText()).replace(/\D/g, "")) === config.documents, {
    timeout: 10000,
    timeoutMsg: `"Save selected" does not count ${config.documents}`,
  });
  return browser;
}

/** One GUI save of everything into an empty folder: confirmation → summary painted. */
async function guiSave(browser, folder) {
  await browser.execute((names) => names.forEach((name) => performance.clearMarks(name)), [SUMMARY_VISIBLE, PROGRESS_PAINTED]);
  await (await shown(browser, "save-selected")).click();
  const confirmedAt = await answerFolderDialog(folder);
  const summaryAt = await markAfter(browser, SUMMARY_VISIBLE, confirmedAt).catch(async (error) => {
    const page = await browser.execute(() => ({
      marks: performance.getEntriesByType("mark").map((e) => [e.name, performance.timeOrigin + e.startTime]),
      text: document.body.innerText.slice(0, 1500),
    }));
    throw new Error(`${error.message}; confirmed at ${confirmedAt}; the page: ${JSON.stringify(page)}`);
  });
  const saved = await (await shown(browser, "bulk-saved")).getText();
  assert.equal(Number(saved.replace(/\D/g, "")), config.documents, `the summary counts every document saved (${saved})`);
  assert.equal(savedFiles(folder).length, config.documents, "every file is in the folder");
  const late = await browser.execute((mark) => performance.getEntriesByName(mark).map((e) => e.detail?.lateMs ?? null), PROGRESS_PAINTED);
  await (await shown(browser, "bulk-summary-close")).click();
  return { ms: summaryAt - confirmedAt, progressEvents: late.length, progressLateMs: late.filter((ms) => ms !== null) };
}

/** One `ccs download --all` of the same documents into an empty folder. */
function cliSave(jobs, folder) {
  const started = process.hrtime.bigint();
  run(config.ccs, ["download", "--all", "--jobs", String(jobs), "--quiet", "--out", folder], { timeout: 300000 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.equal(savedFiles(folder).length, config.documents, "ccs saved every file");
  return ms;
}

async function main() {
  mkdirSync(config.work, { recursive: true });
  assert.equal(process.env.CCS_TEST_KEYCHAIN, "isolated", "run through `cargo xtask bench`: it needs the isolated keychain session");
  addBenchProfile(config.ccs, "bench-bulk");
  await startDriver();
  const result = { documents: config.documents, runs: config.runs, jobs: {} };
  for (const jobs of config.jobs) {
    const browser = await appWithEverythingSelected(jobs);
    const measured = { gui: [], cli: [], progressLateMs: [], progressEvents: [] };
    for (let run = 0; run < config.runs; run += 1) {
      const gui = await guiSave(browser, freshFolder(`gui-${jobs}-${run}`));
      measured.gui.push(gui.ms);
      measured.progressLateMs.push(...gui.progressLateMs);
      measured.progressEvents.push(gui.progressEvents);
      const cli = cliSave(jobs, freshFolder(`cli-${jobs}-${run}`));
      measured.cli.push(cli);
      const worst = Math.max(0, ...gui.progressLateMs);
      console.log(
        `bench gui bulk: --jobs ${jobs} run ${run + 1}: app ${gui.ms.toFixed(0)} ms (${gui.progressEvents} progress events, latest painted ${worst.toFixed(0)} ms after its report), ccs ${cli.toFixed(0)} ms`,
      );
      rmSync(join(config.work, `gui-${jobs}-${run}`), { recursive: true, force: true });
      rmSync(join(config.work, `cli-${jobs}-${run}`), { recursive: true, force: true });
    }
    result.jobs[jobs] = measured;
    await browser.deleteSession().catch(() => {});
    await gone(config.app);
  }
  writeFileSync(config.out, `${JSON.stringify(result, null, 2)}\n`);
}

try {
  await main();
} finally {
  await stopAll();
}
