// The GUI rows of `cargo xtask bench`: cold start, 100,000 documents, memory. Measures; asserts only
// that what it measured is what it claims (contracts listed, every document loaded, the filter
// narrowing the list), never a goal: the xtask compares the numbers with the goals.
//
// Runs inside the isolated session of `cargo xtask bench` (Xvfb, private D-Bus, throwaway
// gnome-keyring, empty CCS_CONFIG_DIR) against a `ccs-sandbox` the xtask started. Inputs (env):
//   CCS_E2E_APP, CCS_E2E_CCS       our release (or quick: debug) app and ccs
//   CCS_BENCH_BASELINE             the minimal Tauri v2 app the xtask built
//   CCS_BENCH_HOST, _OAUTH_HOST, _CLIENT_ID, _CLIENT_SECRET, _API_KEY, _CONTRACT   the sandbox
//   CCS_BENCH_DOCUMENTS            documents of that contract (e.g. 100000)
//   CCS_BENCH_RUNS, CCS_BENCH_SETTLE_MS, CCS_BENCH_WORK, CCS_BENCH_OUT
//   CCS_BENCH_TRIPS                round trips contracts → documents → back, for staying power
//
// How each number is taken, so that WebDriver's own latency never enters it:
// - spawn: each app starts through a two-line shell wrapper that writes its pid and `date +%s%N`
//   (CLOCK_REALTIME, ns) and then `exec`s the binary: the pid is the app's, the time its start.
// - shown: the page's own User Timing mark (`ccs:contracts-visible`, set by the UI after the list is
//   painted; `bench:window-shown` in the minimal app's page after its first paint), converted to
//   wall-clock time with `performance.timeOrigin`. WebDriver only reads it afterwards.
// - click → rows: inside the page, `performance.now()` just before `click()`, and the UI's
//   `ccs:documents-visible` mark after the rows are painted.
// - typing → list updated: a real key press through WebDriver; the page records the key event's
//   `timeStamp`, and the UI's `ccs:documents-updated` mark after the new filter's rows are painted.
// - memory: the sum of `Pss:` of /proc/<pid>/smaps_rollup over the app and all its descendants
//   (WebKitWebProcess, WebKitNetworkProcess), after the UI has been still for CCS_BENCH_SETTLE_MS.
// - staying power: a new app; each round trip clicks the contracts, the contract, its documents (the
//   newest 5,000 listed and painted), and samples the tree's PSS, open file descriptors and threads
//   at once (no settle: the xtask fits a line through every sample from the 10th on, so the garbage
//   collector's swings average out instead of deciding the result).

import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { appPath, ccsPath, documentCount, openSession, shown, startDriver, stopAll } from "../lib/session.mjs";
import { addBenchProfile, env } from "./inputs.mjs";

const CONTRACTS_VISIBLE = "ccs:contracts-visible";
const DOCUMENTS_VISIBLE = "ccs:documents-visible";
const DOCUMENTS_UPDATED = "ccs:documents-updated";
const WINDOW_SHOWN = "bench:window-shown";
/** What is typed into the documents filter, one key at a time, then erased key by key. */
const FILTER_TEXT = "invoice 202503";
const BACKSPACE = "\uE003";


const config = {
  app: appPath(),
  ccs: ccsPath(),
  baseline: env("CCS_BENCH_BASELINE"),
  documents: Number(env("CCS_BENCH_DOCUMENTS")),
  runs: Number(env("CCS_BENCH_RUNS")),
  settleMs: Number(env("CCS_BENCH_SETTLE_MS")),
  trips: Number(env("CCS_BENCH_TRIPS")),
  work: env("CCS_BENCH_WORK"),
  out: env("CCS_BENCH_OUT"),
  contract: env("CCS_BENCH_CONTRACT"),
};

/** A wrapper that records pid and spawn time, then becomes the program (same pid). */
function launcher(name, program) {
  const script = join(config.work, `launch-${name}.sh`);
  const record = join(config.work, `spawned-${name}`);
  const quote = (text) => `'${text.replaceAll("'", "'\\''")}'`;
  writeFileSync(script, `#!/bin/sh\necho "$$ $(date +%s%N)" > ${quote(record)}\nexec ${quote(program)} "$@"\n`);
  chmodSync(script, 0o755);
  return { name, script, record };
}

