//! `ccs profile …`: profiles in the config file, secrets in the keychain.

use crate::args::ProfileCommand;
use crate::exit;
use crate::output::{print_json, print_table, sanitize_line};
use crate::prompt::read_secrets;
use crate::Context;
use ccs_api::parse_base_url;
use ccs_core::import::import_postman_environment;
use ccs_core::profile_edit;
use ccs_core::profiles::{check_profile_name, Profile};
use ccs_core::settings::parse_contract;
use ccs_core::CoreError;
use serde_json::json;

/// Runs a profile command.
pub async fn run(context: &Context, command: ProfileCommand) -> Result<u8, CoreError> {
    match command {
        ProfileCommand::Add {
            name,
            client_id,
            stdin,
        } => add(context, name, client_id, stdin),
        ProfileCommand::Set {
            name,
            client_id,
            secrets,
            stdin,
        } => set(context, &name, client_id, secrets, stdin),
        ProfileCommand::Rename { old, new } => {
            profile_edit::rename(&context.store, &context.keychain, &old, &new)?;
            done(
                context,
                &format!("Profile \"{old}\" is now \"{new}\"."),
                json!({ "renamed": old, "to": new }),
            )
        }
        ProfileCommand::List => list(context),
        ProfileCommand::Show { name } => show(context, &name),
        ProfileCommand::Remove { name } => {
            profile_edit::remove(&context.store, &context.keychain, &name)?;
            done(
                context,
                &format!("Profile \"{name}\" and its keychain entries are removed."),
                json!({ "removed": name }),
            )
        }
        ProfileCommand::Default { name } => {
            context.store.set_default(&name)?;
            done(
                context,
                &format!("\"{name}\" is the default profile."),
                json!({ "default": name }),
            )
        }
        ProfileCommand::ImportPostman { file, name } => {
            let report = import_postman_environment(
                &file,
                name.as_deref(),
                &context.store,
                &context.keychain,
            )?;
            if context.out.json {
                print_json(&report).map_err(io)?;
            } else {
                // Names of keys come from the imported file: shown without control characters.
                println!(
                    "Profile \"{}\" created from {}.",
                    report.profile,
                    file.display()
                );
                println!(
                    "Imported: {}",
                    sanitize_line(&list_or_none(&report.imported))
                );
                println!(
                    "Still to fill in: {}",
                    sanitize_line(&list_or_none(&report.to_fill_in))
                );
                println!("Ignored: {}", sanitize_line(&list_or_none(&report.ignored)));
                println!(
                    "Next: ccs profile set {} --client-id ID --secrets   (and --contract ID if needed)",
                    report.profile
                );
            }
            Ok(exit::OK)
        }
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "nothing".into()
    } else {
        items.join(", ")
    }
}

fn io(source: std::io::Error) -> CoreError {
    CoreError::Io {
        path: "<standard output>".into(),
        source,
    }
}

fn done(context: &Context, text: &str, value: serde_json::Value) -> Result<u8, CoreError> {
    if context.out.json {
        print_json(&value).map_err(io)?;
    } else if !context.out.quiet {
        println!("{text}");
    }
    Ok(exit::OK)
}

/// Host, OAuth host and contract from the flags, checked before anything is stored.
struct CheckedSettings {
    host: Option<String>,
    oauth_host: Option<String>,
    contract: Option<ccs_api::ContractId>,
}

/// Checks the URL flags and the contract flag before anything is stored.
fn checked_settings(context: &Context) -> Result<CheckedSettings, CoreError> {
    let url = |what: &str, text: Option<&str>| -> Result<Option<String>, CoreError> {
        Ok(text
            .map(|t| parse_base_url(what, t))
            .transpose()?
            .map(|u| trim_slash(u.to_string())))
    };
    Ok(CheckedSettings {
        host: url("API host", context.global.host.as_deref())?,
        oauth_host: url("OAuth host", context.global.oauth_host.as_deref())?,
        contract: context
            .global
            .contract
            .as_deref()
            .map(parse_contract)
            .transpose()?,
    })
}

fn trim_slash(url: String) -> String {
    url.trim_end_matches('/').to_owned()
}

fn add(context: &Context, name: String, client_id: String, stdin: bool) -> Result<u8, CoreError> {
    check_profile_name(&name)?;
    if context.store.get(&name)?.is_some() {
        return Err(CoreError::ProfileExists { name });
    }
    let client_id = client_id.trim().to_owned();
    if client_id.is_empty() {
        return Err(CoreError::field("clientId", "the client id is empty"));
    }
    let CheckedSettings {
        host,
        oauth_host,
        contract: default_contract,
    } = checked_settings(context)?;
    let (secret, key) = read_secrets(stdin)?;
    let profile = Profile {
        name: name.clone(),
        host,
        oauth_host,
        client_id: Some(client_id),
        default_contract,
    };
    profile_edit::add(&context.store, &context.keychain, &profile, &secret, &key)?;
    done(
        context,
        &format!("Profile \"{name}\" added; its client secret and API key are in the OS keychain. Try `ccs auth check`."),
        json!({ "added": name }),
    )
}

