// Reads one profile of profiles.toml (the file the app and `ccs` share). The file is written by
// ccs-core with `toml::to_string_pretty`: `[profiles.<name>]` tables of `key = "string"` lines, which
// is all this small reader understands (no dependency for one table).

import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The keys of `[profiles.<name>]` (kebab-case as stored: host, oauth-host, client-id, …). */
export function readProfile(configDir, name) {
  const text = readFileSync(join(configDir, "profiles.toml"), "utf8");
  const values = {};
  let inside = false;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const table = /^\[(.+)\]$/.exec(line);
    if (table) {
      const key = table[1].trim();
      inside = key === `profiles.${name}` || key === `profiles."${name}"`;
      continue;
    }
    if (!inside) continue;
    const pair = /^([A-Za-z0-9_-]+)\s*=\s*"((?:[^"\\]|\\.)*)"$/.exec(line);
    if (pair) values[pair[1]] = JSON.parse(`"${pair[2]}"`);
  }
  return values;
}
