//! The GUI rows of the bench: cold start against a minimal Tauri v2 app, 100,000 documents, memory.
//!
//! Why a baseline app built here: the cost of Tauri and WebKitGTK themselves (a GTK window, a web
//! process, a network process) is the same for every Tauri app on this machine; what the issue asks is
//! what Customer Space adds on top. So the bench writes a one-page Tauri v2 app under
//! `<target>/bench/minimal-app`, builds it with the workspace's lock file and profiles (same tauri,
//! same WebKitGTK, same LTO), and measures both in the same run with the same probe
//! (tests/e2e/bench/gui.mjs): spawn time from a wrapper, "shown" from the page's own mark.

use super::report::{cell, ratio_text, thousands, Row};
use super::sandbox::Sandbox;
use super::Bench;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The baseline's package and binary name.
const MINIMAL_NAME: &str = "ccs-bench-minimal-tauri";
/// Cold start: ours within 1.5× of the minimal app.
const COLD_START_GOAL: f64 = 1.5;
/// Click on a contract's documents → first rows painted.
const OPEN_GOAL_MS: f64 = 500.0;
/// A key typed in the filter → list updated and painted.
const FILTER_GOAL_MS: f64 = 100.0;
/// Idle PSS within 1.3× of the minimal app's idle PSS.
const IDLE_MEMORY_GOAL: f64 = 1.3;
/// PSS with 100,000 rows loaded within 1.6× of the minimal app's idle PSS.
const LOADED_MEMORY_GOAL: f64 = 1.6;
/// Staying power: PSS growth per round trip (MiB), fitted over the trips after the first ones.
const GROWTH_GOAL_MIB: f64 = 0.1;
/// Round trips before the fit starts (caches and JIT warming up).
const WARM_UP_TRIPS: usize = 10;
/// "Flat": descriptors and threads of the last trips within this many of the first after warm-up.
const HANDLES_SLACK: f64 = 2.0;

/// What one GUI run uses: sizes differ between a full run and `--quick`.
struct GuiSizes {
    documents: u32,
    runs: u32,
    settle_ms: u32,
    trips: u32,
}

impl Bench {
    /// The three GUI rows, measured by tests/e2e/bench/gui.mjs under Xvfb in the isolated session.
    pub(super) fn gui(&mut self) -> Result<(), String> {
        let quick = self.options.quick;
        let sizes = GuiSizes {
            documents: if quick { 2_000 } else { 100_000 },
            runs: self.options.runs.unwrap_or(if quick { 1 } else { 10 }),
            settle_ms: if quick { 500 } else { 3_000 },
            trips: if quick { 15 } else { 300 },
        };
        println!(
            "\n=== bench: GUI, {} cold starts each, {} documents ===",
            sizes.runs, sizes.documents
        );
        let app = self.gui_app()?;
        let minimal = build_minimal_app(&self.target, !quick)?;
        let sandbox = Sandbox::start(
            &self.bins.sandbox,
            &["--documents", &sizes.documents.to_string()],
            &self.dir.join("logs").join("sandbox-gui.log"),
        )?;
        let work = self.dir.join("work").join("gui");
        std::fs::create_dir_all(&work)
            .map_err(|e| format!("could not create {}: {e}", work.display()))?;
        let out = self.dir.join("gui.json");
        let _ = std::fs::remove_file(&out);
        let mut env = sandbox_env(&sandbox);
        env.extend([
            ("CCS_BENCH_BASELINE".into(), minimal.display().to_string()),
            ("CCS_BENCH_DOCUMENTS".into(), sizes.documents.to_string()),
            ("CCS_BENCH_RUNS".into(), sizes.runs.to_string()),
            ("CCS_BENCH_SETTLE_MS".into(), sizes.settle_ms.to_string()),
            ("CCS_BENCH_TRIPS".into(), sizes.trips.to_string()),
            ("CCS_BENCH_WORK".into(), work.display().to_string()),
            ("CCS_BENCH_OUT".into(), out.display().to_string()),
        ]);
        crate::gui::run_gui_bench("bench/gui.mjs", &app, &self.bins.ccs, &env)?;
        drop(sandbox);
        let text = std::fs::read_to_string(&out)
            .map_err(|e| format!("the GUI bench wrote no {}: {e}", out.display()))?;
        let measured: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", out.display()))?;
        let profile = if quick { "debug" } else { "release" };
        self.rows.extend(gui_rows(&measured, &sizes, profile)?);
        Ok(())
    }

