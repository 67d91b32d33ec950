// Starts the app under WebDriver and stops everything it started, always.
//
// Why a helper of our own: tauri-driver (port 4444) sits in front of WebKitWebDriver and launches the
// app binary named in the `tauri:options` capability. Each of those is a process we start, and a
// process left behind (the app holds a single-instance lock on the session bus) breaks the next run,
// so every start registers its stop and `stopAll()` runs them in reverse order, also after a failure.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { remote } from "webdriverio";

/** The repository root (tests/e2e/lib → ../../..). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const DRIVER_PORT = 4444;
const NATIVE_DRIVER = process.env.CCS_E2E_NATIVE_DRIVER ?? "/usr/bin/WebKitWebDriver";

/**
 * Cargo's output folder: CARGO_TARGET_DIR when set (CI sets it), else target/ in the repository.
 * `cargo xtask` passes it absolute (xtask's cargo_target.rs: cargo reads a relative value against its
 * current folder); a relative one set by hand is read against the repository root, as cargo reads it
 * when run there.
 */
export function targetDir() {
  const dir = process.env.CARGO_TARGET_DIR;
  return dir ? resolve(ROOT, dir) : join(ROOT, "target");
}

/** The app binary under test (CCS_E2E_APP overrides, e.g. a copy that a rebuild cannot replace). */
export function appPath() {
  return resolve(process.env.CCS_E2E_APP ?? join(targetDir(), "debug", "customer-space"));
}

/** The `ccs` binary of the same build. */
export function ccsPath() {
  return resolve(process.env.CCS_E2E_CCS ?? join(targetDir(), "debug", "ccs"));
}

/** tauri-driver: PATH, then $CARGO_HOME/bin, then ~/.cargo/bin (where `cargo install` puts it). */
export function tauriDriverPath() {
  if (process.env.TAURI_DRIVER) return process.env.TAURI_DRIVER;
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  if (process.env.CARGO_HOME) dirs.push(join(process.env.CARGO_HOME, "bin"));
  dirs.push(join(homedir(), ".cargo", "bin"));
  for (const dir of dirs) {
    const candidate = join(dir, "tauri-driver");
    if (existsSync(candidate)) return candidate;
  }
  throw new Error("tauri-driver is missing: `cargo xtask setup` installs it (cargo install tauri-driver --locked)");
}

const stops = [];
/** Process groups still running, killed synchronously if node exits without `stopAll()`. */
const groups = new Set();

process.once("exit", () => {
  for (const pid of groups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    void stopAll().finally(() => process.exit(130));
  });
}

/** Runs every registered stop, newest first; never throws. */
export async function stopAll() {
  while (stops.length > 0) {
    const stop = stops.pop();
    try {
      await stop();
    } catch (error) {
      console.error(`e2e: cleanup step failed: ${error?.message ?? error}`);
    }
  }
}

