//! The programs the bench runs: our binaries (built here when needed), and the tools that measure
//! them (hyperfine, wrk, `/usr/bin/time`, valgrind), each run with a time limit.
//!
//! Why a time limit on everything: a bench that hangs on a stalled sandbox or a tool waiting for input
//! would stop `cargo xtask test` for good. Every command runs in its own process group, killed whole
//! when it outlives its limit. What the tools print is read by `parse`.

use super::parse::{self, Timing};
use super::sandbox::Sandbox;
use super::Bench;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Debian packages the bench runs (installed by `cargo xtask setup`).
const APT_PACKAGES: &[&str] = &["hyperfine", "curl", "wrk", "time"];

/// The programs measured.
pub(super) struct Binaries {
    /// `ccs`, the command line.
    pub(super) ccs: PathBuf,
    /// `ccs-sandbox`, the simulator's binary (the `cli` feature of `ccs-sandbox`).
    pub(super) sandbox: PathBuf,
    /// ccs-api's `token_single_flight` example.
    pub(super) single_flight: PathBuf,
    /// ccs-core's `spend_aggregate` example (the spend row).
    pub(super) spend_aggregate: PathBuf,
    /// `debug` or `release`.
    pub(super) profile: &'static str,
}

/// The binaries: release ones built now, or (quick) the debug ones `cargo xtask test` built.
pub(super) fn binaries(target: &Path, quick: bool) -> Result<Binaries, String> {
    let profile = if quick { "debug" } else { "release" };
    let dir = target.join(profile);
    let bins = Binaries {
        ccs: dir.join("ccs"),
        sandbox: dir.join("ccs-sandbox"),
        single_flight: dir.join("examples").join("token_single_flight"),
        spend_aggregate: dir.join("examples").join("spend_aggregate"),
        profile,
    };
    let all_there = [
        &bins.ccs,
        &bins.sandbox,
        &bins.single_flight,
        &bins.spend_aggregate,
    ]
    .iter()
    .all(|path| path.is_file());
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
        "-p",
        "ccs-core",
        // The `ccs-sandbox` binary needs its command line; the library alone does not.
        "--features",
        crate::steps::SANDBOX_BINARY_FEATURE,
        "--bins",
        "--example",
        "token_single_flight",
        "--example",
        "spend_aggregate",
    ]);
    println!("xtask bench: cargo {}", args.join(" "));
    crate::setup::run_checked(&cargo, &args)?;
    if [
        &bins.ccs,
        &bins.sandbox,
        &bins.single_flight,
        &bins.spend_aggregate,
    ]
    .iter()
    .all(|path| path.is_file())
    {
        Ok(bins)
    } else {
        Err(format!(
            "cargo built no ccs, ccs-sandbox, token_single_flight or spend_aggregate in {}",
            dir.display()
        ))
    }
}

/// Stops early with what to install when a tool is missing.
pub(super) fn check_tools() -> Result<(), String> {
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

impl Bench {
    /// Times `command` with hyperfine, emptying `folder` before each run.
    pub(super) fn hyperfine(
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
        parse::hyperfine_timing(name, command, &text, &export)
    }

    /// Instructions `ccs <args>` executes under callgrind (`None` without valgrind).
    pub(super) fn callgrind(
        &self,
        label: &str,
        args: &[&str],
        env: &[(String, String)],
    ) -> Option<u64> {
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
        let count = parse::callgrind_instructions(&stderr);
        println!("callgrind ccs {}: {count:?} instructions", args.join(" "));
        count
    }
}

/// wrk's answer for one endpoint.
pub(super) struct Rate {
    /// The endpoint's path under the API base.
    url: String,
    /// Connections kept open.
    connections: u32,
    /// What wrk measured.
    pub(super) requests_per_s: f64,
    /// Requests completed.
    requests: u64,
}

impl Rate {
    /// Every number, for results.json.
    pub(super) fn json(&self) -> Value {
        json!({ "url": self.url, "connections": self.connections, "requests_per_s": self.requests_per_s, "requests": self.requests })
    }
}

/// `wrk -t1 -c<connections> -d<seconds>s` on one URL, with the resource headers.
pub(super) fn wrk(
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
    let (requests_per_s, requests) = parse::wrk_rate(&text, url)?;
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
pub(super) fn peak_rss_kb(
    args: &[&std::ffi::OsStr],
    env: &[(String, String)],
) -> Result<u64, String> {
    let mut cmd = Command::new("/usr/bin/time");
    cmd.arg("-v").args(args);
    let stderr = run_bounded(&mut cmd, env, Duration::from_secs(1200), true)?;
    parse::peak_rss_kb(&stderr).ok_or(format!("no peak RSS in /usr/bin/time's output:\n{stderr}"))
}

/// A command's stdout (through a file), failing when it fails or outlives `limit` (stderr goes to
/// the terminal).
pub(super) fn output_of(
    cmd: &mut Command,
    env: &[(String, String)],
    limit: Duration,
) -> Result<String, String> {
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

/// Runs `cmd` with `env` added in a process group of its own; kills the group after `limit`.
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
    let dir = crate::target_dir().join("bench").join("tmp");
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("could not create {}: {e}", dir.display()))?;
    Ok(dir.join(format!(
        "{kind}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )))
}

/// Single-quotes a path for sh.
pub(super) fn sq(path: impl AsRef<std::ffi::OsStr>) -> String {
    let text = path.as_ref().to_string_lossy();
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_for_sh() {
        assert_eq!(sq("/tmp/a b"), "'/tmp/a b'");
        assert_eq!(sq("it's"), r"'it'\''s'");
    }
}
