// What the GUI bench scripts share: their inputs from `cargo xtask bench`, and the returning user's
// profile (its secrets in the keychain) added with `ccs` before the app starts.

import { run } from "../lib/session.mjs";

/** A required input of the bench. */
export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through \`cargo xtask bench\``);
  return value;
}

/** Adds the profile `name` for the bench's sandbox (CCS_BENCH_*) with `ccs`, secrets on stdin. */
export function addBenchProfile(ccs, name) {
  run(
    ccs,
    [
      "profile",
      "add",
      name,
      "--client-id",
      env("CCS_BENCH_CLIENT_ID"),
      "--host",
      env("CCS_BENCH_HOST"),
      "--oauth-host",
      env("CCS_BENCH_OAUTH_HOST"),
      "--contract",
      env("CCS_BENCH_CONTRACT"),
      "--stdin",
      "--quiet",
    ],
    { input: `${env("CCS_BENCH_CLIENT_SECRET")}\n${env("CCS_BENCH_API_KEY")}\n` },
  );
}
