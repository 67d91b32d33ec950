//! Build script: Tauri's code generation, with an app manifest so that every command must be allowed
//! by a capability (capabilities/default.json) — the web view can call nothing else.

include!("src/command_list.rs");

/// The names of the commands of `src/command_list.rs`.
macro_rules! command_names {
    ($($module:ident :: $command:ident),* $(,)?) => {
        &[$(stringify!($command)),*]
    };
}

fn main() {
    // tauri-build names the files it watches, which turns off "rerun on any change": the list too.
    println!("cargo:rerun-if-changed=src/command_list.rs");
    let commands: &[&str] = app_commands!(command_names);
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(commands));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
