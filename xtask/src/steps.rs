//! The steps of `cargo xtask test`, and the small commands around them.
//!
//! Why: CI calls `cargo xtask test` and nothing else, so this is the single list of what "green"
//! means. Every step uses the same profile and feature set, so heavy dependencies compile once.

use crate::setup::{self, run_checked};
use std::time::Instant;

/// Runs every check in order, stopping at the first failure, then prints a summary.
pub fn test() -> Result<(), String> {
    setup::run()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let steps: &[(&str, &[&str])] = &[
        ("format", &["fmt", "--all", "--check"]),
        (
            "clippy",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
        ),
        ("rust tests", &["test", "--workspace", "--locked"]),
    ];
    let mut done = Vec::new();
    for (name, args) in steps {
        println!("\n=== xtask test: {name} (cargo {}) ===", args.join(" "));
        let started = Instant::now();
        run_checked(&cargo, args).map_err(|e| format!("step \"{name}\" failed: {e}"))?;
        done.push(format!("{name}: ok in {:.0?}", started.elapsed()));
    }
    println!("\n=== xtask test: all steps passed ===");
    for line in done {
        println!("  {line}");
    }
    Ok(())
}

/// `cargo xtask sandbox [flags]`: runs the simulator binary with the given flags.
pub fn sandbox(args: &[String]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut full = vec!["run", "--quiet", "--package", "ccs-sandbox", "--"];
    full.extend(args.iter().map(String::as_str));
    run_checked(&cargo, &full)
}
