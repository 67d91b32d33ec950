//! `cargo xtask bench`: Customer Space measured against curl on the same sandbox, in the same run.
//!
//! Why: absolute times on a shared 2-core machine are noise; ratios measured side by side are not.
//! Every scenario starts its own `ccs-sandbox` on 127.0.0.1, times `ccs` and the raw protocol (curl)
//! with hyperfine, checks that what was saved is complete, and reports median, min and max.
//! `--quick` runs each scenario once at small size with the debug binaries that `cargo xtask test`
//! built, so the bench code keeps working; it fails only when the bench breaks, never on a goal.
//!
//! Writes only under the target folder (`<target>/bench`), except `docs/benchmarks.md` with `--write`.
//!
//! One job per module: `options` (flags and sizes), `scenarios` (the command line's rows),
//! `gui_rows` (the app's rows), `gui_bulk` (the app's bulk save against `ccs`), `sandbox_speed` (the sandbox's own row), `spend` (the spend engine against DuckDB), `sandbox` (the simulator
//! process), `programs` (our binaries and the measuring tools, run with a time limit), `parse` (what
//! those tools print), `files` (what a scenario writes and checks), `report` (results.json, the table,
//! docs/benchmarks.md), `machine` (what the results come from).

mod files;
mod gui_bulk;
mod gui_rows;
mod machine;
mod options;
mod parse;
mod programs;
mod report;
mod sandbox;
mod sandbox_speed;
mod scenarios;
mod spend;

use options::{Options, Sizes};
use programs::Binaries;
use report::Row;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

/// `cargo xtask bench [flags]`.
pub fn run(args: &[String]) -> Result<(), String> {
    match options::parse(args)? {
        Some(options) => Bench::new(options)?.run(),
        None => {
            println!("{}", options::USAGE);
            Ok(())
        }
    }
}

/// `cargo xtask bench --quick`, the last step of `cargo xtask test`.
pub fn quick() -> Result<(), String> {
    run(&["--quick".to_owned()])
}

/// The state of one bench run.
struct Bench {
    options: Options,
    sizes: Sizes,
    bins: Binaries,
    /// `<target>/bench` or `<target>/bench/quick`.
    dir: PathBuf,
    target: PathBuf,
    rows: Vec<Row>,
    /// Numbers one scenario leaves for another (the sandbox row reads what the others needed).
    facts: BTreeMap<&'static str, f64>,
}

impl Bench {
    /// Checks the tools and finds (or builds) the binaries.
    fn new(options: Options) -> Result<Self, String> {
        let target = crate::target_dir();
        let sizes = options.sizes();
        let dir = if options.quick {
            target.join("bench").join("quick")
        } else {
            target.join("bench")
        };
        programs::check_tools()?;
        let bins = programs::binaries(&target, options.quick)?;
        Ok(Self {
            options,
            sizes,
            bins,
            dir,
            target,
            rows: Vec::new(),
            facts: BTreeMap::new(),
        })
    }

    /// Runs the scenarios asked for, in the table's order, then reports.
    fn run(mut self) -> Result<(), String> {
        let started = Instant::now();
        let work = self.dir.join("work");
        if work.exists() {
            std::fs::remove_dir_all(&work)
                .map_err(|e| format!("could not clear {}: {e}", work.display()))?;
        }
        for sub in ["work", "hyperfine", "logs", "home"] {
            let path = self.dir.join(sub);
            std::fs::create_dir_all(&path)
                .map_err(|e| format!("could not create {}: {e}", path.display()))?;
        }
        println!(
            "xtask bench: {} mode, {} binaries, results in {}",
            if self.options.quick { "quick" } else { "full" },
            self.bins.profile,
            self.dir.display()
        );
        if self.options.wants("bulk") {
            self.bulk()?;
        }
        if self.options.wants("big") {
            self.big()?;
        }
        if self.options.wants("list") {
            self.list()?;
        }
        if self.options.wants("single-flight") {
            self.single_flight()?;
        }
        if self.options.wants("gui") {
            self.gui()?;
        }
        if self.options.wants("gui-bulk") {
            self.gui_bulk()?;
        }
        if self.options.wants("spend") {
            self.spend()?;
        }
        if self.options.wants("size") {
            self.size()?;
        }
        if self.options.wants("sandbox") {
            self.sandbox_rows()?;
        }
        // Nothing but the results is kept: the work folder holds copies of 1 GiB documents.
        let _ = std::fs::remove_dir_all(self.dir.join("work"));
        self.report(started)
    }
}
