//! Cargo's output folder: the one answer every command of xtask uses to find what cargo built.
//!
//! Why one function: the bench, the GUI suite and the packaging all look for binaries cargo built,
//! and two readings of `CARGO_TARGET_DIR` once gave two folders for the same relative value. Cargo
//! reads a relative `CARGO_TARGET_DIR` against its current folder (not the workspace root: checked
//! with `cargo metadata` from a sub-folder), so xtask does the same, and [`export_absolute`] hands the
//! absolute answer to everything xtask starts, whatever folder those programs run in (`npx tauri` in
//! the root, the GUI scripts in tests/e2e, whose `targetDir()` then agrees too).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Where cargo puts its output: `CARGO_TARGET_DIR` (relative to the current folder, as cargo reads
/// it), else the target folder this xtask binary was built in (which follows a `build.target-dir`
/// of a cargo config), else `<root>/target`.
pub fn target_dir() -> PathBuf {
    let root = crate::project_root();
    let current = std::env::current_dir().unwrap_or_else(|_| root.clone());
    resolve(
        std::env::var_os("CARGO_TARGET_DIR").as_deref(),
        &current,
        built_in().as_deref(),
        &root,
    )
}

/// Makes a relative `CARGO_TARGET_DIR` absolute in xtask's own environment, before anything runs,
/// so that the programs xtask starts (cargo, `npx tauri`, node), whatever their current folder, use
/// the folder [`target_dir`] names.
pub fn export_absolute() {
    let relative = std::env::var_os("CARGO_TARGET_DIR")
        .is_some_and(|value| !value.is_empty() && Path::new(&value).is_relative());
    if relative {
        // Called first thing in `main`, while xtask has a single thread.
        std::env::set_var("CARGO_TARGET_DIR", target_dir());
    }
}

/// The target folder holding this xtask binary (`<target>/<profile>/xtask`), recognised by the
/// `CACHEDIR.TAG` cargo writes in every target folder.
fn built_in() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let target = exe.parent()?.parent()?;
    target
        .join("CACHEDIR.TAG")
        .is_file()
        .then(|| target.to_path_buf())
}

/// The rule of [`target_dir`], pure: `value` is `CARGO_TARGET_DIR` (empty counts as unset),
/// `current` the current folder, `built_in` the target folder xtask was built in, `root` the
/// repository's root.
fn resolve(value: Option<&OsStr>, current: &Path, built_in: Option<&Path>, root: &Path) -> PathBuf {
    match value.filter(|value| !value.is_empty()) {
        // `join` keeps an absolute value as it is.
        Some(value) => current.join(value),
        None => built_in.map_or_else(|| root.join("target"), Path::to_path_buf),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &str = "/work/repo";
    const CURRENT: &str = "/work/repo/crates/cli";

    fn resolved(value: Option<&str>, built_in: Option<&str>) -> PathBuf {
        resolve(
            value.map(OsStr::new),
            Path::new(CURRENT),
            built_in.map(Path::new),
            Path::new(ROOT),
        )
    }

    #[test]
    fn an_absolute_value_is_taken_as_it_is() {
        assert_eq!(
            resolved(Some("/cache/target"), Some("/elsewhere")),
            Path::new("/cache/target")
        );
    }

    #[test]
    fn a_relative_value_is_read_against_the_current_folder_as_cargo_does() {
        assert_eq!(
            resolved(Some("out"), None),
            Path::new("/work/repo/crates/cli/out")
        );
        assert_eq!(
            resolved(Some("../../t"), None),
            Path::new("/work/repo/crates/cli/../../t")
        );
    }

    #[test]
    fn unset_or_empty_is_where_xtask_was_built_else_the_root_target() {
        for value in [None, Some("")] {
            assert_eq!(
                resolved(value, Some("/cache/target")),
                Path::new("/cache/target")
            );
            assert_eq!(resolved(value, None), Path::new("/work/repo/target"));
        }
    }
}
