//! What a result is said to come from: the machine (CPU, cores, memory, kernel, load at start), the
//! date and the commit.
//!
//! Why printed with every table: the ratios are comparable across machines, the times are not, and a
//! busy machine (the load at start) explains an odd run.

use serde_json::{json, Value};
use std::process::Command;

/// The machine's facts, for results.json and the table's "Machine:" line.
pub(super) fn machine() -> Value {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map_or("unknown".to_owned(), |k| k.trim().to_owned());
    let load = std::fs::read_to_string("/proc/loadavg").map_or(String::new(), |l| load_average(&l));
    facts(
        &cpu_model(&read("/proc/cpuinfo")),
        cores,
        memory_total_kb(&read("/proc/meminfo")),
        &kernel,
        &load,
    )
}

/// The facts as results.json keeps them (memory in GiB, one decimal).
fn facts(cpu: &str, cores: usize, memory_kb: u64, kernel: &str, load: &str) -> Value {
    json!({
        "cpu": cpu, "cores": cores, "memory_gib": (memory_kb as f64 / 1048576.0 * 10.0).round() / 10.0,
        "kernel": kernel, "load_at_start": load,
    })
}

/// The first `model name` of /proc/cpuinfo, or "unknown".
fn cpu_model(cpuinfo: &str) -> String {
    cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown".to_owned(), |(_, v)| v.trim().to_owned())
}

/// `MemTotal` of /proc/meminfo in kB (0 when absent).
fn memory_total_kb(meminfo: &str) -> u64 {
    meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The three load averages of /proc/loadavg.
fn load_average(loadavg: &str) -> String {
    loadavg
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The table's "Machine:" line.
pub(super) fn machine_line(machine: &Value) -> String {
    format!(
        "{}, {} cores, {} GiB, Linux {} (load average at start: {})",
        machine["cpu"].as_str().unwrap_or("?"),
        machine["cores"],
        machine["memory_gib"],
        machine["kernel"].as_str().unwrap_or("?"),
        machine["load_at_start"].as_str().unwrap_or("?")
    )
}

/// Now, to the minute, in UTC (`date -u`).
pub(super) fn now_utc() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// The short commit measured, "(with uncommitted changes)" when the tree differs from it.
pub(super) fn commit() -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_machine_line_says_cpu_cores_memory_kernel_and_load() {
        let cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n\
                       processor\t: 1\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n";
        let meminfo = "MemTotal:        8131476 kB\nMemFree:          123456 kB\n";
        let machine = facts(
            &cpu_model(cpuinfo),
            2,
            memory_total_kb(meminfo),
            "6.8.0-45-generic",
            &load_average("0.52 0.61 0.70 1/345 12345\n"),
        );
        assert_eq!(
            machine_line(&machine),
            "Intel(R) Xeon(R) CPU @ 2.20GHz, 2 cores, 7.8 GiB, Linux 6.8.0-45-generic (load average at start: 0.52 0.61 0.70)"
        );
    }

    #[test]
    fn unreadable_facts_are_unknown_not_an_error() {
        assert_eq!(cpu_model(""), "unknown");
        assert_eq!(memory_total_kb(""), 0);
        assert_eq!(
            machine_line(&json!({})),
            "?, null cores, null GiB, Linux ? (load average at start: ?)"
        );
    }
}
