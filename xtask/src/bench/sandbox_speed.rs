//! The sandbox's own row: how many requests per second it serves (wrk), and whether it limited any
//! row measured before it in the same run.
//!
//! Why a row of its own: a ratio against curl means something only if neither side waited for the
//! simulator. The other scenarios leave their numbers in `Bench::facts`; [`bottlenecks`] compares
//! them with what the sandbox serves alone, and is pure so that its verdicts are tested.

use super::programs::wrk;
use super::report::{seconds, thousands, Row};
use super::sandbox::Sandbox;
use super::Bench;
use serde_json::json;
use std::collections::BTreeMap;

impl Bench {
    /// The sandbox's own speed with wrk, and whether it limited the rows above.
    pub(super) fn sandbox_rows(&mut self) -> Result<(), String> {
        let seconds = self.sizes.wrk_seconds;
        println!("\n=== bench: sandbox requests/s (wrk, {seconds} s per endpoint) ===");
        let big_list = self.sizes.list_documents;
        let sandbox = Sandbox::start(
            &self.bins.sandbox,
            &[
                "--documents",
                &big_list.to_string(),
                "--document-size",
                &self.sizes.document_size.to_string(),
            ],
            &self.dir.join("logs/sandbox-wrk.log"),
        )?;
        let token = sandbox.token()?;
        let one = sandbox.list(&token, 1)?;
        let first = one.first().ok_or("the sandbox listed no document")?;
        let small_list = format!("{}/documents?documentType=&limit=10", sandbox.api());
        let full_list = format!("{}/documents?documentType=&limit={big_list}", sandbox.api());
        let file = sandbox.file_url(&first.id);
        let list_rate = wrk(&sandbox, &token, &small_list, 2, seconds)?;
        let big_list_rate = wrk(&sandbox, &token, &full_list, 1, seconds)?;
        let file_rate = wrk(&sandbox, &token, &file, 2, seconds)?;
        drop(sandbox);

        let (verdict, met) = bottlenecks(
            &self.facts,
            file_rate.requests_per_s,
            big_list_rate.requests_per_s,
            big_list,
        );
        self.rows.push(Row {
            id: "sandbox",
            scenario: "sandbox".into(),
            ours: format!(
                "documents list (limit 10): {:.0} requests/s; list of {}: {:.1} requests/s; one {} KB file: {:.0} requests/s ({:.0} MB/s)",
                list_rate.requests_per_s,
                thousands(big_list),
                big_list_rate.requests_per_s,
                self.sizes.document_size / 1000,
                file_rate.requests_per_s,
                file_rate.requests_per_s * self.sizes.document_size as f64 / 1e6
            ),
            baseline: "—".into(),
            ratio: "—".into(),
            goal: "high enough that it is never the bottleneck above".into(),
            met,
            notes: vec![
                verdict,
                format!("wrk -t1, {seconds} s per endpoint, 2 connections (1 for the long list), on the same 2 cores as the sandbox"),
            ],
            data: json!({
                "list_10": list_rate.json(), "list_all": big_list_rate.json(), "file": file_rate.json(),
                "bulk_files_per_s": self.facts.get("bulk_files_per_s"), "list_s": self.facts.get("list_s"),
            }),
        });
        Ok(())
    }
}

