//! The GUI bulk-save row: "Save selected" of 1,000 × 200 KB in the app against `ccs download --all` of
//! the same documents at the same concurrency, in the same run (tests/e2e/bench/gui-bulk.mjs), and
//! the measurement that sets core's `DEFAULT_JOBS`: both programs at 4 and at 8 transfers.
//!
//! Why the concurrency is read from `ccs download --help`: the default is core's constant, shown by
//! clap; the bench measures what the programs really use instead of a copy of the number.

use super::gui_rows::{ms_text, numbers, sandbox_env, spread};
use super::report::{ratio_text, thousands, Row};
use super::sandbox::Sandbox;
use super::Bench;
use serde_json::{json, Value};
use std::process::Command;
use std::time::Duration;

/// The app's save within 1.2× of `ccs`'s.
const BULK_GOAL: f64 = 1.2;
/// Each progress step painted within this long of the core reporting it.
const PROGRESS_GOAL_MS: f64 = 100.0;
/// Bytes of each document.
const DOCUMENT_SIZE: u32 = 204_800;

impl Bench {
    /// The row, measured by tests/e2e/bench/gui-bulk.mjs under Xvfb in the isolated session.
    pub(super) fn gui_bulk(&mut self) -> Result<(), String> {
        let quick = self.options.quick;
        let documents: u32 = if quick { 100 } else { 1_000 };
        let runs = self.options.runs.unwrap_or(if quick { 1 } else { 5 });
        let default_jobs = default_jobs(&self.bins.ccs)?;
        // Quick: the default only (the bench code keeps working); full: 4 and 8 as well.
        let mut jobs = vec![default_jobs];
        if !quick {
            for other in [4, 8] {
                if !jobs.contains(&other) {
                    jobs.push(other);
                }
            }
        }
        println!(
            "\n=== bench: GUI bulk save, {documents} × {} KB, --jobs {jobs:?}, {runs} runs ===",
            DOCUMENT_SIZE / 1024
        );
        let app = self.gui_app()?;
        let sandbox = Sandbox::start(
            &self.bins.sandbox,
            &[
                "--documents",
                &documents.to_string(),
                "--document-size",
                &DOCUMENT_SIZE.to_string(),
            ],
            &self.dir.join("logs").join("sandbox-gui-bulk.log"),
        )?;
        let work = self.dir.join("work").join("gui-bulk");
        std::fs::create_dir_all(&work)
            .map_err(|e| format!("could not create {}: {e}", work.display()))?;
        let out = self.dir.join("gui-bulk.json");
        let _ = std::fs::remove_file(&out);
        let mut env = sandbox_env(&sandbox);
        let jobs_list: Vec<String> = jobs.iter().map(u32::to_string).collect();
        env.extend([
            ("CCS_BENCH_DOCUMENTS".into(), documents.to_string()),
            ("CCS_BENCH_JOBS".into(), jobs_list.join(",")),
            ("CCS_BENCH_RUNS".into(), runs.to_string()),
            ("CCS_BENCH_WORK".into(), work.display().to_string()),
            ("CCS_BENCH_OUT".into(), out.display().to_string()),
        ]);
        crate::gui::run_gui_bench("bench/gui-bulk.mjs", &app, &self.bins.ccs, &env)?;
        drop(sandbox);
        let text = std::fs::read_to_string(&out)
            .map_err(|e| format!("the GUI bulk bench wrote no {}: {e}", out.display()))?;
        let measured: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", out.display()))?;
        let profile = if quick { "debug" } else { "release" };
        self.rows
            .push(bulk_row(&measured, documents, default_jobs, profile)?);
        Ok(())
    }
}

/// The default of `ccs download --jobs` ("[default: N]" in its help): core's `DEFAULT_JOBS`.
fn default_jobs(ccs: &std::path::Path) -> Result<u32, String> {
    let help = super::programs::output_of(
        Command::new(ccs).args(["download", "--help"]),
        &[],
        Duration::from_secs(30),
    )?;
    parse_default_jobs(&help)
        .ok_or_else(|| format!("no --jobs default in `ccs download --help`:\n{help}"))
}

fn parse_default_jobs(help: &str) -> Option<u32> {
    let at = help.find("--jobs")?;
    let rest = &help[at..];
    let default = rest.find("[default: ")? + "[default: ".len();
    let end = rest[default..].find(']')?;
    rest[default..default + end].trim().parse().ok()
}

