// The one list of the app's commands, as `module::command` under `src/commands/`. Included (with
// `include!`) by `build.rs`, which makes each a permission of the app manifest, and by `lib.rs`,
// which registers them with tauri-specta for the bindings and the invoke handler. A new command is
// added here and nowhere else in Rust; `tests/commands.rs` fails when the capability
// (`capabilities/default.json`) or the generated permissions disagree with this list.
//
// `app_commands!(callback)` calls `callback!(profiles::list_profiles, …)`.
macro_rules! app_commands {
    ($callback:ident) => {
        $callback!(
            profiles::list_profiles,
            profiles::save_profile,
            profiles::remove_profile,
            profiles::set_default_profile,
            profiles::import_postman,
            connection::start_sandbox,
            connection::connect,
            connection::open_start_profile,
            connection::auth_check,
            data::list_contracts,
            data::contract_detail,
            documents::load_documents,
            documents::document_rows,
            documents::select_documents,
            files::download_document,
            files::download_documents,
            files::retry_documents,
            archive::save_archive,
            files::cancel_downloads,
            files::cancel_save,
            data::create_user,
            data::create_contract,
            data::phone_as_sent,
            connection::get_settings,
            connection::set_proxy,
            files::open_path,
            files::reveal_path,
            connection::diagnostics,
        )
    };
}