fn set(
    context: &Context,
    name: &str,
    client_id: Option<String>,
    secrets: bool,
    stdin: bool,
) -> Result<u8, CoreError> {
    let mut profile = context.store.require(name)?;
    let CheckedSettings {
        host,
        oauth_host,
        contract,
    } = checked_settings(context)?;
    let mut changed = Vec::new();
    if let Some(id) = client_id {
        profile.client_id = Some(id.trim().to_owned());
        changed.push("client id");
    }
    if host.is_some() {
        profile.host = host;
        changed.push("host");
    }
    if oauth_host.is_some() {
        profile.oauth_host = oauth_host;
        changed.push("OAuth host");
    }
    if contract.is_some() {
        profile.default_contract = contract;
        changed.push("default contract");
    }
    if secrets {
        let (secret, key) = read_secrets(stdin)?;
        profile_edit::store_secrets(&context.keychain, name, Some(&secret), Some(&key))?;
        changed.push("client secret and API key");
    }
    if changed.is_empty() {
        return Err(CoreError::field(
            "profile",
            "nothing to change: give --client-id, --host, --oauth-host, --contract or --secrets",
        ));
    }
    // A new client id or host makes the kept token a stranger's: core drops it.
    profile_edit::update(&context.store, &context.keychain, &profile)?;
    done(
        context,
        &format!("Profile \"{name}\": updated {}.", changed.join(", ")),
        json!({ "updated": name, "changed": changed }),
    )
}

fn stored(flag: bool) -> &'static str {
    if flag {
        "stored"
    } else {
        "not stored"
    }
}

fn list(context: &Context) -> Result<u8, CoreError> {
    let profiles = context.store.list()?;
    let default = context.store.default_name()?;
    let mut rows = Vec::new();
    let mut values = Vec::new();
    for profile in &profiles {
        let status = context.keychain.status(&profile.name);
        let secrets = match &status {
            Ok(s) if s.client_secret && s.api_key => "stored".to_owned(),
            Ok(s) => format!(
                "secret {}, key {}",
                stored(s.client_secret),
                stored(s.api_key)
            ),
            Err(_) => "keychain unavailable".to_owned(),
        };
        let is_default = default.as_deref() == Some(profile.name.as_str());
        rows.push(vec![
            format!("{}{}", profile.name, if is_default { " *" } else { "" }),
            profile.host.clone().unwrap_or_else(|| "(Orange)".into()),
            profile.client_id.clone().unwrap_or_default(),
            profile
                .default_contract
                .as_ref()
                .map(|c| c.to_string())
                .unwrap_or_default(),
            secrets,
        ]);
        values.push(json!({
            "name": profile.name, "default": is_default, "host": profile.host, "oauthHost": profile.oauth_host,
            "clientId": profile.client_id, "defaultContract": profile.default_contract,
            "secrets": status.ok(),
        }));
    }
    if context.out.json {
        print_json(&values).map_err(io)?;
    } else if profiles.is_empty() {
        context
            .out
            .note("No profile yet. Add one with `ccs profile add NAME --client-id ID`.");
    } else {
        print_table(
            &["PROFILE", "HOST", "CLIENT ID", "CONTRACT", "SECRETS"],
            &rows,
        )
        .map_err(io)?;
    }
    Ok(exit::OK)
}

fn show(context: &Context, name: &str) -> Result<u8, CoreError> {
    let profile = context.store.require(name)?;
    let status = context.keychain.status(name)?;
    let is_default = context.store.default_name()?.as_deref() == Some(name);
    if context.out.json {
        print_json(&json!({
            "name": profile.name, "default": is_default, "host": profile.host, "oauthHost": profile.oauth_host,
            "clientId": profile.client_id, "defaultContract": profile.default_contract, "secrets": status,
        }))
        .map_err(io)?;
    } else {
        let rows = vec![
            vec![
                "Profile".into(),
                format!(
                    "{}{}",
                    profile.name,
                    if is_default { " (default)" } else { "" }
                ),
            ],
            vec![
                "API host".into(),
                profile
                    .host
                    .unwrap_or_else(|| ccs_api::DEFAULT_API_BASE.into()),
            ],
            vec![
                "OAuth host".into(),
                profile
                    .oauth_host
                    .unwrap_or_else(|| ccs_api::DEFAULT_OAUTH_BASE.into()),
            ],
            vec![
                "Client id".into(),
                profile.client_id.unwrap_or_else(|| "(not set)".into()),
            ],
            vec![
                "Default contract".into(),
                profile
                    .default_contract
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "(none)".into()),
            ],
            vec!["Client secret".into(), stored(status.client_secret).into()],
            vec!["API key".into(), stored(status.api_key).into()],
        ];
        for row in rows {
            println!("{:<17} {}", format!("{}:", row[0]), row[1]);
        }
    }
    Ok(exit::OK)
}
