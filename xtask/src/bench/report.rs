//! What a run leaves: `results.json` (every number), the table printed at the end, and with `--write`
//! the generated part of docs/benchmarks.md (the table, each row's notes, how to reproduce a row, the
//! commands timed).
//!
//! Why one place: the table is the bench's verdict (goal met or not per row) and the docs quote it, so
//! both come from the same [`Row`]s by the same functions, tested here on rows made by hand.

use super::machine::{commit, machine, machine_line, now_utc};
use super::Bench;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Instant;

/// One row of the table.
pub(super) struct Row {
    /// Stable key in results.json.
    pub(super) id: &'static str,
    /// What was measured, as the table says it.
    pub(super) scenario: String,
    /// Our side's numbers.
    pub(super) ours: String,
    /// The baseline's, measured in the same run ("—" without one).
    pub(super) baseline: String,
    /// Ours / baseline ("—" without one).
    pub(super) ratio: String,
    /// The goal the row is judged on.
    pub(super) goal: String,
    /// `Some(true)` met, `Some(false)` missed, `None` not measured.
    pub(super) met: Option<bool>,
    /// Explanations printed under the table in the docs.
    pub(super) notes: Vec<String>,
    /// Every number behind the row (and the commands timed), for results.json.
    pub(super) data: Value,
}

impl Bench {
    /// Writes results.json, prints the table, and with `--write` rewrites the docs' generated part.
    pub(super) fn report(&self, started: Instant) -> Result<(), String> {
        let machine = machine();
        let results = json!({
            "mode": if self.options.quick { "quick" } else { "full" },
            "binaries": self.bins.profile,
            "date": now_utc(),
            "commit": commit(),
            "machine": machine,
            "elapsed_s": started.elapsed().as_secs_f64(),
            "rows": self.rows.iter().map(|r| json!({
                "id": r.id, "scenario": r.scenario, "ours": r.ours, "baseline": r.baseline,
                "ratio": r.ratio, "goal": r.goal,
                "met": r.met, "notes": r.notes, "data": r.data,
            })).collect::<Vec<_>>(),
        });
        let results_path = self.dir.join("results.json");
        let text = serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?;
        std::fs::write(&results_path, text + "\n")
            .map_err(|e| format!("could not write {}: {e}", results_path.display()))?;
        let table = markdown_table(&self.rows, &machine_line(&machine));
        println!("\n{table}");
        if self.options.quick {
            println!("(quick: small sizes, debug binaries, one run each: checks that the bench works, measures nothing)");
        }
        println!(
            "xtask bench: done in {:.0?}; {}",
            started.elapsed(),
            results_path.display()
        );
        if self.options.write {
            let docs = crate::project_root().join("docs").join("benchmarks.md");
            let generated = generated_section(&self.rows, &results, &table, &self.target);
            write_docs(&docs, &generated)?;
            println!("xtask bench: {} updated", docs.display());
        }
        Ok(())
    }
}

/// The table of `rows`, then the machine's line.
fn markdown_table(rows: &[Row], machine: &str) -> String {
    let mut out = String::from(
        "| scenario | ours | baseline in the same run | ratio | goal | met |\n|---|---|---|---|---|---|\n",
    );
    for row in rows {
        let met = match row.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "—",
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            cell(&row.scenario),
            cell(&row.ours),
            cell(&row.baseline),
            cell(&row.ratio),
            cell(&row.goal),
            met
        ));
    }
    out.push_str(&format!("\nMachine: {machine}\n"));
    out
}

