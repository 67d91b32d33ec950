//! `cargo xtask bench`: Customer Space measured against curl on the same sandbox, in the same run.
//!
//! Why: absolute times on a shared 2-core machine are noise; ratios measured side by side are not.
//! Every scenario starts its own `ccs-sandbox` on 127.0.0.1, times `ccs` and the raw protocol (curl)
//! with hyperfine, checks that what was saved is complete, and reports median, min and max.
//! `--quick` runs each scenario once at small size with the debug binaries that `cargo xtask test`
//! built, so the bench code keeps working; it fails only when the bench breaks, never on a goal.
//!
//! Writes only under the target folder (`<target>/bench`), except `docs/benchmarks.md` with `--write`.

mod gui_rows;

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: cargo xtask bench [--quick] [--write] [--only SCENARIO] [--runs N]

  --quick        each scenario once at small size, with the debug binaries (part of `cargo xtask test`)
  --write        rewrite the generated part of docs/benchmarks.md (full runs of every scenario only)
  --only S       one scenario: bulk, big, list, single-flight, gui, size, sandbox (repeatable)
  --runs N       hyperfine runs per command (default: 5 for bulk, 3 for the loop and 1 GiB, 10 for list),
                 and cold starts per app (default 10)

Results: <target>/bench/results.json (quick: <target>/bench/quick/results.json).";

/// The scenarios, in the order of the table.
const SCENARIOS: [&str; 7] = [
    "bulk",
    "big",
    "list",
    "single-flight",
    "gui",
    "size",
    "sandbox",
];

/// Debian packages the bench runs (installed by `cargo xtask setup`).
const APT_PACKAGES: &[&str] = &["hyperfine", "curl", "wrk", "time"];

/// Parsed flags.
#[derive(Debug, Default)]
struct Options {
    quick: bool,
    write: bool,
    only: Vec<String>,
    runs: Option<u32>,
}

/// Sizes and repetitions of one mode.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    bulk_documents: u32,
    document_size: u64,
    big_document: u64,
    list_documents: u32,
    single_flight_calls: u32,
    wrk_seconds: u32,
    runs_bulk: u32,
    runs_loop: u32,
    runs_big: u32,
    runs_list: u32,
}

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

/// Peak RSS allowed above idle for the 1 GiB download: 16 MB.
const RSS_GOAL_BYTES: u64 = 16_000_000;
/// Largest `.deb` allowed: 15 MB.
const DEB_GOAL_BYTES: u64 = 15_000_000;

/// `cargo xtask bench [flags]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    Bench::new(options)?.run()
}

/// `cargo xtask bench --quick`, the last step of `cargo xtask test`.
pub fn quick() -> Result<(), String> {
    run(&["--quick".to_owned()])
}

fn parse(args: &[String]) -> Result<Options, String> {
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
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown flag \"{other}\"\n\n{USAGE}")),
        }
    }
    if options.write && (options.quick || !options.only.is_empty() || options.runs.is_some()) {
        return Err("--write records a full run: use it without --quick, --only or --runs".into());
    }
    Ok(options)
}

/// Where cargo puts its output: `CARGO_TARGET_DIR`, else the folder this xtask binary was built in,
/// else `<root>/target`.
pub fn target_dir() -> PathBuf {
    let root = crate::project_root();
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        return root.join(dir);
    }
    let from_exe = std::env::current_exe().ok().and_then(|exe| {
        let profile_dir = exe.parent()?;
        let target = profile_dir.parent()?;
        target
            .join("CACHEDIR.TAG")
            .is_file()
            .then(|| target.to_path_buf())
    });
    from_exe.unwrap_or_else(|| root.join("target"))
}

/// The programs measured.
struct Binaries {
    ccs: PathBuf,
    sandbox: PathBuf,
    single_flight: PathBuf,
    profile: &'static str,
}

/// One row of the table.
struct Row {
    id: &'static str,
    scenario: String,
    ours: String,
    baseline: String,
    ratio: String,
    goal: String,
    /// `Some(true)` met, `Some(false)` missed, `None` not measured.
    met: Option<bool>,
    notes: Vec<String>,
    data: Value,
}

/// One command's times from hyperfine, in seconds.
#[derive(Debug, Clone)]
struct Timing {
    name: String,
    command: String,
    median: f64,
    min: f64,
    max: f64,
    mean: f64,
    /// Mean CPU seconds in user and kernel mode (of the whole command, children included).
    user: f64,
    system: f64,
    runs: usize,
}