/** The pid and spawn time (ms since the epoch, sub-ms precision) the wrapper wrote. */
function spawned(launch) {
  const [pid, ns] = readFileSync(launch.record, "utf8").trim().split(" ");
  return { pid: Number(pid), spawnMs: Number(BigInt(ns) / 1000n) / 1000 };
}

/** Waits for a User Timing mark in the page; returns its wall-clock time (ms since the epoch). */
async function markTime(browser, name, timeout = 60000) {
  let found = null;
  await browser.waitUntil(
    async () => {
      found = await browser.execute((mark) => {
        const entry = performance.getEntriesByName(mark)[0];
        return entry ? performance.timeOrigin + entry.startTime : null;
      }, name);
      return found !== null;
    },
    { timeout, interval: 50, timeoutMsg: `the page set no "${name}" mark within ${timeout} ms` },
  );
  return found;
}

/** Parent pid of every process: /proc/<pid>/stat, the field after the state (comm may hold spaces). */
function parents() {
  const map = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      map.set(Number(entry), Number(fields[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  return map;
}

/** The process and all its descendants, with their names and PSS (kB). */
function processTree(root) {
  const parent = parents();
  const tree = [root];
  for (let i = 0; i < tree.length; i += 1) {
    for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  }
  return tree.flatMap((pid) => {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      const pss = /^Pss:\s+(\d+) kB/m.exec(rollup);
      const name = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      return pss ? [{ pid, name, pssKb: Number(pss[1]) }] : [];
    } catch {
      return [];
    }
  });
}

/** File descriptors and threads of the app and its descendants. */
function handles(root) {
  const parent = parents();
  const tree = [root];
  for (let i = 0; i < tree.length; i += 1) {
    for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  }
  let fds = 0;
  let threads = 0;
  for (const pid of tree) {
    try {
      fds += readdirSync(`/proc/${pid}/fd`).length;
      threads += Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // Gone meanwhile.
    }
  }
  return { fds, threads };
}

/** PSS of the whole tree after the UI has been still for the settle time. */
async function memory(pid) {
  await sleep(config.settleMs);
  const processes = processTree(pid);
  assert.ok(processes.length >= 2, `the app ${pid} and its WebKit processes (found ${JSON.stringify(processes)})`);
  return { pssKb: processes.reduce((sum, p) => sum + p.pssKb, 0), processes };
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Ends the session and waits until the app is gone (the next start must not meet its single-instance lock). */
async function close(browser, pid) {
  await browser.deleteSession().catch(() => {});
  const until = Date.now() + 10000;
  while (alive(pid) && Date.now() < until) await sleep(50);
  if (alive(pid)) {
    process.kill(pid, "SIGKILL");
    await sleep(200);
  }
}

/** One cold start: spawn → the page's mark; then the idle memory. */
async function coldStart(launch, mark, check) {
  rmSync(launch.record, { force: true });
  const browser = await openSession({ application: launch.script });
  try {
    const shownAt = await markTime(browser, mark);
    const { pid, spawnMs } = spawned(launch);
    await check(browser);
    const phases = await startupPhases(browser, spawnMs);
    const idle = await memory(pid);
    return { browser, pid, startupMs: shownAt - spawnMs, phases, idle };
  } catch (error) {
    await browser.deleteSession().catch(() => {});
    throw error;
  }
}

/**
 * Where a start's time went, in ms after the spawn: the page's navigation start (process, GTK, WebKit
 * and the web process up to loading the page), its DOMContentLoaded, and each request the page made
 * (our IPC commands are fetches of ipc://localhost/<command>).
 */
async function startupPhases(browser, spawnMs) {
  const page = await browser.execute(() => {
    const navigation = performance.getEntriesByType("navigation")[0];
    return {
      timeOrigin: performance.timeOrigin,
      domContentLoaded: navigation ? navigation.domContentLoadedEventEnd : null,
      marks: performance.getEntriesByType("mark").map((entry) => ({ name: entry.name, start: entry.startTime })),
      requests: performance.getEntriesByType("resource").map((entry) => ({ name: entry.name, start: entry.startTime, end: entry.responseEnd })),
    };
  });
  const offset = page.timeOrigin - spawnMs;
  const at = (ms) => (ms === null ? null : Math.round((offset + ms) * 10) / 10);
  return {
    navigationStart: at(0),
    domContentLoaded: at(page.domContentLoaded),
    marks: page.marks.map((mark) => ({ name: mark.name, at: at(mark.start) })),
    requests: page.requests.map((request) => ({ name: request.name.replace(/^.*\/\/[^/]+\//, ""), start: at(request.start), end: at(request.end) })),
  };
}

async function contractsListed(browser) {
  const rows = await browser.$$('[data-testid^="contract-row-"]');
  assert.ok(rows.length > 0, "the contracts screen lists contracts");
  await shown(browser, `contract-row-${config.contract}`);
}

async function minimalPageShown(browser) {
  const heading = await browser.execute(() => document.querySelector("h1")?.textContent ?? "");
  assert.match(heading, /minimal/i, "the minimal app shows its page");
}

/** Clicks a button inside the page and returns the ms until the UI marks the documents painted. */
async function clickUntilDocumentsPainted(browser, testId) {
  await shown(browser, testId, 30000);
  return browser.executeAsync(
    (id, mark, done) => {
      performance.clearMarks(mark);
      const start = performance.now();
      document.querySelector(`[data-testid="${id}"]`).click();
      const poll = setInterval(() => {
        const entry = performance.getEntriesByName(mark)[0];
        if (entry) {
          clearInterval(poll);
          done({ ms: entry.startTime - start, rows: document.querySelectorAll('[data-testid^="document-row-"]').length });
        }
      }, 5);
    },
    testId,
    DOCUMENTS_VISIBLE,
  );
}

/** From anywhere: contracts → the contract → its documents, timing the last click. */
async function openDocuments(browser) {
  await (await shown(browser, "nav-contracts")).click();
  await (await shown(browser, `contract-row-${config.contract}`, 30000)).click();
  await shown(browser, "contract-detail", 30000);
  const opened = await clickUntilDocumentsPainted(browser, "open-documents");
  assert.ok(opened.rows > 0, "rows are painted when the documents screen marks itself shown");
  return opened;
}

/**
 * Records, per key press, the key event's time and the UI's `ccs:documents-updated` mark: set after the
 * rows of the new filter (fetched from the app's Rust side) are painted.
 */
async function watchFilter(browser) {
  await browser.execute((mark) => {
    const input = document.querySelector('[data-testid="filter-search"]');
    const log = [];
    window.__benchKeys = log;
    let pressed = null;
    input.addEventListener("keydown", (event) => {
      pressed = event.timeStamp;
    });
    input.addEventListener("input", () => {
      const at = pressed;
      const poll = setInterval(() => {
        const painted = performance.getEntriesByName(mark).find((entry) => entry.startTime > at);
        if (painted === undefined) return;
        clearInterval(poll);
        log.push({ ms: painted.startTime - at, shown: document.querySelectorAll('[data-testid^="document-row-"]').length });
      }, 5);
    });
  }, DOCUMENTS_UPDATED);
}

async function typeMeasured(browser, key, count) {
  const input = await shown(browser, "filter-search");
  await input.addValue(key);
  await browser.waitUntil(async () => (await browser.execute(() => window.__benchKeys.length)) >= count, {
    timeout: 30000,
    interval: 20,
    timeoutMsg: `no painted frame after key ${count}`,
  });
  const last = await browser.execute(() => window.__benchKeys[window.__benchKeys.length - 1]);
  const counted = await documentCount(browser);
  return { key: key === BACKSPACE ? "Backspace" : key, ms: last.ms, shown: counted.shown };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Round trips contracts → the contract → its documents, in a new app: PSS, descriptors and threads of
 * the process tree after each, and whether an error banner ever showed.
 */
async function stayingPower(launch) {
  const started = await coldStart(launch, CONTRACTS_VISIBLE, contractsListed);
  const { browser, pid } = started;
  const staying = { trips: config.trips, pssKb: [], fds: [], threads: [], tripMs: [], banners: 0, rows: 0 };
  for (let trip = 0; trip < config.trips; trip += 1) {
    const begun = Date.now();
    const opened = await openDocuments(browser);
    staying.rows = opened.rows;
    staying.tripMs.push(Date.now() - begun);
    if (await browser.execute(() => document.querySelector('[data-testid="error-banner"]') !== null)) staying.banners += 1;
    staying.pssKb.push(processTree(pid).reduce((sum, p) => sum + p.pssKb, 0));
    const counted = handles(pid);
    staying.fds.push(counted.fds);
    staying.threads.push(counted.threads);
    if ((trip + 1) % 25 === 0 || trip + 1 === config.trips) {
      console.log(
        `bench gui: round trip ${trip + 1}: PSS ${(staying.pssKb[trip] / 1024).toFixed(1)} MiB, ${counted.fds} fds, ${counted.threads} threads`,
      );
    }
  }
  await close(browser, pid);
  return staying;
}

async function main() {
  mkdirSync(config.work, { recursive: true });
  assert.equal(process.env.CCS_TEST_KEYCHAIN, "isolated", "run through `cargo xtask bench`: it needs the isolated keychain session");
  for (const program of [config.app, config.baseline, config.ccs]) assert.ok(existsSync(program), `${program} exists`);

  // A returning user: one profile, its secrets in the keychain; the app opens straight on its contracts.
  addBenchProfile(config.ccs, "bench");

  await startDriver();
  const ours = launcher("customer-space", config.app);
  const minimal = launcher("minimal", config.baseline);
  const result = {
    filterText: FILTER_TEXT,
    runs: config.runs,
    settleMs: config.settleMs,
    documents: config.documents,
    cold: { ours: [], baseline: [] },
    phases: { ours: [], baseline: [] },
    idle: { ours: [], baseline: [] },
  };

  // Cold starts, interleaved so that a slow moment of the machine hits both.
  for (let run = 0; run < config.runs; run += 1) {
    for (const [key, launch, mark, check] of [
      ["baseline", minimal, WINDOW_SHOWN, minimalPageShown],
      ["ours", ours, CONTRACTS_VISIBLE, contractsListed],
    ]) {
      const started = await coldStart(launch, mark, check);
      result.cold[key].push(started.startupMs);
      result.phases[key].push(started.phases);
      result.idle[key].push(started.idle);
      console.log(`bench gui: ${key} run ${run + 1}: shown after ${started.startupMs.toFixed(0)} ms, idle PSS ${(started.idle.pssKb / 1024).toFixed(1)} MiB`);
      await close(started.browser, started.pid);
    }
  }

  // 100,000 documents, in one session of our app.
  const started = await coldStart(ours, CONTRACTS_VISIBLE, contractsListed);
  const { browser, pid } = started;
  result.open = [];
  for (let run = 0; run < config.runs; run += 1) {
    const opened = await openDocuments(browser);
    result.open.push(opened.ms);
    console.log(`bench gui: documents opened, first ${opened.rows} rows painted after ${opened.ms.toFixed(0)} ms`);
  }
  let loaded = await documentCount(browser);
  result.firstLoaded = loaded.total;
  // Where the loaded memory comes from: the screens visited, or the rows loaded after.
  result.opened = await memory(pid);
  console.log(`bench gui: documents screen with ${loaded.total} rows, PSS ${(result.opened.pssKb / 1024).toFixed(1)} MiB`);
  result.loadMore = [];
  while (loaded.total < config.documents) {
    const before = loaded.total;
    const more = await clickUntilDocumentsPainted(browser, "load-more");
    loaded = await documentCount(browser);
    const after = loaded.total;
    assert.ok(after > before, `"load more" loads more (${before} → ${after})`);
    result.loadMore.push({ from: before, to: after, ms: more.ms });
    console.log(`bench gui: load more ${before} → ${after} painted after ${more.ms.toFixed(0)} ms`);
  }
  assert.equal(loaded.total, config.documents, "every document of the contract is loaded");
  assert.equal(loaded.shown, config.documents, "and shown");
  result.loaded = await memory(pid);
  console.log(`bench gui: ${loaded.total} rows loaded, PSS ${(result.loaded.pssKb / 1024).toFixed(1)} MiB`);

  await watchFilter(browser);
  result.keys = [];
  const keys = [...FILTER_TEXT, ...[...FILTER_TEXT].map(() => BACKSPACE)];
  for (const [index, key] of keys.entries()) {
    result.keys.push(await typeMeasured(browser, key, index + 1));
  }
  const narrowest = Math.min(...result.keys.map((k) => k.shown));
  assert.ok(narrowest < config.documents, `the filter narrows the list (${narrowest} of ${config.documents})`);
  assert.equal(result.keys[result.keys.length - 1].shown, config.documents, "erasing the filter shows every document again");
  console.log(`bench gui: filter keys median ${median(result.keys.map((k) => k.ms)).toFixed(1)} ms, max ${Math.max(...result.keys.map((k) => k.ms)).toFixed(1)} ms`);
  await close(browser, pid);

  result.staying = await stayingPower(ours);
  writeFileSync(config.out, `${JSON.stringify(result, null, 2)}\n`);
}

try {
  await main();
} finally {
  await stopAll();
}