    /// The app measured: the release build (built now, with the current UI) or, quick, the debug
    /// build `cargo xtask test` made.
    pub(super) fn gui_app(&self) -> Result<PathBuf, String> {
        let profile = if self.options.quick {
            "debug"
        } else {
            "release"
        };
        let app = self.target.join(profile).join("customer-space");
        if self.options.quick && app.is_file() {
            return Ok(app);
        }
        let mut args = vec!["build", "--locked"];
        if !self.options.quick {
            args.push("--release");
        }
        args.extend(["-p", "customer-space"]);
        args.extend(crate::steps::FEATURES);
        println!("xtask bench: cargo {}", args.join(" "));
        crate::gui::build_with_ui(&args)?;
        if app.is_file() {
            Ok(app)
        } else {
            Err(format!("cargo built no {}", app.display()))
        }
    }
}

/// The sandbox's connection as the GUI scripts read it (`CCS_BENCH_HOST`, …).
pub(super) fn sandbox_env(sandbox: &Sandbox) -> Vec<(String, String)> {
    [
        ("CCS_HOST", "CCS_BENCH_HOST"),
        ("CCS_OAUTH_HOST", "CCS_BENCH_OAUTH_HOST"),
        ("CCS_CLIENT_ID", "CCS_BENCH_CLIENT_ID"),
        ("CCS_CLIENT_SECRET", "CCS_BENCH_CLIENT_SECRET"),
        ("CCS_API_KEY", "CCS_BENCH_API_KEY"),
        ("CCS_CONTRACT", "CCS_BENCH_CONTRACT"),
    ]
    .iter()
    .map(|(from, to)| ((*to).to_owned(), sandbox.get(from).to_owned()))
    .collect()
}

/// Writes `text` to `path` unless it already holds exactly that (an unchanged source keeps cargo's
/// fingerprint, so a second bench does not rebuild the baseline).
fn write_if_changed(path: &Path, text: &[u8]) -> Result<(), String> {
    if std::fs::read(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("could not create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("could not write {}: {e}", path.display()))
}

/// The `[profile.*]` sections of the workspace's Cargo.toml, so the baseline is optimised as ours is.
fn workspace_profiles() -> Result<String, String> {
    let manifest = crate::project_root().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| format!("could not read {}: {e}", manifest.display()))?;
    let start = text
        .find("\n[profile.")
        .ok_or("the workspace Cargo.toml has no [profile.*] section")?;
    let profiles = &text[start..];
    // Everything from the first profile on must be profiles: any other table would change meaning.
    let foreign = profiles
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with('[') && !line.starts_with("[profile."));
    match foreign {
        Some(table) => Err(format!(
            "the workspace Cargo.toml has {table} after its profiles; keep [profile.*] last"
        )),
        None => Ok(profiles.to_owned()),
    }
}