/// The row: judged at the default concurrency; the other concurrencies in its notes.
fn bulk_row(
    measured: &Value,
    documents: u32,
    default_jobs: u32,
    profile: &str,
) -> Result<Row, String> {
    let at = |jobs: u32| &measured["jobs"][jobs.to_string()];
    let gui = numbers(&at(default_jobs)["gui"]);
    let cli = numbers(&at(default_jobs)["cli"]);
    let late = numbers(&at(default_jobs)["progressLateMs"]);
    let (gui_median, _, _) = spread(&gui).ok_or("the GUI bulk bench measured no app save")?;
    let (cli_median, _, _) = spread(&cli).ok_or("the GUI bulk bench measured no ccs save")?;
    let worst_late = late.iter().copied().fold(0.0, f64::max);
    let ratio = gui_median / cli_median;
    let mut notes = vec![format!(
        "ours: {profile} app, every document selected, \"Save selected\", the real GTK folder chooser answered by xdotool; timed from its confirming Return to the UI's mark after the summary is painted; ccs: `ccs download --all --jobs {default_jobs}` (its token request and list included, the app had both); runs alternate, each into a new empty folder after `sync`"
    ), format!(
        "progress: {} events painted over the runs at --jobs {default_jobs}, the latest {worst_late:.0} ms after the core reported the oldest step it carries (the event carries that time; the page marks its paint)",
        late.len()
    )];
    let mut per_jobs = Vec::new();
    if let Some(all) = measured["jobs"].as_object() {
        for (jobs, sample) in all {
            let gui = numbers(&sample["gui"]);
            let cli = numbers(&sample["cli"]);
            if let (Some((g, _, _)), Some((c, _, _))) = (spread(&gui), spread(&cli)) {
                per_jobs.push(format!("--jobs {jobs}: app {g:.0} ms, ccs {c:.0} ms"));
            }
        }
    }
    if per_jobs.len() > 1 {
        notes.push(format!(
            "concurrency (medians; core's `DEFAULT_JOBS` is {default_jobs}, set by this measurement): {}",
            per_jobs.join("; ")
        ));
    }
    Ok(Row {
        id: "gui-bulk",
        scenario: format!("GUI bulk save, {} × 200 KB", thousands(documents)),
        ours: format!(
            "app, confirmation → summary painted: {}; progress painted ≤ {worst_late:.0} ms after its report",
            ms_text(&gui)
        ),
        baseline: format!("`ccs download --all --jobs {default_jobs}`: {}", ms_text(&cli)),
        ratio: ratio_text(ratio),
        goal: format!("≤ {BULK_GOAL}× ccs; progress ≤ {PROGRESS_GOAL_MS:.0} ms"),
        met: Some(ratio <= BULK_GOAL && worst_late <= PROGRESS_GOAL_MS),
        notes,
        data: json!({ "measured": measured, "default_jobs": default_jobs, "ratio": ratio, "worst_progress_late_ms": worst_late }),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_default_concurrency_is_read_from_the_help() {
        let help = "Options:\n      --jobs <N>\n          Concurrent transfers\n          \n          [default: 8]\n      --overwrite\n";
        assert_eq!(parse_default_jobs(help), Some(8));
        assert_eq!(parse_default_jobs("--jobs <N>  no default"), None);
    }

    #[test]
    fn the_row_is_judged_at_the_default_concurrency() {
        let measured = json!({ "jobs": {
            "8": { "gui": [1100.0, 1200.0, 1150.0], "cli": [1000.0, 1000.0, 1000.0], "progressLateMs": [20.0, 60.0] },
            "4": { "gui": [3000.0], "cli": [1500.0], "progressLateMs": [300.0] },
        }});
        let row = bulk_row(&measured, 1000, 8, "release").unwrap();
        assert_eq!(row.ratio, "1.15×");
        assert_eq!(row.met, Some(true));
        assert!(row
            .notes
            .iter()
            .any(|n| n.contains("--jobs 4: app 3000 ms")));
        let row = bulk_row(&measured, 1000, 4, "release").unwrap();
        assert_eq!(row.met, Some(false), "2× ccs, and progress 300 ms late");
    }

    #[test]
    fn late_progress_alone_misses_the_goal() {
        let measured = json!({ "jobs": { "4": { "gui": [1000.0], "cli": [1000.0], "progressLateMs": [150.0] } } });
        assert_eq!(
            bulk_row(&measured, 1000, 4, "release").unwrap().met,
            Some(false)
        );
    }
}