function portOpen(port) {
  return new Promise((done) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

async function waitFor(what, check, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Stops a process group we started: TERM, then KILL if it is still there after a moment. */
async function stopGroup(child, name) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((done) => child.once("exit", done));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timedOut = await Promise.race([gone.then(() => false), sleep(3000).then(() => true)]);
  if (timedOut) {
    console.error(`e2e: ${name} did not stop on SIGTERM; killing it`);
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/** Starts tauri-driver in its own process group (its WebKitWebDriver and the app join it). */
export async function startDriver() {
  if (await portOpen(DRIVER_PORT)) {
    throw new Error(`port ${DRIVER_PORT} is in use: another tauri-driver or WebDriver is running`);
  }
  const child = spawn(tauriDriverPath(), ["--port", String(DRIVER_PORT), "--native-driver", NATIVE_DRIVER], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  groups.add(child.pid);
  child.once("exit", () => groups.delete(child.pid));
  const log = [];
  const keep = (chunk) => {
    log.push(chunk.toString());
    if (log.length > 200) log.shift();
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  stops.push(() => stopGroup(child, "tauri-driver"));
  const failed = new Promise((_, reject) =>
    child.once("exit", (code, signal) => reject(new Error(`tauri-driver exited (${code ?? signal}): ${log.join("")}`))),
  );
  failed.catch(() => {});
  await Promise.race([waitFor(`tauri-driver on 127.0.0.1:${DRIVER_PORT}`, () => portOpen(DRIVER_PORT), 15000), failed]);
  return { log: () => log.join("") };
}

/**
 * Starts a WebDriver session on `application` (tauri-driver must run) and returns as soon as the
 * driver has it: the window exists, its page may still be loading. `args` go to its command line.
 */
export async function openSession({ application, args = [] }) {
  if (!existsSync(application)) {
    throw new Error(`the app is not built: ${application} is missing (cargo build -p customer-space --features customer-space/custom-protocol)`);
  }
  const browser = await remote({
    hostname: "127.0.0.1",
    port: DRIVER_PORT,
    logLevel: process.env.CCS_E2E_LOG ?? "error",
    connectionRetryTimeout: 60000,
    connectionRetryCount: 1,
    capabilities: {
      // WebKitWebDriver speaks classic WebDriver only.
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application, args },
    },
  });
  stops.push(async () => {
    await browser.deleteSession().catch(() => {});
  });
  await browser.setTimeout({ implicit: 0, script: 30000 });
  return browser;
}

/**
 * Opens the app (tauri-driver must run) and waits until its UI has started: the loading placeholder
 * gone and a screen shown. `args` go to the app's command line (e.g. ["--demo"]).
 */
export async function openApp({ args = [] } = {}) {
  const browser = await openSession({ application: appPath(), args });
  await browser.waitUntil(
    async () =>
      browser.execute(
        () =>
          document.readyState === "complete" &&
          document.querySelector('[data-testid^="screen-"]:not([data-testid="screen-loading"]), [data-testid="contract-detail"]') !==
            null,
      ),
    {
      timeout: 30000,
      interval: 100,
      timeoutMsg:
        "the app's UI did not show a screen within 30 s (a binary built without --features customer-space/custom-protocol loads the dev server instead of its bundled UI)",
    },
  );
  return browser;
}

/** `$('[data-testid="…"]')` */
export function byTestId(browser, id) {
  return browser.$(`[data-testid="${id}"]`);
}

/** Waits for an element by test id to be displayed, and returns it. */
export async function shown(browser, id, timeout = 15000) {
  const element = byTestId(browser, id);
  await element.waitForDisplayed({ timeout, timeoutMsg: `[data-testid="${id}"] not shown within ${timeout} ms` });
  return element;
}

/** The documents screen's count, "Documents shown: 12 of 230" → { shown: 12, total: 230, line }. */
export async function documentCount(browser) {
  const line = await (await shown(browser, "documents-count")).getText();
  const match = /([\d,\s\u00a0\u202f]+) of ([\d,\s\u00a0\u202f]+)/.exec(line);
  if (!match) throw new Error(`no documents count in "${line}"`);
  const number = (part) => Number(part.replace(/\D/g, ""));
  return { shown: number(match[1]), total: number(match[2]), line };
}

/** Runs a program and returns its stdout; throws with stderr when it fails. */
export function run(program, args, options = {}) {
  const result = spawnSync(program, args, { encoding: "utf8", timeout: 60000, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${program} ${args.join(" ")} failed (${result.status ?? result.signal}): ${result.stderr}`);
  }
  return result.stdout;
}

/**
 * Saves a window screenshot as `<CCS_SCREENSHOTS>/<name>.png`, only when CCS_SCREENSHOTS is set
 * (`cargo xtask screenshots`): a plain test run never rewrites tracked files.
 */
export async function screenshot(browser, name) {
  const dir = process.env.CCS_SCREENSHOTS;
  if (!dir) return null;
  mkdirSync(dir, { recursive: true });
  const file = join(resolve(dir), `${name}.png`);
  writeFileSync(file, Buffer.from(await browser.takeScreenshot(), "base64"));
  return file;
}

/** From the contracts (the demo's, at start): the first contract's documents, listed. */
export async function openFirstContractDocuments(browser) {
  await shown(browser, "screen-contracts", 30000);
  const first = await browser.$('[data-testid^="contract-row-"]');
  await first.waitForDisplayed({ timeout: 15000 });
  await first.click();
  await (await shown(browser, "open-documents")).click();
  await shown(browser, "documents-list", 30000);
}
