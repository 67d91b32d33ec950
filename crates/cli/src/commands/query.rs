//! Read-only commands: `auth check`, `contracts`, `contract show`, `documents`.

use crate::args::{DocumentsArgs, Filters};
use crate::commands::session;
use crate::exit;
use crate::output::{
    human_amount, human_date, human_period, human_size, print_json, print_table, sanitize_line,
    Output,
};
use crate::Context;
use ccs_api::{ContractId, Document, DocumentsQuery, YearMonth};
use ccs_core::export::documents_to_csv;
use ccs_core::session::Session;
use ccs_core::validate::{parse_document_type, parse_year_month, FieldError};
use ccs_core::CoreError;
use serde_json::json;
use std::time::SystemTime;

fn io(source: std::io::Error) -> CoreError {
    CoreError::Io {
        path: "<standard output>".into(),
        source,
    }
}

/// `ccs auth check`: a fresh token proves the client secret, listing contracts proves the API key.
pub async fn auth_check(context: &Context) -> Result<u8, CoreError> {
    let session = session(context, false).await?;
    let token = session.client.ensure_token().await?;
    let contracts = session.client.list_contracts().await?;
    session.keep_token().await;
    let left = token
        .expires_at
        .duration_since(SystemTime::now())
        .map(|d| d.as_secs())
        .unwrap_or(0);
    if context.out.json {
        print_json(&json!({
            "profile": session.connection.profile,
            "host": session.client.api_base().as_str(),
            "clientId": session.connection.credentials.client_id.as_str(),
            "tokenLifetimeSeconds": token.lifetime.as_secs(),
            "tokenSecondsLeft": left,
            "contracts": contracts.len(),
        }))
        .map_err(io)?;
    } else {
        let profile = session
            .connection
            .profile
            .as_deref()
            .unwrap_or("(environment)");
        println!("Profile:        {profile}");
        println!("API host:       {}", session.client.api_base());
        println!(
            "Client secret:  OK (a token was issued, valid {} min)",
            token.lifetime.as_secs() / 60
        );
        println!(
            "API key:        OK ({} contract{} visible)",
            contracts.len(),
            if contracts.len() == 1 { "" } else { "s" }
        );
    }
    Ok(exit::OK)
}

/// `ccs contracts`.
pub async fn contracts(context: &Context) -> Result<u8, CoreError> {
    let session = session(context, true).await?;
    let contracts = session.client.list_contracts().await?;
    session.keep_token().await;
    if context.out.json {
        print_json(&contracts).map_err(io)?;
    } else if contracts.is_empty() {
        context.out.note("This API key sees no contract.");
    } else {
        let rows: Vec<Vec<String>> = contracts
            .iter()
            .map(|c| {
                vec![
                    c.id.to_string(),
                    c.name.clone(),
                    c.offer
                        .as_ref()
                        .and_then(|o| o.name.clone())
                        .unwrap_or_default(),
                    human_date(c.created_at.as_deref()),
                ]
            })
            .collect();
        print_table(&["CONTRACT", "NAME", "OFFER", "CREATED"], &rows).map_err(io)?;
    }
    Ok(exit::OK)
}

/// `ccs contract show`.
pub async fn contract_show(context: &Context) -> Result<u8, CoreError> {
    let session = session(context, true).await?;
    let contract = session.connection.require_contract()?;
    let detail = session.client.contract_detail(&contract).await?;
    session.keep_token().await;
    if context.out.json {
        print_json(&detail).map_err(io)?;
        return Ok(exit::OK);
    }
    let mut rows: Vec<(String, String)> = vec![
        ("Contract".into(), detail.id.to_string()),
        ("Name".into(), detail.name.clone()),
    ];
    let mut push = |label: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            rows.push((label.to_owned(), value));
        }
    };
    push("Status", detail.status.clone());
    push("Type", detail.contract_type.clone());
    push("Offer", detail.offer.as_ref().and_then(|o| o.name.clone()));
    push(
        "Customer",
        detail.customer.as_ref().and_then(|c| c.name.clone()),
    );
    push(
        "Customer id",
        detail.customer.as_ref().and_then(|c| c.id.clone()),
    );
    push("Billing account", detail.billing_account_id.clone());
    push("Support level", detail.support_level.clone());
    push("Platform", detail.platform_id.clone());
    push(
        "Created",
        detail.created_at.as_deref().map(|d| human_date(Some(d))),
    );
    push(
        "Updated",
        detail.updated_at.as_deref().map(|d| human_date(Some(d))),
    );
    if let Some(contact) = &detail.contact {
        let name = [
            contact.civility.as_deref(),
            contact.first_name.as_deref(),
            contact.last_name.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        push("Referent", Some(name));
        push("Referent email", contact.email.clone());
        push("Referent phone", contact.fix_phone.clone());
        push("Referent mobile", contact.mobile_phone.clone());
    }
    for (key, value) in &detail.extra {
        push(
            key,
            Some(
                value
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| value.to_string()),
            ),
        );
    }
    // Labels of extra fields and every value are the server's text: one safe line each.
    for (label, value) in rows {
        println!(
            "{:<17} {}",
            format!("{}:", sanitize_line(&label)),
            sanitize_line(&value)
        );
    }
    Ok(exit::OK)
}

