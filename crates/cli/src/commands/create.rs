//! `ccs user create` and `ccs contract create`: checked before any request, even the token's.

use crate::args::{NewContractArgs, NewUserArgs};
use crate::commands::session;
use crate::exit;
use crate::output::{print_json, sanitize_line};
use crate::Context;
use ccs_core::forms::{self, ContractForm, UserForm};
use ccs_core::CoreError;

fn io(source: std::io::Error) -> CoreError {
    CoreError::Io {
        path: "<standard output>".into(),
        source,
    }
}

/// `ccs user create`.
pub async fn user(context: &Context, args: NewUserArgs) -> Result<u8, CoreError> {
    // Read, checked and put in the form it is sent in by core, as the app does.
    let user = forms::new_user(UserForm {
        civility: args.civility,
        first_name: args.first_name,
        last_name: args.last_name,
        email: args.email,
        login: args.login,
        fix_phone: args.fix_phone,
        mobile_phone: args.mobile_phone,
    })?;
    let session = session(context, true).await?;
    let contract = session.connection.require_contract()?;
    let created = session.client.create_user(&contract, &user).await?;
    session.keep_token().await;
    if context.out.json {
        print_json(&created).map_err(io)?;
    } else {
        // The login comes from the server: shown without its control characters.
        let login = created
            .user
            .login
            .as_deref()
            .map_or_else(|| user.login.clone(), |l| sanitize_line(l).into_owned());
        if created.already_existed {
            println!(
                "{} already had a login; it is kept: {login} (now on contract {contract})",
                user.email
            );
        } else {
            println!(
                "User {login} created on contract {contract} ({}).",
                user.email
            );
        }
    }
    Ok(exit::OK)
}

/// `ccs contract create`.
pub async fn contract(context: &Context, args: NewContractArgs) -> Result<u8, CoreError> {
    let contract = forms::new_contract(ContractForm {
        billing_account_id: args.billing_account_id,
        offer_code: args.offer_code,
        contract_name: args.name,
        support_level: args.support_level,
        referent_civility: args.referent_civility,
        referent_name: args.referent_name,
        referent_first_name: args.referent_first_name,
        referent_mail: args.referent_mail,
        referent_fix_phone: args.referent_fix_phone,
        referent_mobile_phone: args.referent_mobile_phone,
    })?;
    let session = session(context, true).await?;
    let created = session.client.create_contract(&contract).await?;
    session.keep_token().await;
    match (&created.contract, context.out.json) {
        (Some(detail), true) => print_json(detail).map_err(io)?,
        (None, true) => print_json(&created).map_err(io)?,
        (Some(detail), false) => println!(
            "Contract {} \"{}\" created{}.",
            sanitize_line(&detail.id.to_string()),
            sanitize_line(&detail.name),
            detail
                .status
                .as_deref()
                .map(|s| format!(" (status {})", sanitize_line(s)))
                .unwrap_or_default()
        ),
        (None, false) => println!(
            "Contract \"{}\" created; the server's answer did not give its id: see `ccs contracts`.",
            contract.contract_name
        ),
    }
    Ok(exit::OK)
}