/// Writes and builds the minimal Tauri v2 app (one static page) with the workspace's lock file and
/// profiles, into the same target folder; returns its binary.
fn build_minimal_app(target: &Path, release: bool) -> Result<PathBuf, String> {
    let dir = target.join("bench").join("minimal-app");
    let root = crate::project_root();
    let manifest = format!(
        "# Written by `cargo xtask bench`: the baseline of the GUI rows, a minimal Tauri v2 app.\n\
         [package]\nname = \"{MINIMAL_NAME}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         # Its own workspace: it lives under the target folder, never in ours.\n[workspace]\n\n\
         [build-dependencies]\ntauri-build = {{ version = \"2\", features = [] }}\n\n\
         [dependencies]\ntauri = {{ version = \"2\", features = [\"custom-protocol\"] }}\n{}",
        workspace_profiles()?
    );
    write_if_changed(&dir.join("Cargo.toml"), manifest.as_bytes())?;
    write_if_changed(
        &dir.join("build.rs"),
        b"fn main() {\n    tauri_build::build();\n}\n",
    )?;
    write_if_changed(
        &dir.join("src").join("main.rs"),
        b"//! A minimal Tauri v2 app: one window, one static page.\n\
          fn main() {\n    tauri::Builder::default()\n        .run(tauri::generate_context!())\n        \
          .expect(\"the minimal app failed\");\n}\n",
    )?;
    let config = json!({
        "productName": "Minimal",
        "version": "0.0.0",
        "identifier": "dev.customerspace.bench.minimal",
        "build": { "frontendDist": "dist" },
        "app": {
            "windows": [{ "label": "main", "title": "Minimal", "width": 1200, "height": 800 }],
            "security": { "csp": null }
        },
        "bundle": { "active": false, "icon": ["icons/icon.png"] }
    });
    let config = serde_json::to_string_pretty(&config).map_err(|e| e.to_string())?;
    write_if_changed(&dir.join("tauri.conf.json"), config.as_bytes())?;
    // The page marks its first paint the way our UI marks its contracts (ui/src/lib/marks.ts).
    write_if_changed(
        &dir.join("dist").join("index.html"),
        b"<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Minimal</title></head>\n\
          <body>\n<h1>Minimal Tauri app</h1>\n<p>One static page.</p>\n\
          <script>requestAnimationFrame(() => setTimeout(() => performance.mark(\"bench:window-shown\"), 0));</script>\n\
          </body>\n</html>\n",
    )?;
    let icon = std::fs::read(root.join("icons").join("icon.png"))
        .map_err(|e| format!("could not read icons/icon.png: {e}"))?;
    write_if_changed(&dir.join("icons").join("icon.png"), &icon)?;
    // The workspace's lock file: the same tauri, wry and webkit2gtk versions as the app's. Cargo
    // prunes the copy to what the baseline uses, so the copy is replaced only when the workspace's
    // lock changed since (a copy kept beside the package says which lock it came from).
    let lock = std::fs::read(root.join("Cargo.lock"))
        .map_err(|e| format!("could not read Cargo.lock: {e}"))?;
    let lock_source = target.join("bench").join("minimal-app.Cargo.lock.source");
    let copied_from = std::fs::read(&lock_source).ok();
    if copied_from.as_deref() != Some(lock.as_slice()) || !dir.join("Cargo.lock").is_file() {
        write_if_changed(&dir.join("Cargo.lock"), &lock)?;
        write_if_changed(&lock_source, &lock)?;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest_path = dir.join("Cargo.toml").display().to_string();
    let mut args = vec!["build", "--manifest-path", manifest_path.as_str()];
    if release {
        args.push("--release");
    }
    println!(
        "xtask bench: building the minimal Tauri app (cargo {})",
        args.join(" ")
    );
    let status = std::process::Command::new(&cargo)
        .args(&args)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("building the minimal Tauri app failed ({status})"));
    }
    let binary = target
        .join(if release { "release" } else { "debug" })
        .join(MINIMAL_NAME);
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(format!("cargo built no {}", binary.display()))
    }
}

/// Numbers of a JSON array.
pub(super) fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

/// Median, min and max; `None` when empty.
pub(super) fn spread(values: &[f64]) -> Option<(f64, f64, f64)> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    let median = if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    };
    Some((median, sorted[0], sorted[sorted.len() - 1]))
}

/// "median ms (min, max, N runs)".
pub(super) fn ms_text(values: &[f64]) -> String {
    match spread(values) {
        Some((median, min, max)) if values.len() > 1 => format!(
            "{median:.0} ms (min {min:.0}, max {max:.0}, {} runs)",
            values.len()
        ),
        Some((median, _, _)) => format!("{median:.0} ms (1 run)"),
        None => "—".into(),
    }
}

