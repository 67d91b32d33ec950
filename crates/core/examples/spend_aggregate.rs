//! Aggregates consumption reports by month and service and prints the time taken and the sums: the
//! Rust side of the spend benchmark (compared with DuckDB on the same files).
//!
//! ```sh
//! cargo run --release -p ccs-core --example spend_aggregate -- [--threads 2] [--all] FILE...
//! ```
//!
//! Each file's month is the first `YYYYMM` in its name (`…_202610.csv`), else the files are given
//! consecutive months from 2026-01 in argument order. `--all` keeps every dimension (what the app
//! caches) instead of month × service. Prints one line per month × currency × service
//! (`month;currency;service;amount;discountedAmount;rows`), then the time, the throughput and the
//! peak resident memory (Linux); with `--all`, also how long a few questions to the cube take.

use ccs_api::{period_year_month, YearMonth};
use ccs_core::spend::{
    aggregate_files, AggregateOptions, Dimension, Dimensions, Filter, ReportInput,
};
use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

type Failure = Box<dyn Error + Send + Sync>;

fn main() -> Result<(), Failure> {
    let mut threads = 2usize;
    let mut dimensions = Dimensions::SERVICE;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--threads" => threads = args.next().ok_or("--threads needs a number")?.parse()?,
            "--all" => dimensions = Dimensions::ALL,
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    if paths.is_empty() {
        return Err("usage: spend_aggregate [--threads N] [--all] FILE...".into());
    }
    let inputs = paths
        .into_iter()
        .enumerate()
        .map(|(index, path)| {
            let month = month_in_name(&path).or_else(|| {
                let index = u32::try_from(index).ok()?;
                YearMonth::from_number(202601 + (index / 12) * 100 + index % 12)
            });
            Ok(ReportInput {
                month: month.ok_or("too many files")?,
                path,
                partial: false,
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let options = AggregateOptions {
        dimensions,
        ..AggregateOptions::default()
    };
    let started = Instant::now();
    let aggregate = aggregate_files(&inputs, &options, threads)?;
    let grouped = aggregate
        .cube
        .group(&Dimension::Service, &Filter::default())?;
    let elapsed = started.elapsed();
    let decimals = grouped.decimals;
    println!("month;currency;service;amount;discountedAmount;rows");
    for row in &grouped.rows {
        println!(
            "{};{};{};{};{};{}",
            row.month,
            row.currency,
            row.key,
            row.sums.amount.to_string_with(decimals.amount),
            row.sums
                .discounted_amount
                .to_string_with(decimals.discounted_amount),
            row.sums.rows
        );
    }
    if dimensions == Dimensions::ALL {
        // How long questions to the cube take (the Spend screen's filters and dimension switches).
        let filter = Filter {
            projects: vec!["eu-west-0_prod".into(), "eu-west-0_dev".into()],
            tags: vec!["env=prod".parse()?],
            ..Filter::default()
        };
        for (by, filter) in [
            ("service", Filter::default()),
            ("tag:env", filter.clone()),
            ("resource", filter),
        ] {
            let started = Instant::now();
            let grouped = aggregate.cube.group(&by.parse()?, &filter)?;
            eprintln!(
                "query by {by}: {} rows in {:.2} ms",
                grouped.rows.len(),
                started.elapsed().as_secs_f64() * 1e3
            );
        }
    }
    let bytes: u64 = aggregate.files.iter().map(|f| f.bytes).sum();
    let rows: u64 = aggregate.files.iter().map(|f| f.rows).sum();
    let bad: u64 = aggregate.files.iter().map(|f| f.bad_rows).sum();
    eprintln!(
        "{} files, {rows} rows ({bad} bad), {:.1} MB in {:.3} s ({:.0} MB/s) with {threads} threads; {} cells; peak RSS {}",
        aggregate.files.len(),
        bytes as f64 / 1e6,
        elapsed.as_secs_f64(),
        bytes as f64 / 1e6 / elapsed.as_secs_f64(),
        aggregate.cube.cell_count(),
        peak_rss().unwrap_or_else(|| "unknown".into()),
    );
    Ok(())
}

/// The first `YYYYMM` in the file's name.
fn month_in_name(path: &std::path::Path) -> Option<YearMonth> {
    let name = path.file_name()?.to_str()?;
    let bytes = name.as_bytes();
    (0..bytes.len().saturating_sub(5)).find_map(|at| {
        let window = name.get(at..at + 6)?;
        let before_is_digit = at > 0 && bytes[at - 1].is_ascii_digit();
        if before_is_digit || !window.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        period_year_month(window).filter(|month| month.year() >= 2000)
    })
}

/// `VmHWM` of `/proc/self/status`.
fn peak_rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .map(|value| value.trim().to_owned())
}
