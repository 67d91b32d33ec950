//! Build script: Tauri's code generation, with an app manifest so that every command must be allowed
//! by a capability (capabilities/default.json) — the web view can call nothing else.

fn main() {
    let commands: &[&str] = &[
        "list_profiles",
        "save_profile",
        "remove_profile",
        "set_default_profile",
        "import_postman",
        "start_sandbox",
        "connect",
        "open_start_profile",
        "auth_check",
        "list_contracts",
        "contract_detail",
        "load_documents",
        "document_rows",
        "select_documents",
        "download_document",
        "download_documents",
        "cancel_downloads",
        "cancel_save",
        "create_user",
        "create_contract",
        "phone_as_sent",
        "get_settings",
        "set_proxy",
        "open_path",
        "reveal_path",
        "diagnostics",
    ];
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(commands));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
