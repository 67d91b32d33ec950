//! `ccs user create` and `ccs contract create`: checked before any request, even the token's.

use crate::args::{NewContractArgs, NewUserArgs};
use crate::commands::session;
use crate::exit;
use crate::output::{print_json, sanitize_line};
use crate::Context;
use ccs_api::{NewContract, NewUser};
use ccs_core::validate::{
    contract_with_normalized_phones, parse_civility, validate_new_contract, validate_new_user,
    with_normalized_phones, FieldError,
};
use ccs_core::CoreError;

fn io(source: std::io::Error) -> CoreError {
    CoreError::Io {
        path: "<standard output>".into(),
        source,
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// `ccs user create`.
pub async fn user(context: &Context, args: NewUserArgs) -> Result<u8, CoreError> {
    let mut problems = Vec::new();
    let civility = parse_civility(&args.civility)
        .map_err(|e| problems.push(e))
        .ok();
    let user = NewUser {
        civility: civility.unwrap_or(ccs_api::Civility::Mr),
        last_name: args.last_name.trim().to_owned(),
        first_name: args.first_name.trim().to_owned(),
        email: args.email.trim().to_owned(),
        login: args.login.trim().to_owned(),
        fix_phone: non_empty(args.fix_phone),
        mobile_phone: non_empty(args.mobile_phone),
    };
    if let Err(fields) = validate_new_user(&user) {
        problems.extend(fields);
    }
    refuse(problems)?;
    // Phones go in the one form the server reads (`+33612345678`), whatever was typed.
    let user = with_normalized_phones(user);
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
    let mut problems = Vec::new();
    let civility = parse_civility(&args.referent_civility)
        .map_err(|e| {
            problems.push(FieldError {
                field: "referentCivility",
                message: e.message,
            })
        })
        .ok();
    let contract = NewContract {
        billing_account_id: args.billing_account_id.trim().to_owned(),
        offer_code: args.offer_code.trim().to_owned(),
        contract_name: args.name.trim().to_owned(),
        support_level: args.support_level.trim().to_owned(),
        referent_civility: civility.unwrap_or(ccs_api::Civility::Mr),
        referent_name: args.referent_name.trim().to_owned(),
        referent_first_name: args.referent_first_name.trim().to_owned(),
        referent_mail: args.referent_mail.trim().to_owned(),
        referent_fix_phone: non_empty(args.referent_fix_phone),
        referent_mobile_phone: non_empty(args.referent_mobile_phone),
    };
    if let Err(fields) = validate_new_contract(&contract) {
        problems.extend(fields);
    }
    refuse(problems)?;
    let contract = contract_with_normalized_phones(contract);
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

fn refuse(problems: Vec<FieldError>) -> Result<(), CoreError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CoreError::InvalidInput { fields: problems })
    }
}
