// Answers the app's native GTK dialogs (they are real windows, outside the web view) with xdotool.
//
// Why xdotool: WebDriver sees only the web page; the save dialog and the folder picker are GTK windows
// that the Rust side opens. Under Xvfb there is no window manager, so a dialog is found by its title
// (set in src-tauri/src/commands/files.rs), focused, and typed into like a person would.

import { spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

/** Titles the Rust side gives its dialogs (SAVE_DIALOG_TITLE, FOLDER_DIALOG_TITLE). */
export const SAVE_DIALOG_TITLE = "Save document";
export const FOLDER_DIALOG_TITLE = "Choose a folder for the documents";

function xdotool(...args) {
  const result = spawnSync("xdotool", args, { encoding: "utf8", timeout: 10000 });
  if (result.error) throw new Error(`xdotool ${args.join(" ")}: ${result.error.message}`);
  return { ok: result.status === 0, out: result.stdout.trim(), err: result.stderr.trim() };
}

function checked(...args) {
  const result = xdotool(...args);
  if (!result.ok) throw new Error(`xdotool ${args.join(" ")} failed: ${result.err}`);
  return result.out;
}

/** The mapped X windows titled exactly `title` (GTK hides a finished dialog before destroying it). */
export function windowsTitled(title) {
  const pattern = `^${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;
  const result = xdotool("search", "--onlyvisible", "--name", pattern);
  return result.ok && result.out !== "" ? result.out.split("\n") : [];
}

/** Waits for a window titled `title` and returns its id. */
export async function waitForWindow(title, timeoutMs = 15000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ids = windowsTitled(title);
    if (ids.length > 0) return ids[0];
    if (Date.now() > until) throw new Error(`no window titled "${title}" appeared within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Waits until no window is titled `title`; false when one is still there after `timeoutMs`. */
export async function waitForWindowGone(title, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (windowsTitled(title).length === 0) return true;
    await sleep(100);
  }
  return false;
}

async function focus(id) {
  checked("windowfocus", "--sync", id);
  // GTK needs a moment after mapping before it takes keys reliably.
  await sleep(200);
}

/**
 * Answers the GTK save dialog: select the suggested name, type an absolute path instead, press Return.
 * The file must not exist yet (otherwise GTK asks whether to replace it).
 */
export async function answerSaveDialog(path, title = SAVE_DIALOG_TITLE) {
  const id = await waitForWindow(title);
  await focus(id);
  checked("key", "--window", id, "ctrl+a");
  checked("type", "--delay", "20", path);
  await sleep(150);
  checked("key", "--window", id, "Return");
  if (!(await waitForWindowGone(title))) throw new Error(`the "${title}" dialog did not close after Return`);
}

/**
 * Answers the GTK folder chooser with an existing folder. The sequence that works (verified):
 * Alt+Home leaves the "Recent" view (where a typed location is ignored and "Open" stays greyed),
 * Ctrl+L opens the location entry, the path is typed with a trailing "/", and Return selects it.
 * If the dialog is still open after that (a GTK that first navigates into the folder), Return again.
 * Returns when the Return that closed it was sent (ms since the epoch): the user's confirmation.
 */
export async function answerFolderDialog(folder, title = FOLDER_DIALOG_TITLE) {
  const id = await waitForWindow(title);
  await focus(id);
  checked("key", "--window", id, "alt+Home");
  await sleep(300);
  checked("key", "--window", id, "ctrl+l");
  await sleep(200);
  checked("type", "--delay", "20", folder.endsWith("/") ? folder : `${folder}/`);
  await sleep(300);
  let confirmedAt = Date.now();
  checked("key", "--window", id, "Return");
  if (await waitForWindowGone(title, 2000)) return confirmedAt;
  confirmedAt = Date.now();
  checked("key", "--window", id, "Return");
  if (!(await waitForWindowGone(title))) throw new Error(`the "${title}" dialog did not close after Return`);
  return confirmedAt;
}