/// The documents a `documents` or `download` command is about, newest first.
pub struct Listing {
    /// Documents that pass the filters.
    pub documents: Vec<Document>,
    /// True when the last answer filled the limit (there may be more).
    pub filled_limit: bool,
    /// The limit of the last request.
    pub limit: u32,
}

/// The filters of `documents` and `download`, checked.
pub struct CheckedFilters {
    /// One type, or all.
    pub document_type: Option<ccs_api::DocumentType>,
    /// First month, inclusive.
    pub from: Option<YearMonth>,
    /// Last month, inclusive.
    pub to: Option<YearMonth>,
}

/// `--from` and `--to` (`YYYY-MM`, inclusive), each problem named by its flag; `--from` not after
/// `--to`.
pub fn checked_months(
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(Option<YearMonth>, Option<YearMonth>), CoreError> {
    let month = |field: &'static str, text: Option<&str>| {
        text.map(|t| {
            parse_year_month(t).map_err(|problem| CoreError::InvalidInput {
                fields: vec![FieldError { field, ..problem }],
            })
        })
        .transpose()
    };
    let from = month("from", from)?;
    let to = month("to", to)?;
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err(CoreError::field("from", "--from is after --to"));
        }
    }
    Ok((from, to))
}

/// Checks the filters before any request (even the token request).
pub fn checked_filters(filters: &Filters) -> Result<CheckedFilters, CoreError> {
    let document_type = filters
        .document_type
        .as_deref()
        .map(|t| parse_document_type(t).map_err(|m| CoreError::field("type", m)))
        .transpose()?;
    let (from, to) = checked_months(filters.from.as_deref(), filters.to.as_deref())?;
    if filters.limit == 0 || filters.limit > DocumentsQuery::MAX_LIMIT {
        return Err(CoreError::field(
            "limit",
            format!(
                "--limit must be between 1 and {}",
                DocumentsQuery::MAX_LIMIT
            ),
        ));
    }
    Ok(CheckedFilters {
        document_type,
        from,
        to,
    })
}

/// Lists documents; with `all`, asks again with a ten times larger limit while the answer fills it.
pub async fn fetch(
    session: &Session,
    contract: &ContractId,
    filters: &Filters,
    all: bool,
) -> Result<Listing, CoreError> {
    let CheckedFilters {
        document_type,
        from,
        to,
    } = checked_filters(filters)?;
    let mut limit = filters.limit;
    let list = loop {
        let query = DocumentsQuery {
            document_type: document_type.clone(),
            limit,
        };
        let list = session.client.list_documents(contract, &query).await?;
        if !(all && list.filled_limit && limit < DocumentsQuery::MAX_LIMIT) {
            break list;
        }
        limit = limit.saturating_mul(10).min(DocumentsQuery::MAX_LIMIT);
    };
    let documents = list
        .documents
        .into_iter()
        .filter(|d| match d.year_month() {
            Some(period) => from.is_none_or(|f| period >= f) && to.is_none_or(|t| period <= t),
            None => from.is_none() && to.is_none(),
        })
        .collect();
    Ok(Listing {
        documents,
        filled_limit: list.filled_limit,
        limit: list.limit,
    })
}

/// Warns that the answer filled the limit, and how to see more.
pub fn warn_if_filled(out: Output, listing: &Listing) {
    if listing.filled_limit {
        let hint = if listing.limit >= DocumentsQuery::MAX_LIMIT {
            "this is the API's maximum".to_owned()
        } else {
            format!(
                "there may be more: use --limit {} or --all",
                (listing.limit.saturating_mul(10)).min(DocumentsQuery::MAX_LIMIT)
            )
        };
        out.warn(format!(
            "the answer has {} documents, the limit asked for; {hint}",
            listing.limit
        ));
    }
}

/// `ccs documents`.
pub async fn documents(context: &Context, args: DocumentsArgs) -> Result<u8, CoreError> {
    checked_filters(&args.filters)?;
    let session = session(context, true).await?;
    let contract = session.connection.require_contract()?;
    let listing = fetch(&session, &contract, &args.filters, args.all).await?;
    session.keep_token().await;
    warn_if_filled(context.out, &listing);
    if args.csv {
        use std::io::Write;
        std::io::stdout()
            .lock()
            .write_all(documents_to_csv(&listing.documents).as_bytes())
            .map_err(io)?;
    } else if context.out.json {
        // The API's objects as they came (every field the server sent), serialised straight to stdout.
        print_json(&listing.documents).map_err(io)?;
    } else if listing.documents.is_empty() {
        context.out.note(format!(
            "No documents for contract {contract} with these filters."
        ));
    } else {
        let rows: Vec<Vec<String>> = listing
            .documents
            .iter()
            .map(|d| {
                vec![
                    d.id.to_string(),
                    d.document_type
                        .as_ref()
                        .map(|t| t.to_string())
                        .unwrap_or_default(),
                    human_period(&d.period),
                    d.size.map(human_size).unwrap_or_default(),
                    d.amount
                        .map(|a| human_amount(a, d.currency.as_deref()))
                        .unwrap_or_default(),
                    // Shown escaped by the table (a name may hold controls, see output.rs).
                    d.filename.clone(),
                ]
            })
            .collect();
        print_table(&["ID", "TYPE", "PERIOD", "SIZE", "AMOUNT", "FILE"], &rows).map_err(io)?;
        context.out.note(format!(
            "{} document{}",
            rows.len(),
            if rows.len() == 1 { "" } else { "s" }
        ));
    }
    Ok(exit::OK)
}