impl Timing {
    fn text(&self) -> String {
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

    fn json(&self) -> Value {
        json!({
            "name": self.name, "command": self.command, "median_s": self.median, "min_s": self.min,
            "max_s": self.max, "mean_s": self.mean, "user_s": self.user, "system_s": self.system,
            "runs": self.runs,
        })
    }
}

fn seconds(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else {
        format!("{:.1} ms", s * 1000.0)
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
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
    fn new(options: Options) -> Result<Self, String> {
        let target = target_dir();
        let mut sizes = if options.quick { QUICK } else { FULL };
        if let Some(runs) = options.runs {
            sizes.runs_bulk = runs;
            sizes.runs_loop = runs;
            sizes.runs_big = runs;
            sizes.runs_list = runs;
        }
        let dir = if options.quick {
            target.join("bench").join("quick")
        } else {
            target.join("bench")
        };
        check_tools()?;
        let bins = binaries(&target, options.quick)?;
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

    fn wanted(&self, scenario: &str) -> bool {
        self.options.only.is_empty() || self.options.only.iter().any(|s| s == scenario)
    }

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
        if self.wanted("bulk") {
            self.bulk()?;
        }
        if self.wanted("big") {
            self.big()?;
        }
        if self.wanted("list") {
            self.list()?;
        }
        if self.wanted("single-flight") {
            self.single_flight()?;
        }
        if self.wanted("gui") {
            self.gui()?;
        }
        if self.wanted("size") {
            self.size()?;
        }
        if self.wanted("sandbox") {
            self.sandbox_rows()?;
        }
        // Nothing but the results is kept: the work folder holds copies of 1 GiB documents.
        let _ = std::fs::remove_dir_all(self.dir.join("work"));
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
        let table = self.markdown_table(&machine_line(&machine));
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
            write_docs(&docs, &self.generated_section(&results, &table))?;
            println!("xtask bench: {} updated", docs.display());
        }
        Ok(())
    }

    // ---------------------------------------------------------------------------------------------
    // Scenarios

    /// 1,000 documents of 200 KB: `ccs download --all --jobs 8` against one `curl --parallel`
    /// process (then `sync`), and against a sequential curl loop (then `sync`).
    fn bulk(&mut self) -> Result<(), String> {
        let n = self.sizes.bulk_documents;
        let size = self.sizes.document_size;
        println!("\n=== bench: bulk, {n} documents of {size} bytes ===");
        let sandbox = Sandbox::start(
            &self.bins.sandbox,
            &[
                "--documents",
                &n.to_string(),
                "--document-size",
                &size.to_string(),
            ],
            &self.dir.join("logs/sandbox-bulk.log"),
        )?;
        let token = sandbox.token()?;
        let documents = sandbox.list(&token, 1000.max(n))?;
        if documents.len() != n as usize {
            return Err(format!(
                "the sandbox listed {} documents, {n} expected",
                documents.len()
            ));
        }
        let work = self.dir.join("work/bulk");
        let headers = sandbox.headers_file(&token, &work)?;
        let (ours_dir, parallel_dir, loop_dir) = (
            work.join("ccs"),
            work.join("curl-parallel"),
            work.join("curl-loop"),
        );
        // One curl configuration (every URL and its output) and one list for the loop.
        let mut config = String::new();
        let mut list = String::new();
        for doc in &documents {
            let url = sandbox.file_url(&doc.id);
            let name = safe_name(doc);
            config.push_str(&format!(
                "url = \"{url}\"\noutput = \"{}\"\n",
                parallel_dir.join(&name).display()
            ));
            list.push_str(&format!("{url} {}\n", loop_dir.join(&name).display()));
        }
        let config_path = work.join("urls.cfg");
        let list_path = work.join("urls.txt");
        let loop_script = work.join("loop.sh");
        write(&config_path, &config)?;
        write(&list_path, &list)?;
        let loop_text = format!(
            "set -e\nwhile read -r url out; do\n  curl -sS --fail -H @{h} -o \"$out\" \"$url\"\ndone < {l}\nsync {d}/* {d}\n",
            h = sq(&headers),
            l = sq(&list_path),
            d = sq(&loop_dir)
        );
        write(&loop_script, &loop_text)?;
        let ccs_cmd = format!(
            "{} download --all --jobs 8 --quiet --out {}",
            sq(&self.bins.ccs),
            sq(&ours_dir)
        );
        let parallel_cmd = format!(
            "curl --parallel --parallel-max 8 -sS --fail -H @{} -K {} && sync {d}/* {d}",
            sq(&headers),
            sq(&config_path),
            d = sq(&parallel_dir)
        );
        let loop_cmd = format!("bash {}", sq(&loop_script));
        let env = sandbox.client_env(&self.dir.join("home"));
        let ours = self.hyperfine("bulk-ccs", &ccs_cmd, &ours_dir, self.sizes.runs_bulk, &env)?;
        check_folder(&ours_dir, n as usize, Some(size), true)?;
        let parallel = self.hyperfine(
            "bulk-curl-parallel",
            &parallel_cmd,
            &parallel_dir,
            self.sizes.runs_bulk,
            &env,
        )?;
        check_folder(&parallel_dir, n as usize, Some(size), false)?;
        let sequential = self.hyperfine(
            "bulk-curl-loop",
            &loop_cmd,
            &loop_dir,
            self.sizes.runs_loop,
            &env,
        )?;
        check_folder(&loop_dir, n as usize, Some(size), false)?;
        drop(sandbox);

        let vs_parallel = ours.median / parallel.median;
        let loop_speedup = sequential.median / ours.median;
        self.facts
            .insert("bulk_files_per_s", f64::from(n) / ours.median);
        self.rows.push(Row {
            id: "bulk",
            scenario: format!("bulk: {} documents of ~{} KB", thousands(n), size / 1000),
            ours: format!("`ccs download --all --jobs 8`: {}", ours.text()),
            baseline: format!(
                "one `curl --parallel --parallel-max 8` + `sync`: {}; sequential curl loop + `sync`: {}",
                parallel.text(),
                sequential.text()
            ),
            ratio: format!(
                "{vs_parallel:.2}× the parallel curl; {loop_speedup:.1}× faster than the loop"
            ),
            goal: "≤ 1.5× the one-process curl; ≥ 3× faster than the loop".into(),
            met: Some(vs_parallel <= 1.5 && loop_speedup >= 3.0),
            notes: vec![format!(
                "ccs's time includes its token request and its document list (curl's token and list were fetched before timing); {} MB saved per run; every file is fsynced by ccs, `sync` of the files and the folder for curl",
                u64::from(n) * size / 1_000_000
            )],
            data: json!({
                "documents": n, "document_size": size,
                "ours": ours.json(), "curl_parallel": parallel.json(), "curl_loop": sequential.json(),
                "ratio_vs_parallel": vs_parallel, "speedup_vs_loop": loop_speedup,
                "scripts": { "loop.sh": loop_text },
            }),
        });
        Ok(())
    }

    /// One 1 GiB document: `ccs download <id>` against `curl -o` + `sync`, and ccs's peak RSS.
    fn big(&mut self) -> Result<(), String> {
        let size = self.sizes.big_document;
        println!("\n=== bench: one document of {size} bytes ===");
        let sandbox = Sandbox::start(
            &self.bins.sandbox,
            &["--documents", "10", "--big-document", &size.to_string()],
            &self.dir.join("logs/sandbox-big.log"),
        )?;
        let token = sandbox.token()?;
        let documents = sandbox.list(&token, 100)?;
        let big = documents
            .iter()
            .find(|d| d.size == Some(size))
            .ok_or("the sandbox did not list the big document")?
            .clone();
        let work = self.dir.join("work/big");
        let headers = sandbox.headers_file(&token, &work)?;
        let (ours_dir, curl_dir) = (work.join("ccs"), work.join("curl"));
        let curl_file = curl_dir.join(safe_name(&big));
        let ccs_cmd = format!(
            "{} download {} --quiet --out {}",
            sq(&self.bins.ccs),
            big.id,
            sq(&ours_dir)
        );
        let curl_cmd = format!(
            "curl -sS --fail -H @{} -o {f} {} && sync {f} {}",
            sq(&headers),
            sandbox.file_url(&big.id),
            sq(&curl_dir),
            f = sq(&curl_file)
        );
        let env = sandbox.client_env(&self.dir.join("home"));
        let ours = self.hyperfine("big-ccs", &ccs_cmd, &ours_dir, self.sizes.runs_big, &env)?;
        check_folder(&ours_dir, 1, Some(size), true)?;
        reset_dir(&ours_dir)?;
        let curl = self.hyperfine("big-curl", &curl_cmd, &curl_dir, self.sizes.runs_big, &env)?;
        check_folder(&curl_dir, 1, Some(size), false)?;
        reset_dir(&curl_dir)?;
        // The ceiling both share: the sandbox generating the document, with no disk (for the
        // sandbox row).
        let stream_cmd = format!(
            "curl -sS --fail -H @{} -o /dev/null {}",
            sq(&headers),
            sandbox.file_url(&big.id)
        );
        let stream = self.hyperfine(
            "big-sandbox-stream",
            &stream_cmd,
            &work.join("scratch"),
            self.sizes.runs_big,
            &env,
        )?;

        // Peak RSS: one more download under /usr/bin/time -v, against `ccs --version`.
        let idle_kb = peak_rss_kb(&[self.bins.ccs.as_os_str(), "--version".as_ref()], &env)?;
        let peak_kb = peak_rss_kb(
            &[
                self.bins.ccs.as_os_str(),
                "download".as_ref(),
                big.id.as_ref(),
                "--quiet".as_ref(),
                "--out".as_ref(),
                ours_dir.as_os_str(),
            ],
            &env,
        )?;
        check_folder(&ours_dir, 1, Some(size), true)?;
        reset_dir(&ours_dir)?;
        let above_idle = peak_kb.saturating_sub(idle_kb) * 1024;
        drop(sandbox);

        let ratio = ours.median / curl.median;
        self.facts.insert("big_s", ours.median);
        self.facts.insert("big_stream_s", stream.median);
        self.facts.insert("big_bytes", size as f64);
        self.rows.push(Row {
            id: "big",
            scenario: format!("one {} document", human_bytes(size)),
            ours: format!(
                "`ccs download <id>`: {}; peak RSS {} above idle ({} peak, {} idle)",
                ours.text(),
                mb(above_idle),
                mb(peak_kb * 1024),
                mb(idle_kb * 1024)
            ),
            baseline: format!("`curl -o` + `sync` of the file: {}", curl.text()),
            ratio: format!("{ratio:.2}×"),
            goal: "≤ 1.1×; peak RSS of `ccs` ≤ 16 MB above its idle RSS".into(),
            met: Some(ratio <= 1.1 && above_idle <= RSS_GOAL_BYTES),
            notes: vec![
                "ccs lists the contract's documents first to name the file (as real callers do); the file is streamed to a temporary file (its write-back started every 8 MiB), fsynced and renamed".into(),
                "idle RSS: `/usr/bin/time -v ccs --version`; peak: `/usr/bin/time -v ccs download <id>` (one run)".into(),
                format!(
                    "CPU time (user + system, mean): ccs {:.2} s (it also computes the SHA-256 its download record keeps), curl + sync {:.2} s; the sandbox alone streams the document to `curl -o /dev/null` in {}",
                    ours.user + ours.system,
                    curl.user + curl.system,
                    seconds(stream.median)
                ),
            ],
            data: json!({
                "bytes": size, "ours": ours.json(), "curl": curl.json(), "ratio": ratio,
                "sandbox_stream_to_dev_null": stream.json(),
                "idle_rss_kb": idle_kb, "peak_rss_kb": peak_kb, "above_idle_bytes": above_idle,
            }),
        });
        Ok(())
    }

    /// Listing 10,000 documents: `ccs documents --json` against curl token + curl list.
    fn list(&mut self) -> Result<(), String> {
        let n = self.sizes.list_documents;
        println!("\n=== bench: list {n} documents ===");
        let sandbox = Sandbox::start(
            &self.bins.sandbox,
            &["--documents", &n.to_string()],
            &self.dir.join("logs/sandbox-list.log"),
        )?;
        let work = self.dir.join("work/list");
        std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
        let script = work.join("curl-list.sh");
        let script_text = format!(
                "set -e\n\
                 T=$(curl -sS --fail -u \"$CCS_CLIENT_ID:$CCS_CLIENT_SECRET\" -d grant_type=client_credentials \"$CCS_OAUTH_HOST/token\" | sed -E 's/.*\"access_token\":\"([^\"]*)\".*/\\1/')\n\
                 curl -sS --fail -H \"Authorization: Bearer $T\" -H \"X-API-Key: $CCS_API_KEY\" -H \"X-ECCS-Contract-Id: $CCS_CONTRACT\" \"$CCS_HOST/documents?documentType=&limit={n}\"\n"
        );
        write(&script, &script_text)?;
        let ccs_cmd = format!("{} documents --json --limit {n}", sq(&self.bins.ccs));
        let curl_cmd = format!("bash {}", sq(&script));
        let env = sandbox.client_env(&self.dir.join("home"));
        // What both print must be the whole list.
        let printed = output_of(
            Command::new(&self.bins.ccs).args(["documents", "--json", "--limit", &n.to_string()]),
            &env,
            Duration::from_secs(120),
        )?;
        let count = serde_json::from_str::<Value>(&printed)
            .ok()
            .and_then(|v| v.as_array().map(Vec::len))
            .ok_or("`ccs documents --json` did not print a JSON array")?;
        let printed = output_of(
            Command::new("bash").arg(&script),
            &env,
            Duration::from_secs(120),
        )?;
        let curl_count = serde_json::from_str::<Value>(&printed)
            .ok()
            .and_then(|v| v.as_array().map(Vec::len))
            .ok_or("the curl list did not print a JSON array")?;
        if count != n as usize || curl_count != n as usize {
            return Err(format!(
                "listed {count} documents with ccs and {curl_count} with curl, {n} expected"
            ));
        }
        // Nothing is written: the folder hyperfine empties before each run is a scratch one.
        let scratch = work.join("scratch");
        let ours = self.hyperfine("list-ccs", &ccs_cmd, &scratch, self.sizes.runs_list, &env)?;
        let curl = self.hyperfine("list-curl", &curl_cmd, &scratch, self.sizes.runs_list, &env)?;
        let ratio = ours.median / curl.median;
        let mut notes = vec![
            "both fetch a token and the list; ccs also parses, checks and re-prints the documents as pretty JSON".into(),
        ];
        // A miss gets a profile: instructions (callgrind counts them, whatever the machine is doing)
        // of the same listing printed three ways, and of a start that lists one document.
        let mut profile = Value::Null;
        if ratio > 1.5 && !self.options.quick {
            let limit = n.to_string();
            let variants: [(&str, Vec<&str>); 4] = [
                ("--version", vec!["--version"]),
                (
                    "json, 1 document",
                    vec!["documents", "--json", "--limit", "1"],
                ),
                ("csv", vec!["documents", "--csv", "--limit", &limit]),
                ("json", vec!["documents", "--json", "--limit", &limit]),
            ];
            let mut counts = serde_json::Map::new();
            for (label, args) in variants {
                if let Some(count) = self.callgrind(label, &args, &env) {
                    counts.insert(label.into(), json!(count));
                }
            }
            let millions = |k: &str| {
                counts
                    .get(k)
                    .and_then(Value::as_u64)
                    .map(|c| c as f64 / 1e6)
            };
            if let (Some(version), Some(one), Some(csv), Some(json)) = (
                millions("--version"),
                millions("json, 1 document"),
                millions("csv"),
                millions("json"),
            ) {
                notes.push(format!(
                    "profile (valgrind --tool=callgrind, instructions): `ccs --version` {version:.1} M; start + token + a 1-document list {one:.1} M; {} documents as CSV {csv:.1} M; as JSON {json:.1} M: printing JSON costs {:.1} M more than CSV for the same parsed list",
                    thousands(n),
                    json - csv
                ));
            }
            profile = Value::Object(counts);
        }
        drop(sandbox);
        self.facts.insert("list_s", ours.median);
        self.rows.push(Row {
            id: "list",
            scenario: format!("list {} documents", thousands(n)),
            ours: format!(
                "`ccs documents --json --limit {n} > /dev/null`: {}",
                ours.text()
            ),
            baseline: format!("curl token + curl list: {}", curl.text()),
            ratio: format!("{ratio:.2}×"),
            goal: "≤ 1.5×".into(),
            met: Some(ratio <= 1.5),
            notes,
            data: json!({ "documents": n, "ours": ours.json(), "curl": curl.json(), "ratio": ratio, "callgrind_instructions": profile, "scripts": { "curl-list.sh": script_text } }),
        });
        Ok(())
    }

    /// 200 concurrent calls on a client whose token just expired: exactly one token request.
    fn single_flight(&mut self) -> Result<(), String> {
        let calls = self.sizes.single_flight_calls;
        println!("\n=== bench: token single flight, {calls} concurrent calls ===");
        let printed = output_of(
            Command::new(&self.bins.single_flight).args(["--calls", &calls.to_string()]),
            &[],
            Duration::from_secs(120),
        )?;
        let value: Value = serde_json::from_str(printed.trim())
            .map_err(|e| format!("the single-flight example printed no JSON ({e}): {printed}"))?;
        let phase = |name: &str| -> Result<(u64, u64), String> {
            let p = &value[name];
            match (p["token_requests"].as_u64(), p["ok"].as_u64()) {
                (Some(tokens), Some(ok)) => Ok((tokens, ok)),
                _ => Err(format!("no {name} in the single-flight output: {printed}")),
            }
        };
        let (client_tokens, client_ok) = phase("client_expiry")?;
        let (server_tokens, server_ok) = phase("server_expiry")?;
        let met = client_tokens == 1
            && server_tokens == 1
            && client_ok == u64::from(calls)
            && server_ok == u64::from(calls);
        if self.options.quick && !met {
            return Err(format!("single flight broken: {printed}"));
        }
        println!("{}", printed.trim());
        self.rows.push(Row {
            id: "single-flight",
            scenario: "token single flight".into(),
            ours: format!(
                "{calls} concurrent calls as the token expires: {client_tokens} token request(s) ({client_ok}/{calls} calls ok); after the server forgot the token: {server_tokens} ({server_ok}/{calls} ok)"
            ),
            baseline: "—".into(),
            ratio: "—".into(),
            goal: "exactly 1 token request".into(),
            met: Some(met),
            notes: vec![
                "`cargo run --release -p ccs-api --example token_single_flight -- --calls 200` (an in-process sandbox on 127.0.0.1, its token request counter)".into(),
            ],
            data: value,
        });
        Ok(())
    }

    /// The GUI rows wait for a WebDriver-based measurement.
    /// Sizes of the release binaries and of the `.deb`, when built.
    fn size(&mut self) -> Result<(), String> {
        println!("\n=== bench: size ===");
        let release = self.target.join("release");
        let file_size = |p: &Path| std::fs::metadata(p).ok().map(|m| m.len());
        let mut parts = Vec::new();
        let mut data = serde_json::Map::new();
        for name in ["ccs", "customer-space"] {
            let path = release.join(name);
            match file_size(&path) {
                Some(bytes) => {
                    parts.push(format!("`{name}` {}", mb(bytes)));
                    data.insert(name.into(), json!(bytes));
                }
                None => {
                    parts.push(format!("`{name}` not built"));
                    data.insert(name.into(), Value::Null);
                }
            }
        }
        let mut debs = Vec::new();
        // The shipped packages only: the release app `.deb` (`cargo xtask bundle`) and the `ccs` one.
        // The debug `.deb` of the installed-package test carries debug symbols and is not shipped.
        let folders = [
            (
                "release",
                self.target.join("release").join("bundle").join("deb"),
            ),
            ("ccs", self.target.join("bundle-ccs")),
        ];
        for (profile, folder) in folders {
            if let Ok(entries) = std::fs::read_dir(&folder) {
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.extension().is_some_and(|e| e == "deb") {
                        if let Some(bytes) = file_size(&path) {
                            let name = entry.file_name().to_string_lossy().into_owned();
                            debs.push((format!("{profile}/{name}"), bytes));
                        }
                    }
                }
            }
        }
        let met = if debs.is_empty() {
            parts.push("`.deb` not built (`cargo xtask bundle`)".into());
            None
        } else {
            for (name, bytes) in &debs {
                parts.push(format!("`{name}` {}", mb(*bytes)));
            }
            Some(debs.iter().all(|(_, bytes)| *bytes <= DEB_GOAL_BYTES))
        };
        data.insert(
            "deb".into(),
            json!(debs
                .iter()
                .map(|(n, b)| json!({ "file": n, "bytes": b }))
                .collect::<Vec<_>>()),
        );
        self.rows.push(Row {
            id: "size",
            scenario: "size".into(),
            ours: parts.join("; "),
            baseline: "—".into(),
            ratio: "—".into(),
            goal: "`.deb` ≤ 15 MB".into(),
            met,
            notes: vec![
                "release binaries are LTO'd and stripped (Cargo.toml's release profile); the `.deb` comes from the packaging (`cargo xtask bundle`)".into(),
            ],
            data: Value::Object(data),
        });
        Ok(())
    }

