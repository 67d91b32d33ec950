//! What a bench run is asked to do: its flags, and the sizes and repetitions they lead to.
//!
//! Why apart: the flags are the bench's interface (`cargo xtask bench --help`, and `--quick` as the
//! last step of `cargo xtask test`); reading them is pure, so it is tested without running anything.

/// `cargo xtask bench --help`.
pub(super) const USAGE: &str = "\
usage: cargo xtask bench [--quick] [--write] [--only SCENARIO] [--runs N]

  --quick        each scenario once at small size, with the debug binaries (part of `cargo xtask test`)
  --write        rewrite the generated part of docs/benchmarks.md (full runs of every scenario only)
  --only S       one scenario: bulk, big, list, single-flight, gui, gui-bulk, spend, size, sandbox (repeatable)
  --runs N       hyperfine runs per command (default: 5 for bulk, 3 for the loop and 1 GiB, 10 for list),
                 and cold starts per app (default 10)

Results: <target>/bench/results.json (quick: <target>/bench/quick/results.json).";

/// The scenarios, in the order of the table.
const SCENARIOS: [&str; 9] = [
    "bulk",
    "big",
    "list",
    "single-flight",
    "gui",
    "gui-bulk",
    "spend",
    "size",
    "sandbox",
];

/// Parsed flags.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Options {
    /// `--quick`: small sizes, one run, the debug binaries.
    pub(super) quick: bool,
    /// `--write`: rewrite docs/benchmarks.md.
    pub(super) write: bool,
    /// `--only`: the scenarios to run (all when empty).
    pub(super) only: Vec<String>,
    /// `--runs`: hyperfine runs per command and GUI cold starts, instead of each one's default.
    pub(super) runs: Option<u32>,
}

/// Sizes and repetitions of one mode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Sizes {
    /// Documents of the bulk download.
    pub(super) bulk_documents: u32,
    /// Each bulk document's size in bytes (also the file wrk fetches).
    pub(super) document_size: u64,
    /// The one big document's size in bytes.
    pub(super) big_document: u64,
    /// Documents of the list scenario (and of the long list wrk fetches).
    pub(super) list_documents: u32,
    /// Concurrent calls of the single-flight example.
    pub(super) single_flight_calls: u32,
    /// wrk's duration per endpoint.
    pub(super) wrk_seconds: u32,
    /// hyperfine runs of the bulk commands.
    pub(super) runs_bulk: u32,
    /// hyperfine runs of the sequential curl loop.
    pub(super) runs_loop: u32,
    /// hyperfine runs of the big download.
    pub(super) runs_big: u32,
    /// hyperfine runs of the list.
    pub(super) runs_list: u32,
}

/// A full run: the sizes the goals are about.
const FULL: Sizes = Sizes {
    bulk_documents: 1000,
    document_size: 200_000,
    big_document: 1 << 30,
    list_documents: 10_000,
    single_flight_calls: 200,
    wrk_seconds: 5,
    runs_bulk: 5,
    runs_loop: 3,
    runs_big: 3,
    runs_list: 10,
};

/// `--quick`: enough to run every line of the bench, in seconds.
const QUICK: Sizes = Sizes {
    bulk_documents: 50,
    document_size: 200_000,
    big_document: 8 << 20,
    list_documents: 500,
    single_flight_calls: 20,
    wrk_seconds: 1,
    runs_bulk: 1,
    runs_loop: 1,
    runs_big: 1,
    runs_list: 1,
};

impl Options {
    /// The sizes of this run: full or quick, with `--runs` replacing every hyperfine run count.
    pub(super) fn sizes(&self) -> Sizes {
        let mut sizes = if self.quick { QUICK } else { FULL };
        if let Some(runs) = self.runs {
            sizes.runs_bulk = runs;
            sizes.runs_loop = runs;
            sizes.runs_big = runs;
            sizes.runs_list = runs;
        }
        sizes
    }

