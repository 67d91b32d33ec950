//! The rows of the command line: many documents, one big one, a long list, the token's single
//! flight, and the sizes of what ships.
//!
//! Why together: each is one function that starts its own sandbox (or none), times `ccs` and its curl
//! baseline with hyperfine, checks that what was saved is complete, and pushes one [`Row`] with its
//! goal. The goals are written here, next to the measurement they judge.

use super::files::{check_folder, reset_dir, safe_name, write};
use super::parse;
use super::programs::{output_of, peak_rss_kb, sq};
use super::report::{human_bytes, mb, ratio_text, seconds, thousands, Row};
use super::sandbox::Sandbox;
use super::Bench;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Peak RSS allowed above idle for the 1 GiB download: 16 MB.
const RSS_GOAL_BYTES: u64 = 16_000_000;
/// Largest `.deb` allowed: 15 MB.
const DEB_GOAL_BYTES: u64 = 15_000_000;

impl Bench {
    /// 1,000 documents of 200 KB: `ccs download --all --jobs 8` against one `curl --parallel`
    /// process (then `sync`), and against a sequential curl loop (then `sync`).
    pub(super) fn bulk(&mut self) -> Result<(), String> {
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
    pub(super) fn big(&mut self) -> Result<(), String> {
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
            ratio: ratio_text(ratio),
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
    pub(super) fn list(&mut self) -> Result<(), String> {
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
        let count = parse::json_array_len(&printed)
            .ok_or("`ccs documents --json` did not print a JSON array")?;
        let printed = output_of(
            Command::new("bash").arg(&script),
            &env,
            Duration::from_secs(120),
        )?;
        let curl_count =
            parse::json_array_len(&printed).ok_or("the curl list did not print a JSON array")?;
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
            ratio: ratio_text(ratio),
            goal: "≤ 1.5×".into(),
            met: Some(ratio <= 1.5),
            notes,
            data: json!({ "documents": n, "ours": ours.json(), "curl": curl.json(), "ratio": ratio, "callgrind_instructions": profile, "scripts": { "curl-list.sh": script_text } }),
        });
        Ok(())
    }

    /// 200 concurrent calls on a client whose token just expired: exactly one token request.
    pub(super) fn single_flight(&mut self) -> Result<(), String> {
        let calls = self.sizes.single_flight_calls;
        println!("\n=== bench: token single flight, {calls} concurrent calls ===");
        let printed = output_of(
            Command::new(&self.bins.single_flight).args(["--calls", &calls.to_string()]),
            &[],
            Duration::from_secs(120),
        )?;
        let parse::SingleFlight {
            value,
            client_expiry: (client_tokens, client_ok),
            server_expiry: (server_tokens, server_ok),
        } = parse::single_flight(&printed)?;
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

    /// Sizes of the release binaries and of the `.deb`, when built.
    pub(super) fn size(&mut self) -> Result<(), String> {
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
}