    /// The sandbox's own speed with wrk, and whether it limited the rows above.
    fn sandbox_rows(&mut self) -> Result<(), String> {
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

        // (what was compared, whether the sandbox took more than half of ours' time)
        let mut verdicts: Vec<(String, bool)> = Vec::new();
        if let Some(files_per_s) = self.facts.get("bulk_files_per_s") {
            let share = files_per_s / file_rate.requests_per_s;
            verdicts.push((format!(
                "bulk: ccs drew {files_per_s:.0} files/s, {:.0}% of the {:.0} files/s the sandbox serves",
                share * 100.0,
                file_rate.requests_per_s
            ), share > 0.5));
        }
        if let (Some(big_s), Some(stream_s), Some(bytes)) = (
            self.facts.get("big_s"),
            self.facts.get("big_stream_s"),
            self.facts.get("big_bytes"),
        ) {
            let share = stream_s / big_s;
            verdicts.push((format!(
                "one big document: the sandbox alone streams it in {} ({:.0} MB/s, `curl -o /dev/null`), {:.0}% of ccs's {} ({:.0} MB/s)",
                seconds_text(*stream_s),
                bytes / stream_s / 1e6,
                share * 100.0,
                seconds_text(*big_s),
                bytes / big_s / 1e6
            ), share > 0.5));
        }
        if let Some(list_s) = self.facts.get("list_s") {
            let serve_s = 1.0 / big_list_rate.requests_per_s;
            let share = serve_s / list_s;
            verdicts.push((
                format!(
                    "list: the sandbox answers the {}-document list in {} of ccs's {} ({:.0}%)",
                    thousands(big_list),
                    seconds_text(serve_s),
                    seconds_text(*list_s),
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
            met: (!verdicts.is_empty()).then_some(!limiting),
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

    // ---------------------------------------------------------------------------------------------
    // Tools

    /// Times `command` with hyperfine, emptying `folder` before each run.
    fn hyperfine(
        &self,
        name: &str,
        command: &str,
        folder: &Path,
        runs: u32,
        env: &[(String, String)],
    ) -> Result<Timing, String> {
        let export = self.dir.join("hyperfine").join(format!("{name}.json"));
        let prepare = format!("rm -rf {d} && mkdir -p {d}", d = sq(folder));
        let mut cmd = Command::new("hyperfine");
        cmd.args(["--runs", &runs.to_string(), "--style", "basic"])
            .args(["--prepare", &prepare])
            .args(["--command-name", name])
            .arg("--export-json")
            .arg(&export)
            .arg(command);
        let limit = if self.options.quick {
            Duration::from_secs(300)
        } else {
            Duration::from_secs(3600)
        };
        run_bounded(&mut cmd, env, limit, false)?;
        let text = std::fs::read_to_string(&export)
            .map_err(|e| format!("hyperfine wrote no {}: {e}", export.display()))?;
        let value: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
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

    /// Instructions `ccs <args>` executes under callgrind (`None` without valgrind).
    fn callgrind(&self, label: &str, args: &[&str], env: &[(String, String)]) -> Option<u64> {
        if crate::setup::which("valgrind").is_none() {
            println!("xtask bench: valgrind is not installed; no profile of \"{label}\"");
            return None;
        }
        let out = self
            .dir
            .join("logs")
            .join(format!("callgrind.{}.out", label.replace([' ', ','], "_")));
        let mut cmd = Command::new("valgrind");
        cmd.arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(&self.bins.ccs)
            .args(args);
        let stderr = run_bounded(&mut cmd, env, Duration::from_secs(600), true).ok()?;
        let count = stderr.lines().find_map(|l| {
            let (_, refs) = l.split_once("I   refs:")?;
            refs.trim().replace(',', "").parse().ok()
        });
        println!("callgrind ccs {}: {count:?} instructions", args.join(" "));
        count
    }

    // ---------------------------------------------------------------------------------------------
    // Output

    fn markdown_table(&self, machine: &str) -> String {
        let mut out = String::from(
            "| scenario | ours | baseline in the same run | ratio | goal | met |\n|---|---|---|---|---|---|\n",
        );
        for row in &self.rows {
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

    fn generated_section(&self, results: &Value, table: &str) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "Measured {} at commit {} by `cargo xtask bench` (release binaries, {:.0} s in all).\n\n",
            results["date"].as_str().unwrap_or("?"),
            results["commit"].as_str().unwrap_or("?"),
            results["elapsed_s"].as_f64().unwrap_or(0.0)
        ));
        out.push_str(table);
        out.push_str("\n### Notes per row\n\n");
        for row in &self.rows {
            for note in &row.notes {
                out.push_str(&format!("- **{}**: {}\n", row.scenario, note));
            }
        }
        out.push_str("\n### Reproduce one row\n\nEach command builds the release `ccs` and `ccs-sandbox` if needed, starts its own sandbox on 127.0.0.1, prints the row and writes `target/bench/results.json` (the exact commands hyperfine timed are in it, and its raw exports in `target/bench/hyperfine/`). The GUI rows also build the release app and the minimal Tauri app (`target/bench/minimal-app`), and run tests/e2e/bench/gui.mjs under Xvfb in a private D-Bus session with a throwaway keychain; its raw numbers are in `target/bench/gui.json`.\n\n| row | command |\n|---|---|\n");
        for (scenario, id) in [
            ("bulk", "bulk"),
            ("one big document", "big"),
            ("list", "list"),
            ("token single flight", "single-flight"),
            ("GUI cold start, 100,000 documents, memory", "gui"),
            ("size", "size"),
            ("sandbox", "sandbox"),
        ] {
            out.push_str(&format!(
                "| {scenario} | `cargo xtask bench --only {id}` |\n"
            ));
        }
        out.push_str("| everything, and this file | `cargo xtask bench --write` |\n");
        out.push_str("\n### Commands timed\n\nhyperfine runs each with the sandbox's `CCS_*` variables and `HOME=target/bench/home` in its environment, after `rm -rf OUT && mkdir -p OUT` of its output folder; `target/bench/work` is removed at the end.\n\n");
        for row in &self.rows {
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
                        anonymise(command, &self.target)
                    ));
                }
            }
            if let Some(scripts) = row.data["scripts"].as_object() {
                for (name, text) in scripts {
                    out.push_str(&format!(
                        "\n  `{name}`:\n\n  ```sh\n{}  ```\n\n",
                        anonymise(text.as_str().unwrap_or_default(), &self.target)
                            .lines()
                            .map(|l| format!("  {l}\n"))
                            .collect::<String>()
                    ));
                }
            }
        }
        out
    }
}

/// A table cell: no pipes or newlines.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Replaces the absolute target path by `target` so that the docs do not name a home folder.
fn anonymise(command: &str, target: &Path) -> String {
    command.replace(&target.display().to_string(), "target")
}

fn seconds_text(s: f64) -> String {
    seconds(s)
}

fn thousands(n: u32) -> String {
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

fn human_bytes(n: u64) -> String {
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
const END: &str = "<!-- bench:end -->";

/// Replaces the generated part of the docs, keeping what was written around it.
fn write_docs(path: &Path, generated: &str) -> Result<(), String> {
    let block = format!("{BEGIN}\n{generated}{END}");
    let text = match std::fs::read_to_string(path) {
        Ok(old) => match (old.find("<!-- bench:begin"), old.find(END)) {
            (Some(start), Some(end)) if end > start => {
                format!("{}{block}{}", &old[..start], &old[end + END.len()..])
            }
            _ => format!("{}\n\n{block}\n", old.trim_end()),
        },
        Err(_) => format!(
            "# Benchmarks\n\nCustomer Space against the raw protocol (curl) on the same sandbox, in the same run, on the same machine. Ratios are ours / baseline.\n\n{block}\n"
        ),
    };
    std::fs::write(path, text).map_err(|e| format!("could not write {}: {e}", path.display()))
}

// -------------------------------------------------------------------------------------------------
// The sandbox process

/// A document as the list gives it (what the bench needs of it).
#[derive(Debug, Clone)]
struct Doc {
    id: String,
    filename: String,
    size: Option<u64>,
}

/// A running `ccs-sandbox`; killed when dropped.
struct Sandbox {
    child: Child,
    env: BTreeMap<String, String>,
}

impl Sandbox {
    /// Starts it on a free port of 127.0.0.1 and reads the `CCS_*` lines it prints.
    fn start(binary: &Path, args: &[&str], log: &Path) -> Result<Self, String> {
        let log_file = std::fs::File::create(log)
            .map_err(|e| format!("could not create {}: {e}", log.display()))?;
        let mut child = Command::new(binary)
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("no sandbox stdout")?;
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut sandbox = Self {
            child,
            env: BTreeMap::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !sandbox.env.contains_key("CCS_CONTRACT") {
            let left = deadline.saturating_duration_since(Instant::now());
            match receive.recv_timeout(left) {
                Ok(line) => {
                    if let Some((key, value)) = line.split_once('=') {
                        sandbox.env.insert(key.to_owned(), value.to_owned());
                    }
                }
                Err(_) => {
                    return Err(format!(
                        "the sandbox printed no CCS_CONTRACT within 60 s (log: {})",
                        log.display()
                    ))
                }
            }
        }
        for key in [
            "CCS_HOST",
            "CCS_OAUTH_HOST",
            "CCS_CLIENT_ID",
            "CCS_CLIENT_SECRET",
            "CCS_API_KEY",
        ] {
            let value = sandbox.get(key);
            if value.is_empty() {
                return Err(format!("the sandbox printed no {key}"));
            }
            if key.ends_with("HOST") && !value.starts_with("http://127.0.0.1:") {
                return Err(format!("the sandbox is not on loopback: {key}={value}"));
            }
        }
        Ok(sandbox)
    }

    fn get(&self, key: &str) -> &str {
        self.env.get(key).map_or("", String::as_str)
    }

    fn api(&self) -> &str {
        self.get("CCS_HOST")
    }

    fn file_url(&self, id: &str) -> String {
        format!("{}/documents/{id}/file", self.api())
    }

    /// The environment `ccs` and the curl scripts run with: the sandbox's `CCS_*`, a private HOME.
    fn client_env(&self, home: &Path) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = self
            .env
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let home = home.display().to_string();
        env.push(("HOME".into(), home.clone()));
        env.push(("XDG_CONFIG_HOME".into(), format!("{home}/.config")));
        env.push(("XDG_DATA_HOME".into(), format!("{home}/.local/share")));
        env.push(("XDG_CACHE_HOME".into(), format!("{home}/.cache")));
        env.push(("NO_PROXY".into(), "127.0.0.1,localhost".into()));
        env.push(("no_proxy".into(), "127.0.0.1,localhost".into()));
        env
    }

    /// A token, with curl.
    fn token(&self) -> Result<String, String> {
        let user = format!(
            "{}:{}",
            self.get("CCS_CLIENT_ID"),
            self.get("CCS_CLIENT_SECRET")
        );
        let url = format!("{}/token", self.get("CCS_OAUTH_HOST"));
        let text = output_of(
            Command::new("curl").args([
                "-sS",
                "--fail",
                "-u",
                &user,
                "-d",
                "grant_type=client_credentials",
                &url,
            ]),
            &[],
            Duration::from_secs(60),
        )?;
        let value: Value =
            serde_json::from_str(&text).map_err(|e| format!("token answer not JSON: {e}"))?;
        value["access_token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| "no access_token in the token answer".into())
    }

    /// The contract's newest `limit` documents, with curl.
    fn list(&self, token: &str, limit: u32) -> Result<Vec<Doc>, String> {
        let url = format!("{}/documents?documentType=&limit={limit}", self.api());
        let text = output_of(
            Command::new("curl")
                .args(["-sS", "--fail"])
                .args(
                    self.header_lines(token)
                        .iter()
                        .flat_map(|h| ["-H".to_owned(), h.clone()]),
                )
                .arg(&url),
            &[],
            Duration::from_secs(120),
        )?;
        let value: Value =
            serde_json::from_str(&text).map_err(|e| format!("document list not JSON: {e}"))?;
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

    fn header_lines(&self, token: &str) -> Vec<String> {
        vec![
            format!("Authorization: Bearer {token}"),
            format!("X-API-Key: {}", self.get("CCS_API_KEY")),
            format!("X-ECCS-Contract-Id: {}", self.get("CCS_CONTRACT")),
        ]
    }

    /// The request headers in a file for `curl -H @file` (the same for every curl baseline).
    fn headers_file(&self, token: &str, folder: &Path) -> Result<PathBuf, String> {
        std::fs::create_dir_all(folder)
            .map_err(|e| format!("could not create {}: {e}", folder.display()))?;
        let path = folder.join("headers.txt");
        write(&path, &(self.header_lines(token).join("\n") + "\n"))?;
        Ok(path)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// -------------------------------------------------------------------------------------------------
// Helpers

/// wrk's answer for one endpoint.
struct Rate {
    url: String,
    connections: u32,
    requests_per_s: f64,
    requests: u64,
}

impl Rate {
    fn json(&self) -> Value {
        json!({ "url": self.url, "connections": self.connections, "requests_per_s": self.requests_per_s, "requests": self.requests })
    }
}

/// `wrk -t1 -c<connections> -d<seconds>s` on one URL, with the resource headers.
fn wrk(
    sandbox: &Sandbox,
    token: &str,
    url: &str,
    connections: u32,
    seconds: u32,
) -> Result<Rate, String> {
    let mut cmd = Command::new("wrk");
    cmd.args([
        "-t1",
        &format!("-c{connections}"),
        &format!("-d{seconds}s"),
        "--timeout",
        "30s",
    ]);
    for header in sandbox.header_lines(token) {
        cmd.args(["-H", &header]);
    }
    cmd.arg(url);
    let text = output_of(&mut cmd, &[], Duration::from_secs(u64::from(seconds) + 60))?;
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
    let path = url.split("/cloud/b2b/v1").nth(1).unwrap_or(url);
    println!("wrk {path}: {requests_per_s:.1} requests/s ({requests} in {seconds} s, {connections} connection(s))");
    Ok(Rate {
        url: path.to_owned(),
        connections,
        requests_per_s,
        requests,
    })
}

/// Peak RSS in KiB of one run under `/usr/bin/time -v`.
fn peak_rss_kb(args: &[&std::ffi::OsStr], env: &[(String, String)]) -> Result<u64, String> {
    let mut cmd = Command::new("/usr/bin/time");
    cmd.arg("-v").args(args);
    let stderr = run_bounded(&mut cmd, env, Duration::from_secs(1200), true)?;
    stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes):")
                .and_then(|v| v.trim().parse().ok())
        })
        .ok_or(format!("no peak RSS in /usr/bin/time's output:\n{stderr}"))
}

/// A command's stdout, failing when it fails or outlives `limit` (stderr goes to the terminal).
fn output_of(
    cmd: &mut Command,
    env: &[(String, String)],
    limit: Duration,
) -> Result<String, String> {
    capture(cmd, env, limit)
}

/// Runs `cmd` with stdout to a file and returns it (stderr goes to the terminal).
fn capture(cmd: &mut Command, env: &[(String, String)], limit: Duration) -> Result<String, String> {
    let out = tempfile_in_target("out")?;
    let file = std::fs::File::create(&out).map_err(|e| e.to_string())?;
    cmd.stdout(file);
    let result = wait_bounded(cmd, env, limit);
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    let _ = std::fs::remove_file(&out);
    result.map(|()| text)
}

/// Runs `cmd` (inheriting stdout/stderr, or capturing stderr when `capture_stderr`), killing its
/// whole process group when it outlives `limit`. Returns the captured stderr, if any.
fn run_bounded(
    cmd: &mut Command,
    env: &[(String, String)],
    limit: Duration,
    capture_stderr: bool,
) -> Result<String, String> {
    if !capture_stderr {
        return wait_bounded(cmd, env, limit).map(|()| String::new());
    }
    let err = tempfile_in_target("err")?;
    let file = std::fs::File::create(&err).map_err(|e| e.to_string())?;
    cmd.stderr(file).stdout(Stdio::null());
    let result = wait_bounded(cmd, env, limit);
    let text = std::fs::read_to_string(&err).unwrap_or_default();
    let _ = std::fs::remove_file(&err);
    result.map(|()| text)
}

fn wait_bounded(
    cmd: &mut Command,
    env: &[(String, String)],
    limit: Duration,
) -> Result<(), String> {
    for (key, value) in env {
        cmd.env(key, value);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("could not run {program}: {e}"))?;
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("`{program}` failed ({status})")),
            Ok(None) if Instant::now() >= deadline => {
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("`{program}` took more than {limit:?}; killed"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("could not wait for {program}: {e}")),
        }
    }
}

/// A fresh path under `<target>/bench/tmp`.
fn tempfile_in_target(kind: &str) -> Result<PathBuf, String> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let dir = target_dir().join("bench").join("tmp");
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("could not create {}: {e}", dir.display()))?;
    Ok(dir.join(format!(
        "{kind}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )))
}

/// Checks that `folder` holds `count` documents (of `size` bytes each, when given), and for ccs its
/// download record and no temporary file.
fn check_folder(folder: &Path, count: usize, size: Option<u64>, ccs: bool) -> Result<(), String> {
    let entries = std::fs::read_dir(folder)
        .map_err(|e| format!("no output folder {}: {e}", folder.display()))?;
    let mut files = 0;
    let mut manifest = false;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == ".ccs-downloads.json" {
            manifest = true;
            continue;
        }
        if name.starts_with(".ccs-tmp-") {
            return Err(format!(
                "a temporary file was left: {}",
                entry.path().display()
            ));
        }
        let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
        if let Some(size) = size {
            if bytes != size {
                return Err(format!(
                    "{} has {bytes} bytes, {size} expected",
                    entry.path().display()
                ));
            }
        }
        files += 1;
    }
    if files != count {
        return Err(format!(
            "{} holds {files} documents, {count} expected",
            folder.display()
        ));
    }
    if ccs && !manifest {
        return Err(format!("no download record in {}", folder.display()));
    }
    Ok(())
}

fn reset_dir(folder: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(folder);
    std::fs::create_dir_all(folder)
        .map_err(|e| format!("could not create {}: {e}", folder.display()))
}

/// The listed file name when it is a plain one, else the id (curl must not write outside its folder).
fn safe_name(doc: &Doc) -> String {
    let plain = !doc.filename.is_empty()
        && !doc.filename.starts_with('.')
        && doc
            .filename
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if plain {
        doc.filename.clone()
    } else {
        doc.id.clone()
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("could not create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("could not write {}: {e}", path.display()))
}

/// Single-quotes a path for sh.
fn sq(path: impl AsRef<std::ffi::OsStr>) -> String {
    let text = path.as_ref().to_string_lossy();
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Stops early with what to install when a tool is missing.
fn check_tools() -> Result<(), String> {
    let missing: Vec<&str> = ["hyperfine", "curl", "wrk", "bash", "sync"]
        .into_iter()
        .filter(|t| crate::setup::which(t).is_none())
        .collect();
    let time_missing = !Path::new("/usr/bin/time").is_file();
    if missing.is_empty() && !time_missing {
        return Ok(());
    }
    Err(format!(
        "missing tools {missing:?}{}: run `cargo xtask setup` (Debian packages {APT_PACKAGES:?})",
        if time_missing {
            " and /usr/bin/time"
        } else {
            ""
        }
    ))
}

/// The binaries: release ones built now, or (quick) the debug ones `cargo xtask test` built.
fn binaries(target: &Path, quick: bool) -> Result<Binaries, String> {
    let profile = if quick { "debug" } else { "release" };
    let dir = target.join(profile);
    let bins = Binaries {
        ccs: dir.join("ccs"),
        sandbox: dir.join("ccs-sandbox"),
        single_flight: dir.join("examples").join("token_single_flight"),
        profile,
    };
    let all_there = bins.ccs.is_file() && bins.sandbox.is_file() && bins.single_flight.is_file();
    if quick && all_there {
        return Ok(bins);
    }
    // Release: always ask cargo (a no-op when fresh). Quick without the test build: build debug.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut args = vec!["build", "--locked"];
    if !quick {
        args.push("--release");
    }
    args.extend([
        "-p",
        "ccs-cli",
        "-p",
        "ccs-sandbox",
        "-p",
        "ccs-api",
        "--bins",
        "--example",
        "token_single_flight",
    ]);
    println!("xtask bench: cargo {}", args.join(" "));
    crate::setup::run_checked(&cargo, &args)?;
    if bins.ccs.is_file() && bins.sandbox.is_file() && bins.single_flight.is_file() {
        Ok(bins)
    } else {
        Err(format!(
            "cargo built no ccs, ccs-sandbox or token_single_flight in {}",
            dir.display()
        ))
    }
}

// -------------------------------------------------------------------------------------------------
// The machine

fn machine() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown".to_owned(), |(_, v)| v.trim().to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let memory_kb: u64 = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map_or("unknown".to_owned(), |k| k.trim().to_owned());
    let load = std::fs::read_to_string("/proc/loadavg").map_or(String::new(), |l| {
        l.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    });
    json!({
        "cpu": cpu, "cores": cores, "memory_gib": (memory_kb as f64 / 1048576.0 * 10.0).round() / 10.0,
        "kernel": kernel, "load_at_start": load,
    })
}

fn machine_line(machine: &Value) -> String {
    format!(
        "{}, {} cores, {} GiB, Linux {} (load average at start: {})",
        machine["cpu"].as_str().unwrap_or("?"),
        machine["cores"],
        machine["memory_gib"],
        machine["kernel"].as_str().unwrap_or("?"),
        machine["load_at_start"].as_str().unwrap_or("?")
    )
}

fn now_utc() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

fn commit() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(crate::project_root())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let head = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty = git(&["status", "--porcelain"]).is_some_and(|s| !s.is_empty());
    if dirty {
        format!("{head} (with uncommitted changes)")
    } else {
        head
    }
}
