//! The spend row: aggregating 12 monthly consumption reports by month and service, cold (no cached
//! aggregates; files in the page cache), against DuckDB on the same files in the same run.
//!
//! Why DuckDB: it is the best engine we know for "sum a CSV by key", so half its time is a demanding
//! goal. It runs from the `duckdb` package of PyPI in a virtual environment under the target folder
//! (`python3-venv` is installed by `cargo xtask setup`), 2 threads like ours. `--quick` skips it and
//! only checks that our side runs and adds up.
//!
//! The reports are the sandbox's own (`--big-document`: its rows, repeated past the first MiB), one
//! download copied to twelve months; both sides take each file's month from its name.

use super::programs::{output_of, peak_rss_kb, sq};
use super::report::{ratio_text, Row};
use super::sandbox::Sandbox;
use super::Bench;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Ours within half DuckDB's time.
const SPEED_GOAL: f64 = 0.5;
/// Peak RSS of ours.
const RSS_GOAL_KB: u64 = 64 * 1024;
/// Months (files).
const MONTHS: u32 = 12;

/// The DuckDB side: the same question, the same output lines as the example prints.
const DUCKDB_SCRIPT: &str = r#"import duckdb, sys
files = sys.argv[1:]
con = duckdb.connect()
con.execute("SET threads=2")
names = "BillingMode;BeginDate;EndDate;ServiceID;TenantLabel;Country;Region;ServiceCloud;CodeLabel;ChargeLabel;IdResource;Project;Tags;Quantity;BillingUnit;UnitPrice;Amount;VolumeDiscount;DiscountedAmount;Currency;SubsChargeType;SubsBeginDate;SubsEndDate;SubsUpfront;SubsUpfrontDiscounted;SubsFlavor;SubsDuration".split(";")
columns = {name: "VARCHAR" for name in names}
columns["Amount"] = "DECIMAL(18,4)"
columns["DiscountedAmount"] = "DECIMAL(18,4)"
rows = con.execute(
    "SELECT regexp_extract(filename, '(\\d{4})(\\d{2})[^/]*$', 1) || '-' || regexp_extract(filename, '(\\d{4})(\\d{2})[^/]*$', 2) AS month, "
    "Currency, ServiceCloud, sum(Amount), sum(DiscountedAmount), count(*) "
    "FROM read_csv(?, delim=';', decimal_separator=',', header=true, columns=?, filename=true) "
    "GROUP BY ALL ORDER BY ALL",
    [files, columns],
).fetchall()
print("month;currency;service;amount;discountedAmount;rows")
for month, currency, service, amount, discounted, count in rows:
    print(f"{month};{currency};{service};{amount};{discounted};{count}")
"#;

/// (month, currency, service) → (amount, discounted amount, rows), decimals normalised.
type Answer = BTreeMap<(String, String, String), (String, String, String)>;

/// A decimal text without trailing zeros after its point (`12.3400` → `12.34`, `5.000` → `5`).
fn normalised(decimal: &str) -> String {
    match decimal.split_once('.') {
        Some((whole, fraction)) => {
            let fraction = fraction.trim_end_matches('0');
            if fraction.is_empty() {
                whole.to_owned()
            } else {
                format!("{whole}.{fraction}")
            }
        }
        None => decimal.to_owned(),
    }
}

/// The lines `month;currency;service;amount;discountedAmount;rows` after their header.
fn answer(text: &str) -> Answer {
    text.lines()
        .skip_while(|line| !line.starts_with("month;"))
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(';').collect();
            let [month, currency, service, amount, discounted, rows] = fields[..] else {
                return None;
            };
            Some((
                (month.to_owned(), currency.to_owned(), service.to_owned()),
                (normalised(amount), normalised(discounted), rows.to_owned()),
            ))
        })
        .collect()
}