/// The generated part of docs/benchmarks.md: when and where, the table, the notes per row, how to
/// reproduce each row, and the commands timed (with `target`'s absolute path written `target`).
fn generated_section(rows: &[Row], results: &Value, table: &str, target: &Path) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "Measured {} at commit {} by `cargo xtask bench` (release binaries, {:.0} s in all).\n\n",
        results["date"].as_str().unwrap_or("?"),
        results["commit"].as_str().unwrap_or("?"),
        results["elapsed_s"].as_f64().unwrap_or(0.0)
    ));
    out.push_str(table);
    out.push_str("\n### Notes per row\n\n");
    for row in rows {
        for note in &row.notes {
            out.push_str(&format!("- **{}**: {}\n", row.scenario, note));
        }
    }
    out.push_str("\n### Reproduce one row\n\nEach command builds the release `ccs` and `ccs-sandbox` if needed, starts its own sandbox on 127.0.0.1, prints the row and writes `target/bench/results.json` (the exact commands hyperfine timed are in it, and its raw exports in `target/bench/hyperfine/`). The GUI rows also build the release app and the minimal Tauri app (`target/bench/minimal-app`), and run tests/e2e/bench/gui.mjs and gui-bulk.mjs under Xvfb in a private D-Bus session with a throwaway keychain; their raw numbers are in `target/bench/gui.json` and `gui-bulk.json`.\n\n| row | command |\n|---|---|\n");
    for (scenario, id) in [
        ("bulk", "bulk"),
        ("one big document", "big"),
        ("list", "list"),
        ("token single flight", "single-flight"),
        (
            "GUI cold start, 100,000 documents, memory, staying power",
            "gui",
        ),
        (
            "GUI bulk save against ccs, at 4 and 8 transfers",
            "gui-bulk",
        ),
        ("size", "size"),
        ("sandbox", "sandbox"),
    ] {
        out.push_str(&format!(
            "| {scenario} | `cargo xtask bench --only {id}` |\n"
        ));
    }
    out.push_str("| everything, and this file | `cargo xtask bench --write` |\n");
    out.push_str("\n### Commands timed\n\nhyperfine runs each with the sandbox's `CCS_*` variables and `HOME=target/bench/home` in its environment, after `rm -rf OUT && mkdir -p OUT` of its output folder; `target/bench/work` is removed at the end.\n\n");
    for row in rows {
        for key in [
            "ours",
            "curl_parallel",
            "curl_loop",
            "curl",
            "sandbox_stream_to_dev_null",
        ] {
            if let Some(command) = row.data[key]["command"].as_str() {
                out.push_str(&format!(
                    "- {} ({key}): `{}`\n",
                    row.scenario,
                    anonymise(command, target)
                ));
            }
        }
        if let Some(scripts) = row.data["scripts"].as_object() {
            for (name, text) in scripts {
                out.push_str(&format!(
                    "\n  `{name}`:\n\n  ```sh\n{}  ```\n\n",
                    anonymise(text.as_str().unwrap_or_default(), target)
                        .lines()
                        .map(|l| format!("  {l}\n"))
                        .collect::<String>()
                ));
            }
        }
    }
    out
}

/// A table cell: no pipes or newlines.
pub(super) fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Replaces the absolute target path by `target` so that the docs do not name a home folder.
fn anonymise(command: &str, target: &Path) -> String {
    command.replace(&target.display().to_string(), "target")
}

/// A duration: seconds with two decimals from one second up, else milliseconds with one.
pub(super) fn seconds(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else {
        format!("{:.1} ms", s * 1000.0)
    }
}

/// Bytes as decimal megabytes with one decimal.
pub(super) fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// A ratio as the table's ratio column shows it: "1.30×".
pub(super) fn ratio_text(ratio: f64) -> String {
    format!("{ratio:.2}×")
}

/// A count with thousands separated by commas: "100,000".
pub(super) fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A size as a scenario names it: "1 GiB", "8 MiB", else "1234-byte".
pub(super) fn human_bytes(n: u64) -> String {
    if n >= 1 << 30 && n.is_multiple_of(1 << 30) {
        format!("{} GiB", n >> 30)
    } else if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else {
        format!("{n}-byte")
    }
}

/// The markers around the part of `docs/benchmarks.md` that `--write` rewrites.
const BEGIN: &str =
    "<!-- bench:begin (generated by `cargo xtask bench --write`; edit outside the markers) -->";
/// See [`BEGIN`].
const END: &str = "<!-- bench:end -->";

/// Replaces the generated part of the docs, keeping what was written around it.
fn write_docs(path: &Path, generated: &str) -> Result<(), String> {
    let old = std::fs::read_to_string(path).ok();
    std::fs::write(path, docs_with(old.as_deref(), generated))
        .map_err(|e| format!("could not write {}: {e}", path.display()))
}