/// PSS in MiB, from kB.
fn mib(kb: f64) -> String {
    format!("{:.1} MiB", kb / 1024.0)
}

/// The PSS (kB) of each idle sample.
fn idle_pss(samples: &Value) -> Vec<f64> {
    samples
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["pssKb"].as_f64()).collect())
        .unwrap_or_default()
}

/// "WebKitWebProcess 61.2 MiB, …" of one sample: where the memory is.
fn breakdown(sample: &Value) -> String {
    sample["processes"]
        .as_array()
        .map(|processes| {
            processes
                .iter()
                .map(|p| {
                    format!(
                        "{} {}",
                        p["name"].as_str().unwrap_or("?"),
                        mib(p["pssKb"].as_f64().unwrap_or(0.0))
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// The three rows from what gui.mjs measured.
fn gui_rows(measured: &Value, sizes: &GuiSizes, profile: &str) -> Result<Vec<Row>, String> {
    let missing = |what: &str| format!("the GUI bench result has no {what}");
    let ours_cold = numbers(&measured["cold"]["ours"]);
    let base_cold = numbers(&measured["cold"]["baseline"]);
    let (ours_start, _, _) = spread(&ours_cold).ok_or_else(|| missing("cold start of ours"))?;
    let (base_start, _, _) =
        spread(&base_cold).ok_or_else(|| missing("cold start of the baseline"))?;
    let cold_ratio = ours_start / base_start;
    let cold = Row {
        id: "gui-cold-start",
        scenario: "GUI cold start".into(),
        ours: format!(
            "{profile} app, spawn → contracts painted: {}",
            ms_text(&ours_cold)
        ),
        baseline: format!(
            "minimal Tauri v2 app, spawn → page painted: {}",
            ms_text(&base_cold)
        ),
        ratio: ratio_text(cold_ratio),
        goal: format!("≤ {COLD_START_GOAL}×"),
        met: Some(cold_ratio <= COLD_START_GOAL),
        notes: vec![
            "each run is a new process started by WebKitWebDriver (via tauri-driver) through a wrapper that records its spawn time (`date +%s%N`) and `exec`s it; \"painted\" is the page's own User Timing mark, set after the next frame once the list (ours: the profile's contracts, fetched from the sandbox with a fresh token and the keychain's secrets) is in the DOM; both apps are measured alternately in the same session under Xvfb".into(),
        ],
        data: json!({ "ours_ms": ours_cold, "baseline_ms": base_cold, "ratio": cold_ratio }),
    };

    let open = numbers(&measured["open"]);
    let keys: Vec<f64> = measured["keys"]
        .as_array()
        .map(|a| a.iter().filter_map(|k| k["ms"].as_f64()).collect())
        .unwrap_or_default();
    let (open_median, _, _) = spread(&open).ok_or_else(|| missing("documents opening"))?;
    let (key_median, _, key_max) = spread(&keys).ok_or_else(|| missing("filter keys"))?;
    let first_loaded = measured["firstLoaded"].as_u64().unwrap_or(0);
    let load_more: Vec<String> = measured["loadMore"]
        .as_array()
        .map(|steps| {
            steps
                .iter()
                .map(|s| {
                    format!(
                        "{} → {} in {:.0} ms",
                        s["from"].as_u64().unwrap_or(0),
                        s["to"].as_u64().unwrap_or(0),
                        s["ms"].as_f64().unwrap_or(0.0)
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let documents = thousands(sizes.documents);
    let hundred_k = Row {
        id: "gui-100k",
        scenario: format!("GUI {documents} documents"),
        ours: format!(
            "click → first rows painted: {}; typing a filter (on all {documents} rows) → list painted: median {key_median:.0} ms, max {key_max:.0} ms ({} keys)",
            ms_text(&open),
            keys.len()
        ),
        baseline: "—".into(),
        ratio: "—".into(),
        goal: format!("≤ {OPEN_GOAL_MS:.0} ms; ≤ {FILTER_GOAL_MS:.0} ms"),
        met: Some(open_median <= OPEN_GOAL_MS && key_max <= FILTER_GOAL_MS),
        notes: vec![
            format!(
                "the click is the contract's \"Documents\" button, timed inside the page from `click()` to the UI's mark after the rows are painted; the first request asks for the newest {first_loaded} documents (the API has no paging), \"load more\" then brings the rest: {}",
                if load_more.is_empty() { "not needed".to_owned() } else { load_more.join(", ") }
            ),
            format!(
                "the filter: \"{}\" typed then erased one real key press at a time (WebDriver), each timed from the key event's timeStamp to the UI's mark after the new filter's rows (asked of the app's Rust side) are painted; the goal is judged on the slowest key",
                measured["filterText"].as_str().unwrap_or("invoice 202503")
            ),
        ],
        data: json!({
            "open_ms": open, "keys": measured["keys"], "load_more": measured["loadMore"],
            "first_loaded": first_loaded,
        }),
    };

    let ours_idle = idle_pss(&measured["idle"]["ours"]);
    let base_idle = idle_pss(&measured["idle"]["baseline"]);
    let (ours_idle_median, _, _) =
        spread(&ours_idle).ok_or_else(|| missing("idle memory of ours"))?;
    let (base_idle_median, _, _) =
        spread(&base_idle).ok_or_else(|| missing("idle memory of the baseline"))?;
    let loaded = measured["loaded"]["pssKb"]
        .as_f64()
        .ok_or_else(|| missing("memory with the documents loaded"))?;
    let idle_ratio = ours_idle_median / base_idle_median;
    let loaded_ratio = loaded / base_idle_median;
    let memory = Row {
        id: "gui-memory",
        scenario: "GUI memory (PSS)".into(),
        ours: format!(
            "idle {} (median of {}); {documents} rows loaded {}",
            mib(ours_idle_median),
            ours_idle.len(),
            mib(loaded)
        ),
        baseline: format!(
            "minimal Tauri v2 app idle {} (median of {})",
            mib(base_idle_median),
            base_idle.len()
        ),
        ratio: format!("{idle_ratio:.2}× idle; {loaded_ratio:.2}× loaded"),
        goal: format!("≤ {IDLE_MEMORY_GOAL}× idle; ≤ {LOADED_MEMORY_GOAL}× loaded"),
        met: Some(idle_ratio <= IDLE_MEMORY_GOAL && loaded_ratio <= LOADED_MEMORY_GOAL),
        notes: vec![
            format!(
                "sum of `Pss:` in /proc/<pid>/smaps_rollup over the app and every descendant, {} ms after the screen was painted; one sample each — ours idle: {}; ours on the documents screen with its first {first_loaded} rows: {}; ours loaded: {}; minimal idle: {}",
                sizes.settle_ms,
                cell(&breakdown(&measured["idle"]["ours"][0])),
                cell(&breakdown(&measured["opened"])),
                cell(&breakdown(&measured["loaded"])),
                cell(&breakdown(&measured["idle"]["baseline"][0]))
            ),
        ],
        data: json!({
            "ours_idle_kb": ours_idle, "baseline_idle_kb": base_idle, "ours_loaded_kb": loaded,
            "idle_ratio": idle_ratio, "loaded_ratio": loaded_ratio,
            "samples": { "ours_idle": measured["idle"]["ours"], "baseline_idle": measured["idle"]["baseline"], "ours_opened": measured["opened"], "ours_loaded": measured["loaded"] },
        }),
    };
    let staying = staying_row(&measured["staying"])?;
    Ok(vec![cold, hundred_k, memory, staying])
}

/// Slope (per step) of the least-squares line through `values`; `None` under two points.
fn slope(values: &[f64]) -> Option<f64> {
    let n = values.len() as f64;
    if values.len() < 2 {
        return None;
    }
    let mean_x = (n - 1.0) / 2.0;
    let mean_y = values.iter().sum::<f64>() / n;
    let (mut num, mut den) = (0.0, 0.0);
    for (i, y) in values.iter().enumerate() {
        let dx = i as f64 - mean_x;
        num += dx * (y - mean_y);
        den += dx * dx;
    }
    Some(num / den)
}

/// Median of up to ten values at the start and at the end of `values`.
fn ends(values: &[f64]) -> Option<(f64, f64)> {
    let take = values.len().min(10);
    let (first, _, _) = spread(&values[..take])?;
    let (last, _, _) = spread(&values[values.len() - take..])?;
    Some((first, last))
}

/// Staying power: growth per round trip after the warm-up, descriptors and threads flat, no banner.
fn staying_row(staying: &Value) -> Result<Row, String> {
    let missing = |what: &str| format!("the GUI bench result has no staying power {what}");
    let pss = numbers(&staying["pssKb"]);
    let trips = pss.len();
    let fitted = pss
        .get(WARM_UP_TRIPS.min(trips.saturating_sub(2))..)
        .unwrap_or(&[]);
    let growth_mib = slope(fitted).ok_or_else(|| missing("samples"))? / 1024.0;
    let fds = numbers(&staying["fds"]);
    let threads = numbers(&staying["threads"]);
    let after_warm_up = |v: &[f64]| {
        v.get(WARM_UP_TRIPS.min(v.len().saturating_sub(1))..)
            .map(<[f64]>::to_vec)
            .unwrap_or_default()
    };
    let (fds_first, fds_last) = ends(&after_warm_up(&fds)).ok_or_else(|| missing("descriptors"))?;
    let (threads_first, threads_last) =
        ends(&after_warm_up(&threads)).ok_or_else(|| missing("threads"))?;
    let banners = staying["banners"].as_u64().unwrap_or(0);
    let flat =
        fds_last - fds_first <= HANDLES_SLACK && threads_last - threads_first <= HANDLES_SLACK;
    let (trip_median, _, _) = spread(&numbers(&staying["tripMs"])).unwrap_or((0.0, 0.0, 0.0));
    let first = pss
        .get(WARM_UP_TRIPS.min(trips - 1))
        .copied()
        .unwrap_or(0.0);
    let last = pss.last().copied().unwrap_or(0.0);
    Ok(Row {
        id: "gui-staying-power",
        scenario: format!("GUI staying power, {trips} round trips"),
        ours: format!(
            "PSS growth {growth_mib:.3} MiB per round trip (fitted over trips {}–{trips}; {} → {}); descriptors {fds_first:.0} → {fds_last:.0}, threads {threads_first:.0} → {threads_last:.0}; {banners} error banner(s)",
            WARM_UP_TRIPS + 1,
            mib(first),
            mib(last)
        ),
        baseline: "—".into(),
        ratio: "—".into(),
        goal: format!("≤ {GROWTH_GOAL_MIB} MiB per trip; descriptors and threads flat; no error"),
        met: Some(growth_mib <= GROWTH_GOAL_MIB && flat && banners == 0),
        notes: vec![format!(
            "one app; each round trip clicks Contracts, the contract, its Documents (the newest {} rows listed and painted; median trip {trip_median:.0} ms through WebDriver), then sums `Pss:` over the process tree and counts its /proc/<pid>/fd entries and threads at once; the growth is the slope of the least-squares line through every sample after the first {WARM_UP_TRIPS} (WebKit's garbage collector swings the samples by tens of MiB, the line averages them); \"flat\": the median of the last 10 samples within {HANDLES_SLACK} of the median of the first 10 after the warm-up",
            staying["rows"].as_u64().unwrap_or(0)
        )],
        data: json!({ "growth_mib_per_trip": growth_mib, "staying": staying }),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sample(ours_ms: f64, slowest_key_ms: f64) -> Value {
        let sample = |kb: f64| json!({ "pssKb": kb, "processes": [{ "pid": 1, "name": "app", "pssKb": kb }] });
        json!({
            "filterText": "invoice 202503",
            "cold": { "ours": [ours_ms, 700.0, 650.0], "baseline": [500.0, 520.0, 480.0] },
            "idle": { "ours": [sample(120_000.0)], "baseline": [sample(100_000.0)] },
            "open": [200.0],
            "firstLoaded": 5000,
            "loadMore": [{ "from": 5000, "to": 100000, "ms": 900.0 }],
            "opened": sample(140_000.0),
            "loaded": sample(150_000.0),
            "staying": staying(50.0),
            "keys": [{ "key": "i", "ms": 20.0, "shown": 10 }, { "key": "n", "ms": slowest_key_ms, "shown": 5 }],
        })
    }

    /// 300 trips whose PSS grows by `growth_kb` per trip, with a garbage collector's swing.
    fn staying(growth_kb: f64) -> Value {
        let pss: Vec<f64> = (0..300)
            .map(|i| {
                300_000.0 + growth_kb * f64::from(i) + if i % 2 == 0 { 20_000.0 } else { -20_000.0 }
            })
            .collect();
        json!({ "pssKb": pss, "fds": vec![120.0; 300], "threads": vec![60.0; 300], "tripMs": [300.0], "banners": 0, "rows": 5000 })
    }

    const SIZES: GuiSizes = GuiSizes {
        documents: 100_000,
        runs: 3,
        settle_ms: 3000,
        trips: 300,
    };

    #[test]
    fn staying_power_is_the_fitted_growth_per_trip() {
        assert!((slope(&[1.0, 3.0, 5.0, 7.0]).unwrap() - 2.0).abs() < 1e-9);
        let row = staying_row(&staying(50.0)).unwrap();
        assert_eq!(row.met, Some(true), "{}", row.ours);
        let row = staying_row(&staying(200.0)).unwrap();
        assert_eq!(row.met, Some(false), "0.2 MiB per trip: {}", row.ours);
        let mut leaking = staying(0.0);
        leaking["fds"] = json!((0..300).map(f64::from).collect::<Vec<_>>());
        assert_eq!(
            staying_row(&leaking).unwrap().met,
            Some(false),
            "a descriptor per trip"
        );
        let mut banner = staying(0.0);
        banner["banners"] = json!(1);
        assert_eq!(staying_row(&banner).unwrap().met, Some(false));
    }

    #[test]
    fn ratios_are_medians_against_the_minimal_app() {
        let rows = gui_rows(&sample(600.0, 40.0), &SIZES, "release").unwrap();
        assert_eq!(rows.len(), 4);
        // Medians: ours 650 ms, baseline 500 ms.
        assert_eq!(rows[0].ratio, "1.30×");
        assert_eq!(rows[0].met, Some(true));
        assert_eq!(rows[1].met, Some(true));
        assert_eq!(rows[2].ratio, "1.20× idle; 1.50× loaded");
        assert_eq!(rows[2].met, Some(true));
        assert!(rows[1].scenario.contains("100,000"));
    }

    #[test]
    fn a_slow_start_or_one_slow_key_misses_its_goal() {
        let rows = gui_rows(&sample(900.0, 40.0), &SIZES, "release").unwrap();
        assert_eq!(rows[0].ratio, "1.40×");
        let rows = gui_rows(&sample(800.0, 150.0), &SIZES, "release").unwrap();
        assert_eq!(rows[1].met, Some(false), "the slowest key decides");
    }

    #[test]
    fn a_result_without_measurements_is_an_error_not_a_row() {
        assert!(gui_rows(&json!({}), &SIZES, "release").is_err());
    }

    #[test]
    fn the_baseline_gets_the_workspace_profiles_only() {
        let profiles = workspace_profiles().unwrap();
        assert!(profiles.trim_start().starts_with("[profile."));
        assert!(profiles.contains("[profile.release]"));
        assert!(!profiles.contains("[workspace"));
    }
}