    /// Whether `scenario` runs (every one does without `--only`).
    pub(super) fn wants(&self, scenario: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|s| s == scenario)
    }
}

/// Reads the flags; `None` when help was asked for (the caller prints [`USAGE`]).
pub(super) fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let mut options = Options::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--write" => options.write = true,
            "--only" => {
                let name = rest.next().ok_or("--only needs a scenario")?;
                if !SCENARIOS.contains(&name.as_str()) {
                    return Err(format!("unknown scenario \"{name}\"; one of {SCENARIOS:?}"));
                }
                options.only.push(name.clone());
            }
            "--runs" => {
                let n = rest.next().ok_or("--runs needs a number")?;
                let n: u32 = n
                    .parse()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or("--runs must be between 1 and 100")?;
                options.runs = Some(n);
            }
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown flag \"{other}\"\n\n{USAGE}")),
        }
    }
    if options.write && (options.quick || !options.only.is_empty() || options.runs.is_some()) {
        return Err("--write records a full run: use it without --quick, --only or --runs".into());
    }
    Ok(Some(options))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parsed(args: &[&str]) -> Result<Option<Options>, String> {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        parse(&args)
    }

    #[test]
    fn no_flag_is_a_full_run_of_every_scenario() {
        let options = parsed(&[]).unwrap().unwrap();
        assert_eq!(options, Options::default());
        assert!(SCENARIOS.iter().all(|s| options.wants(s)));
        assert_eq!(options.sizes(), FULL);
    }

    #[test]
    fn only_is_repeatable_and_checked() {
        let options = parsed(&["--only", "list", "--only", "gui"])
            .unwrap()
            .unwrap();
        assert_eq!(options.only, ["list", "gui"]);
        assert!(options.wants("gui") && !options.wants("bulk"));
        assert_eq!(
            parsed(&["--only", "foo"]).unwrap_err(),
            "unknown scenario \"foo\"; one of [\"bulk\", \"big\", \"list\", \"single-flight\", \"gui\", \"gui-bulk\", \"spend\", \"size\", \"sandbox\"]"
        );
        assert_eq!(parsed(&["--only"]).unwrap_err(), "--only needs a scenario");
    }

    #[test]
    fn runs_is_between_1_and_100_and_replaces_every_run_count() {
        let options = parsed(&["--quick", "--runs", "7"]).unwrap().unwrap();
        let sizes = options.sizes();
        assert_eq!(
            (
                sizes.runs_bulk,
                sizes.runs_loop,
                sizes.runs_big,
                sizes.runs_list
            ),
            (7, 7, 7, 7)
        );
        assert_eq!(sizes.bulk_documents, QUICK.bulk_documents);
        for bad in ["0", "101", "x"] {
            assert_eq!(
                parsed(&["--runs", bad]).unwrap_err(),
                "--runs must be between 1 and 100"
            );
        }
        assert_eq!(parsed(&["--runs"]).unwrap_err(), "--runs needs a number");
    }

    #[test]
    fn write_records_full_runs_only() {
        assert!(parsed(&["--write"]).unwrap().unwrap().write);
        for other in [
            &["--quick"][..],
            &["--only", "bulk"][..],
            &["--runs", "3"][..],
        ] {
            let mut args = vec!["--write"];
            args.extend(other);
            assert_eq!(
                parsed(&args).unwrap_err(),
                "--write records a full run: use it without --quick, --only or --runs"
            );
        }
    }

    #[test]
    fn help_stops_parsing_and_unknown_flags_show_the_usage() {
        assert_eq!(parsed(&["--help"]).unwrap(), None);
        assert_eq!(parsed(&["--quick", "-h", "--bogus"]).unwrap(), None);
        assert_eq!(
            parsed(&["--bogus"]).unwrap_err(),
            format!("unknown flag \"--bogus\"\n\n{USAGE}")
        );
    }
}
