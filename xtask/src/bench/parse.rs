//! Reading what the measuring tools print: hyperfine's JSON export, `/usr/bin/time -v`, wrk,
//! callgrind, the sandbox's answers as curl fetched them, and the single-flight example's JSON.
//!
//! Why apart from running them: these functions are pure (text in, numbers out), so each format is
//! tested on a sample without installing or running the tool.

use super::report::seconds;
use super::sandbox::Doc;
use serde_json::{json, Value};
use std::path::Path;

/// One command's times from hyperfine, in seconds.
#[derive(Debug, Clone)]
pub(super) struct Timing {
    /// The command's name in hyperfine (`--command-name`) and in results.json.
    pub(super) name: String,
    /// The shell command timed.
    pub(super) command: String,
    /// Median wall-clock time.
    pub(super) median: f64,
    /// Fastest run.
    pub(super) min: f64,
    /// Slowest run.
    pub(super) max: f64,
    /// Mean wall-clock time.
    pub(super) mean: f64,
    /// Mean CPU seconds in user and kernel mode (of the whole command, children included).
    pub(super) user: f64,
    /// See `user`.
    pub(super) system: f64,
    /// How many runs hyperfine made.
    pub(super) runs: usize,
}

impl Timing {
    /// "1.23 s (min 1.20 s, max 1.31 s, 5 runs)", or "… (1 run)": what a table cell shows.
    pub(super) fn text(&self) -> String {
        if self.runs > 1 {
            format!(
                "{} (min {}, max {}, {} runs)",
                seconds(self.median),
                seconds(self.min),
                seconds(self.max),
                self.runs
            )
        } else {
            format!("{} (1 run)", seconds(self.median))
        }
    }

    /// Every number, for results.json.
    pub(super) fn json(&self) -> Value {
        json!({
            "name": self.name, "command": self.command, "median_s": self.median, "min_s": self.min,
            "max_s": self.max, "mean_s": self.mean, "user_s": self.user, "system_s": self.system,
            "runs": self.runs,
        })
    }
}

/// The timing of `command` (named `name`) in hyperfine's `--export-json` file `export`, read as
/// `text`: its first result.
pub(super) fn hyperfine_timing(
    name: &str,
    command: &str,
    text: &str,
    export: &Path,
) -> Result<Timing, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let result = &value["results"][0];
    let number = |key: &str| {
        result[key]
            .as_f64()
            .ok_or(format!("no {key} in {}", export.display()))
    };
    Ok(Timing {
        name: name.into(),
        command: command.into(),
        median: number("median")?,
        min: number("min")?,
        max: number("max")?,
        mean: number("mean")?,
        user: number("user")?,
        system: number("system")?,
        runs: result["times"].as_array().map_or(0, Vec::len),
    })
}

/// Peak RSS in KiB from the report `/usr/bin/time -v` writes to stderr.
pub(super) fn peak_rss_kb(stderr: &str) -> Option<u64> {
    stderr.lines().find_map(|l| {
        l.trim()
            .strip_prefix("Maximum resident set size (kbytes):")
            .and_then(|v| v.trim().parse().ok())
    })
}

/// Requests per second and requests completed from wrk's report on `url`; an error when wrk got
/// answers other than 2xx or completed nothing.
pub(super) fn wrk_rate(text: &str, url: &str) -> Result<(f64, u64), String> {
    if text.contains("Non-2xx") {
        return Err(format!("wrk got errors from {url}:\n{text}"));
    }
    let field = |label: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(label).map(|v| v.trim().to_owned()))
    };
    let requests_per_s: f64 = field("Requests/sec:")
        .and_then(|v| v.parse().ok())
        .ok_or(format!("no Requests/sec in wrk's output:\n{text}"))?;
    let requests: u64 = text
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    if requests == 0 {
        return Err(format!("wrk completed no request on {url}:\n{text}"));
    }
    Ok((requests_per_s, requests))
}

/// Instructions executed (`I   refs:`) from callgrind's summary on stderr.
pub(super) fn callgrind_instructions(stderr: &str) -> Option<u64> {
    stderr.lines().find_map(|l| {
        let (_, refs) = l.split_once("I   refs:")?;
        refs.trim().replace(',', "").parse().ok()
    })
}