/// The sandbox row's verdict and goal: for each row measured before (its numbers in `facts`),
/// whether the sandbox alone took more than half of ccs's time. `None` when no such row ran.
/// `file_per_s` and `big_list_per_s` are wrk's rates on one file and on the `big_list`-document list.
fn bottlenecks(
    facts: &BTreeMap<&'static str, f64>,
    file_per_s: f64,
    big_list_per_s: f64,
    big_list: u32,
) -> (String, Option<bool>) {
    // (what was compared, whether the sandbox took more than half of ours' time)
    let mut verdicts: Vec<(String, bool)> = Vec::new();
    if let Some(files_per_s) = facts.get("bulk_files_per_s") {
        let share = files_per_s / file_per_s;
        verdicts.push((
            format!(
                "bulk: ccs drew {files_per_s:.0} files/s, {:.0}% of the {:.0} files/s the sandbox serves",
                share * 100.0,
                file_per_s
            ),
            share > 0.5,
        ));
    }
    if let (Some(big_s), Some(stream_s), Some(bytes)) = (
        facts.get("big_s"),
        facts.get("big_stream_s"),
        facts.get("big_bytes"),
    ) {
        let share = stream_s / big_s;
        verdicts.push((format!(
            "one big document: the sandbox alone streams it in {} ({:.0} MB/s, `curl -o /dev/null`), {:.0}% of ccs's {} ({:.0} MB/s)",
            seconds(*stream_s),
            bytes / stream_s / 1e6,
            share * 100.0,
            seconds(*big_s),
            bytes / big_s / 1e6
        ), share > 0.5));
    }
    if let Some(list_s) = facts.get("list_s") {
        let serve_s = 1.0 / big_list_per_s;
        let share = serve_s / list_s;
        verdicts.push((
            format!(
                "list: the sandbox answers the {}-document list in {} of ccs's {} ({:.0}%)",
                thousands(big_list),
                seconds(serve_s),
                seconds(*list_s),
                share * 100.0
            ),
            share > 0.5,
        ));
    }
    let limiting = verdicts.iter().any(|(_, l)| *l);
    let join = |want: bool| {
        verdicts
            .iter()
            .filter(|(_, l)| *l == want)
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let verdict = if verdicts.is_empty() {
        "(run with the other rows to compare)".to_owned()
    } else if limiting {
        let others = join(false);
        format!(
            "the sandbox IS the bottleneck of: {}{}",
            join(true),
            if others.is_empty() {
                String::new()
            } else {
                format!(". It is not of: {others}")
            }
        )
    } else {
        format!("never the bottleneck above: {}", join(false))
    };
    (verdict, (!verdicts.is_empty()).then_some(!limiting))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alone_the_sandbox_row_has_no_verdict() {
        let (verdict, met) = bottlenecks(&BTreeMap::new(), 1000.0, 5.0, 10_000);
        assert_eq!(verdict, "(run with the other rows to compare)");
        assert_eq!(met, None);
    }

    #[test]
    fn a_sandbox_twice_as_fast_as_ccs_is_never_the_bottleneck() {
        let facts = BTreeMap::from([("bulk_files_per_s", 400.0), ("list_s", 0.5)]);
        // 400 files/s drawn of 1000 served; the list served in 0.1 s of ccs's 0.5 s.
        let (verdict, met) = bottlenecks(&facts, 1000.0, 10.0, 10_000);
        assert_eq!(
            verdict,
            "never the bottleneck above: bulk: ccs drew 400 files/s, 40% of the 1000 files/s the sandbox serves; \
             list: the sandbox answers the 10,000-document list in 100.0 ms of ccs's 500.0 ms (20%)"
        );
        assert_eq!(met, Some(true));
    }

    #[test]
    fn a_row_that_waited_for_the_sandbox_misses_the_goal_and_is_named() {
        let facts = BTreeMap::from([
            ("big_s", 2.0),
            ("big_stream_s", 1.5),
            ("big_bytes", 1e9),
            ("list_s", 0.5),
        ]);
        let (verdict, met) = bottlenecks(&facts, 1000.0, 10.0, 10_000);
        assert_eq!(
            verdict,
            "the sandbox IS the bottleneck of: one big document: the sandbox alone streams it in 1.50 s \
             (667 MB/s, `curl -o /dev/null`), 75% of ccs's 2.00 s (500 MB/s). It is not of: list: the \
             sandbox answers the 10,000-document list in 100.0 ms of ccs's 500.0 ms (20%)"
        );
        assert_eq!(met, Some(false));
    }
}