impl Bench {
    /// The spend row.
    pub(super) fn spend(&mut self) -> Result<(), String> {
        let quick = self.options.quick;
        let size: u64 = if quick { 2_000_000 } else { 100_000_000 };
        println!(
            "\n=== bench: spend, {MONTHS} reports of {} MB ===",
            size / 1_000_000
        );
        let work = self.dir.join("work").join("spend");
        let files = self.spend_reports(&work, size)?;
        let example = self.bins.spend_aggregate.clone();
        let file_args: Vec<String> = files.iter().map(sq).collect();
        let ours_cmd = format!(
            "{} --threads 2 {} > /dev/null 2>&1",
            sq(&example),
            file_args.join(" ")
        );
        let runs = self.options.runs.unwrap_or(if quick { 1 } else { 5 });
        let scratch = work.join("scratch");
        let ours = self.hyperfine("spend-ours", &ours_cmd, &scratch, runs, &[])?;
        let mut args: Vec<&std::ffi::OsStr> =
            vec![example.as_os_str(), "--threads".as_ref(), "2".as_ref()];
        args.extend(files.iter().map(|f| f.as_os_str()));
        let rss_kb = peak_rss_kb(&args, &[])?;
        let mut cmd = Command::new(&example);
        cmd.args(["--threads", "2"]).args(&files);
        let our_answer = answer(&output_of(&mut cmd, &[], Duration::from_secs(600))?);
        if our_answer.is_empty() {
            return Err("the spend example printed no sums".into());
        }
        let duck = if quick {
            None
        } else {
            let python = duckdb_python(&self.target)?;
            let script = work.join("duck.py");
            std::fs::write(&script, DUCKDB_SCRIPT)
                .map_err(|e| format!("could not write {}: {e}", script.display()))?;
            let duck_cmd = format!(
                "{} {} {} > /dev/null",
                sq(&python),
                sq(&script),
                file_args.join(" ")
            );
            let timing = self.hyperfine("spend-duckdb", &duck_cmd, &scratch, runs, &[])?;
            let mut cmd = Command::new(&python);
            cmd.arg(&script).args(&files);
            let duck_answer = answer(&output_of(&mut cmd, &[], Duration::from_secs(600))?);
            Some((timing, duck_answer == our_answer, duck_answer.len()))
        };
        let (baseline, ratio, equal) = match &duck {
            Some((timing, equal, _)) => (
                format!(
                    "DuckDB `read_csv` (DECIMAL(18,4)), GROUP BY month, service, 2 threads: {}",
                    timing.text()
                ),
                Some(ours.median / timing.median),
                Some(*equal),
            ),
            None => ("— (`--quick` skips DuckDB)".to_owned(), None, None),
        };
        let met = match (ratio, equal) {
            (Some(ratio), Some(equal)) => {
                Some(ratio <= SPEED_GOAL && rss_kb <= RSS_GOAL_KB && equal)
            }
            _ => None,
        };
        self.rows.push(Row {
            id: "spend",
            scenario: format!("spend: {MONTHS} reports of {} MB by month and service, cold", size / 1_000_000),
            ours: format!(
                "`spend_aggregate --threads 2`: {}; peak RSS {:.1} MiB",
                ours.text(),
                rss_kb as f64 / 1024.0
            ),
            baseline,
            ratio: ratio.map_or_else(|| "—".to_owned(), ratio_text),
            goal: format!("≤ {SPEED_GOAL}× DuckDB; peak RSS ≤ 64 MiB; equal answers"),
            met,
            notes: vec![format!(
                "the files: the sandbox's `--big-document {size}` report (its rows, repeated past its first MiB) copied to {MONTHS} months, in the page cache; ours is core's engine (`crates/core/examples/spend_aggregate.rs`: files read in parallel, fields split with memchr, amounts as fixed-point integers, month × service kept), nothing cached; both answers compared line by line (month, currency, service, sums, row count): {}",
                match equal {
                    Some(true) => "equal".to_owned(),
                    Some(false) => "DIFFERENT".to_owned(),
                    None => "DuckDB not run".to_owned(),
                }
            )],
            data: json!({
                "size": size, "files": MONTHS, "ours": ours.json(), "peak_rss_kb": rss_kb,
                "duckdb": duck.as_ref().map(|(t, _, _)| t.json()), "ratio": ratio, "answers_equal": equal,
                "groups": our_answer.len(),
            }),
        });
        Ok(())
    }

    /// Twelve reports of `size` bytes: the sandbox's big document, downloaded once and copied.
    fn spend_reports(&self, work: &Path, size: u64) -> Result<Vec<PathBuf>, String> {
        std::fs::create_dir_all(work)
            .map_err(|e| format!("could not create {}: {e}", work.display()))?;
        let sandbox = Sandbox::start(
            &self.bins.sandbox,
            &["--big-document", &size.to_string()],
            &self.dir.join("logs").join("sandbox-spend.log"),
        )?;
        let token = sandbox.token()?;
        let big = sandbox
            .list(&token, 1000)?
            .into_iter()
            .find(|d| d.size == Some(size))
            .ok_or("the sandbox listed no document of the big document's size")?;
        let headers = sandbox.headers_file(&token, work)?;
        let source = work.join("source.csv");
        let status = Command::new("curl")
            .args(["-sS", "--fail", "-H"])
            .arg(format!("@{}", headers.display()))
            .arg("-o")
            .arg(&source)
            .arg(sandbox.file_url(&big.id))
            .status()
            .map_err(|e| format!("could not run curl: {e}"))?;
        if !status.success() {
            return Err(format!(
                "curl could not download the big document ({status})"
            ));
        }
        drop(sandbox);
        (1..=MONTHS)
            .map(|month| {
                let file = work.join(format!("ConsumptionRatedReport_2026{month:02}.csv"));
                std::fs::copy(&source, &file)
                    .map_err(|e| format!("could not write {}: {e}", file.display()))?;
                Ok(file)
            })
            .collect()
    }
}

/// The Python of a virtual environment with `duckdb`, made under the target folder when missing.
fn duckdb_python(target: &Path) -> Result<PathBuf, String> {
    let venv = target.join("bench").join("duckdb-venv");
    let python = venv.join("bin").join("python");
    let has_duckdb = |python: &Path| {
        Command::new(python)
            .args(["-c", "import duckdb"])
            .status()
            .is_ok_and(|s| s.success())
    };
    if python.is_file() && has_duckdb(&python) {
        return Ok(python);
    }
    println!(
        "xtask bench: making {} with duckdb from PyPI",
        venv.display()
    );
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .map_err(|e| format!("could not run python3 -m venv: {e}"))?;
    if !made.success() {
        return Err("python3 -m venv failed (`cargo xtask setup` installs python3-venv)".into());
    }
    let pip = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "duckdb"])
        .status()
        .map_err(|e| format!("could not run pip: {e}"))?;
    if pip.success() && has_duckdb(&python) {
        Ok(python)
    } else {
        Err("pip could not install duckdb into the bench's virtual environment".into())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn answers_compare_as_decimals_not_texts() {
        let ours = "month;currency;service;amount;discountedAmount;rows\n2026-01;EUR;ECS;12.3400;12.0000;3\n";
        let duck =
            "month;currency;service;amount;discountedAmount;rows\n2026-01;EUR;ECS;12.34;12;3\n";
        assert_eq!(answer(ours), answer(duck));
        let other =
            "month;currency;service;amount;discountedAmount;rows\n2026-01;EUR;ECS;12.35;12;3\n";
        assert_ne!(answer(ours), answer(other));
        assert!(answer("noise\n").is_empty());
    }
}