/// The docs' text with `generated` between the markers: in place of the old generated part, else
/// appended, else (no docs yet) under a title and an introduction.
fn docs_with(old: Option<&str>, generated: &str) -> String {
    let block = format!("{BEGIN}\n{generated}{END}");
    match old {
        Some(old) => match (old.find("<!-- bench:begin"), old.find(END)) {
            (Some(start), Some(end)) if end > start => {
                format!("{}{block}{}", &old[..start], &old[end + END.len()..])
            }
            _ => format!("{}\n\n{block}\n", old.trim_end()),
        },
        None => format!(
            "# Benchmarks\n\nCustomer Space against the raw protocol (curl) on the same sandbox, in the same run, on the same machine. Ratios are ours / baseline.\n\n{block}\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(scenario: &str, met: Option<bool>, data: Value) -> Row {
        Row {
            id: "test",
            scenario: scenario.into(),
            ours: "`ccs download`: 1.20 s (1 run)".into(),
            baseline: "curl: 1.00 s (1 run)".into(),
            ratio: ratio_text(1.2),
            goal: "≤ 1.5×".into(),
            met,
            notes: vec![format!("a note on {scenario}")],
            data,
        }
    }

    #[test]
    fn the_table_says_met_missed_or_not_measured_and_escapes_cells() {
        let rows = [
            row("bulk", Some(true), Value::Null),
            row("big | huge\nfile", Some(false), Value::Null),
            row("size", None, Value::Null),
        ];
        assert_eq!(
            markdown_table(&rows, "a CPU, 2 cores"),
            "| scenario | ours | baseline in the same run | ratio | goal | met |\n\
             |---|---|---|---|---|---|\n\
             | bulk | `ccs download`: 1.20 s (1 run) | curl: 1.00 s (1 run) | 1.20× | ≤ 1.5× | yes |\n\
             | big \\| huge file | `ccs download`: 1.20 s (1 run) | curl: 1.00 s (1 run) | 1.20× | ≤ 1.5× | **no** |\n\
             | size | `ccs download`: 1.20 s (1 run) | curl: 1.00 s (1 run) | 1.20× | ≤ 1.5× | — |\n\
             \n\
             Machine: a CPU, 2 cores\n"
        );
    }

    #[test]
    fn the_docs_section_has_notes_reproduction_and_anonymised_commands() {
        let target = Path::new("/home/someone/target");
        let data = json!({
            "ours": { "command": "'/home/someone/target/release/ccs' documents --json" },
            "curl": { "command": "bash '/home/someone/target/bench/work/list/curl-list.sh'" },
            "scripts": { "curl-list.sh": "set -e\ncurl -sS /home/someone/target/x\n" },
        });
        let rows = [row("list 10,000 documents", Some(true), data)];
        let results =
            json!({ "date": "2026-01-02 03:04 UTC", "commit": "abc1234", "elapsed_s": 612.4 });
        let section = generated_section(&rows, &results, "TABLE\n", target);
        assert!(section.starts_with(
            "Measured 2026-01-02 03:04 UTC at commit abc1234 by `cargo xtask bench` (release binaries, 612 s in all).\n\nTABLE\n"
        ));
        assert!(section.contains(
            "\n### Notes per row\n\n- **list 10,000 documents**: a note on list 10,000 documents\n"
        ));
        assert!(section.contains("| list | `cargo xtask bench --only list` |\n"));
        assert!(section.contains("| everything, and this file | `cargo xtask bench --write` |\n"));
        assert!(section.ends_with(
            "- list 10,000 documents (ours): `'target/release/ccs' documents --json`\n\
             - list 10,000 documents (curl): `bash 'target/bench/work/list/curl-list.sh'`\n\
             \n  `curl-list.sh`:\n\n  ```sh\n  set -e\n  curl -sS target/x\n  ```\n\n"
        ));
        assert!(!section.contains("/home/someone"));
    }

    #[test]
    fn the_docs_keep_what_surrounds_the_markers() {
        let old = format!("# Bench\n\nintro\n\n{BEGIN}\nold numbers\n{END}\n\nafter\n");
        assert_eq!(
            docs_with(Some(&old), "new numbers\n"),
            format!("# Bench\n\nintro\n\n{BEGIN}\nnew numbers\n{END}\n\nafter\n")
        );
        // An older begin marker with other words is still found.
        let older = "intro\n<!-- bench:begin old words -->\nx\n<!-- bench:end -->\n";
        assert_eq!(
            docs_with(Some(older), "y\n"),
            format!("intro\n{BEGIN}\ny\n{END}\n")
        );
    }

    #[test]
    fn docs_without_markers_get_the_section_appended_and_no_docs_get_a_title() {
        assert_eq!(
            docs_with(Some("# Bench\n\nwords\n\n"), "y\n"),
            format!("# Bench\n\nwords\n\n{BEGIN}\ny\n{END}\n")
        );
        assert!(docs_with(None, "y\n").starts_with("# Benchmarks\n\nCustomer Space against"));
        assert!(docs_with(None, "y\n").ends_with(&format!("{BEGIN}\ny\n{END}\n")));
    }

    #[test]
    fn numbers_are_written_as_the_table_shows_them() {
        assert_eq!(ratio_text(650.0 / 500.0), "1.30×");
        assert_eq!(ratio_text(17.4 / 31.1), "0.56×");
        assert_eq!(seconds(1.234), "1.23 s");
        assert_eq!(seconds(0.0174), "17.4 ms");
        assert_eq!(mb(16_000_000), "16.0 MB");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(human_bytes(1 << 30), "1 GiB");
        assert_eq!(human_bytes(8 << 20), "8 MiB");
        assert_eq!(human_bytes(200_000), "200000-byte");
    }
}