/// How many elements the JSON array `text` holds; `None` when it is not a JSON array.
pub(super) fn json_array_len(text: &str) -> Option<usize> {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v.as_array().map(Vec::len))
}

/// The access token of the sandbox's token answer.
pub(super) fn access_token(text: &str) -> Result<String, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("token answer not JSON: {e}"))?;
    value["access_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| "no access_token in the token answer".into())
}

/// The documents of the sandbox's list answer (a JSON array of documents).
pub(super) fn documents(text: &str) -> Result<Vec<Doc>, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("document list not JSON: {e}"))?;
    let array = value
        .as_array()
        .ok_or("the document list is not an array")?;
    array
        .iter()
        .map(|d| {
            Ok(Doc {
                id: d["id"].as_str().ok_or("a document without id")?.to_owned(),
                filename: d["filename"].as_str().unwrap_or_default().to_owned(),
                size: d["size"].as_u64(),
            })
        })
        .collect()
}

/// What the `token_single_flight` example printed.
pub(super) struct SingleFlight {
    /// The whole printed object (kept in results.json).
    pub(super) value: Value,
    /// (token requests, calls that succeeded) when the client's token expired.
    pub(super) client_expiry: (u64, u64),
    /// The same after the server forgot the token.
    pub(super) server_expiry: (u64, u64),
}

/// Reads the `token_single_flight` example's output.
pub(super) fn single_flight(printed: &str) -> Result<SingleFlight, String> {
    let value: Value = serde_json::from_str(printed.trim())
        .map_err(|e| format!("the single-flight example printed no JSON ({e}): {printed}"))?;
    let phase = |name: &str| -> Result<(u64, u64), String> {
        let p = &value[name];
        match (p["token_requests"].as_u64(), p["ok"].as_u64()) {
            (Some(tokens), Some(ok)) => Ok((tokens, ok)),
            _ => Err(format!("no {name} in the single-flight output: {printed}")),
        }
    };
    let client_expiry = phase("client_expiry")?;
    let server_expiry = phase("server_expiry")?;
    Ok(SingleFlight {
        value,
        client_expiry,
        server_expiry,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The shape of `hyperfine --export-json` (1.18), trimmed to one result of three runs.
    const HYPERFINE: &str = r#"{
      "results": [
        {
          "command": "bulk-ccs",
          "mean": 1.2100000000000002,
          "stddev": 0.05,
          "median": 1.2,
          "user": 0.81,
          "system": 0.42,
          "min": 1.15,
          "max": 1.28,
          "times": [1.15, 1.2, 1.28],
          "exit_codes": [0, 0, 0]
        }
      ]
    }"#;

    #[test]
    fn hyperfine_export_gives_every_number_and_the_runs() {
        let timing = hyperfine_timing(
            "bulk-ccs",
            "ccs download --all",
            HYPERFINE,
            Path::new("x.json"),
        )
        .unwrap();
        assert_eq!(timing.median, 1.2);
        assert_eq!((timing.min, timing.max), (1.15, 1.28));
        assert_eq!((timing.user, timing.system), (0.81, 0.42));
        assert_eq!(timing.runs, 3);
        assert_eq!(timing.text(), "1.20 s (min 1.15 s, max 1.28 s, 3 runs)");
        assert_eq!(timing.json()["median_s"], 1.2);
        assert_eq!(timing.json()["command"], "ccs download --all");
    }

    #[test]
    fn one_run_is_said_once_and_short_times_in_milliseconds() {
        let one = HYPERFINE.replace("[1.15, 1.2, 1.28]", "[0.0174]");
        let one = one.replace("\"median\": 1.2,", "\"median\": 0.0174,");
        let timing = hyperfine_timing("x", "x", &one, Path::new("x.json")).unwrap();
        assert_eq!(timing.text(), "17.4 ms (1 run)");
    }

    #[test]
    fn a_hyperfine_export_without_a_number_names_it_and_the_file() {
        let broken = HYPERFINE.replace("\"user\": 0.81,", "");
        let error = hyperfine_timing("x", "x", &broken, Path::new("out/x.json")).unwrap_err();
        assert_eq!(error, "no user in out/x.json");
        assert!(hyperfine_timing("x", "x", "not json", Path::new("x")).is_err());
    }

    #[test]
    fn peak_rss_comes_from_the_time_report() {
        let stderr = "\tCommand being timed: \"ccs --version\"\n\
                      \tUser time (seconds): 0.00\n\
                      \tMaximum resident set size (kbytes): 8976\n\
                      \tAverage resident set size (kbytes): 0\n";
        assert_eq!(peak_rss_kb(stderr), Some(8976));
        assert_eq!(peak_rss_kb("Command exited with non-zero status 1\n"), None);
    }

    const WRK: &str = "Running 5s test @ http://127.0.0.1:4000/cloud/b2b/v1/documents\n\
          1 threads and 2 connections\n\
          Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
            Latency   420.00us  100.00us   2.00ms   90.00%\n\
          21000 requests in 5.00s, 30.00MB read\n\
        Requests/sec:   4200.50\n\
        Transfer/sec:      6.00MB\n";

    #[test]
    fn wrk_gives_its_rate_and_count() {
        assert_eq!(wrk_rate(WRK, "u").unwrap(), (4200.5, 21000));
    }

    #[test]
    fn wrk_errors_and_empty_runs_fail() {
        let errors = WRK.replace("Transfer", "  Non-2xx or 3xx responses: 12\nTransfer");
        assert!(wrk_rate(&errors, "u")
            .unwrap_err()
            .starts_with("wrk got errors from u"));
        let none = WRK.replace("21000 requests", "0 requests");
        assert!(wrk_rate(&none, "u")
            .unwrap_err()
            .starts_with("wrk completed no request on u"));
        assert!(wrk_rate("garbage", "u")
            .unwrap_err()
            .starts_with("no Requests/sec"));
    }

    #[test]
    fn callgrind_counts_instructions_without_separators() {
        let stderr = "==12== Callgrind, a call-graph generating cache profiler\n\
                      ==12== Events    : Ir\n==12== Collected : 12345678\n==12== \n\
                      ==12== I   refs:      12,345,678\n";
        assert_eq!(callgrind_instructions(stderr), Some(12_345_678));
        assert_eq!(callgrind_instructions("valgrind: not found"), None);
    }

    #[test]
    fn lists_and_tokens_as_the_sandbox_answers_them() {
        assert_eq!(json_array_len("[{}, {}, {}]"), Some(3));
        assert_eq!(json_array_len("{\"documents\": []}"), None);
        assert_eq!(
            access_token(r#"{"access_token":"abc","expires_in":3600}"#).unwrap(),
            "abc"
        );
        assert!(access_token("{}").is_err());
        let docs =
            documents(r#"[{"id":"a1","filename":"Invoice.pdf","size":4096},{"id":"b2"}]"#).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(
            (docs[0].id.as_str(), docs[0].filename.as_str(), docs[0].size),
            ("a1", "Invoice.pdf", Some(4096))
        );
        assert_eq!((docs[1].filename.as_str(), docs[1].size), ("", None));
        assert_eq!(
            documents(r#"[{"filename":"x"}]"#).unwrap_err(),
            "a document without id"
        );
        assert_eq!(
            documents("{}").unwrap_err(),
            "the document list is not an array"
        );
    }

    #[test]
    fn single_flight_reads_both_phases() {
        let printed = r#"{"client_expiry":{"token_requests":1,"ok":200},"server_expiry":{"token_requests":2,"ok":199}}"#;
        let read = single_flight(&format!("{printed}\n")).unwrap();
        assert_eq!(read.client_expiry, (1, 200));
        assert_eq!(read.server_expiry, (2, 199));
        assert_eq!(read.value["client_expiry"]["ok"], 200);
        let missing = single_flight(r#"{"client_expiry":{"token_requests":1,"ok":200}}"#);
        assert!(missing
            .err()
            .unwrap()
            .starts_with("no server_expiry in the single-flight output"));
    }
}
