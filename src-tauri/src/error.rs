//! The one error type that crosses the IPC boundary.
//!
//! Why a struct and not a string: the UI shows `message` and switches on `code` (an [`ErrorCode`],
//! a union of string literals in the bindings, so the UI has a message for every code), and puts
//! `fields` next to form inputs. Built from [`CoreError`], whose texts carry no secret.

use ccs_api::ApiError;
use ccs_core::validate::{FieldError, ParamValue, Rule};
use ccs_core::{CoreError, ErrorCode};
use serde::Serialize;
use specta::Type;
use std::collections::BTreeMap;

/// One problem with one form field.
///
/// Why `rule` and `params`: the UI shows a problem of ours in the person's language, from the rule
/// and its parameters; `message` is the English words, shown as they are when there is no rule (the
/// server's own validation messages, or a message of the app's).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldErrorView {
    /// The field's wire name (`email`, `referentMail`, …).
    pub field: String,
    /// The rule broken, when the core names one.
    pub rule: Option<Rule>,
    /// The rule's parameters (`max`, `found`, …), by name; empty without a rule.
    pub params: BTreeMap<String, ParamValue>,
    /// What is wrong, in English.
    pub message: String,
}

impl FieldErrorView {
    /// A problem that no rule names: the UI shows `message` as it is.
    pub fn plain(field: &str, message: &str) -> Self {
        Self {
            field: field.to_owned(),
            rule: None,
            params: BTreeMap::new(),
            message: message.to_owned(),
        }
    }
}

impl From<&FieldError> for FieldErrorView {
    fn from(problem: &FieldError) -> Self {
        Self {
            field: problem.field.to_owned(),
            rule: problem.rule,
            params: problem
                .params
                .iter()
                .map(|(name, value)| ((*name).to_owned(), value.clone()))
                .collect(),
            message: problem.message.clone(),
        }
    }
}

/// An error as the UI receives it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppError {
    /// Stable machine code: the core's (`CoreError::kind`) or the app's own.
    pub code: ErrorCode,
    /// What happened and what to do, in English (the UI may translate by code).
    pub message: String,
    /// Field problems (client-side checks, or the server's validation).
    pub fields: Vec<FieldErrorView>,
    /// Orange's request id, for support.
    pub request_id: Option<String>,
    /// How long the server asked to wait.
    pub retry_after_seconds: Option<u32>,
}

impl AppError {
    /// An error of the app itself (no core error behind it).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: Vec::new(),
            request_id: None,
            retry_after_seconds: None,
        }
    }
}

impl From<CoreError> for AppError {
    fn from(error: CoreError) -> Self {
        let mut view = AppError::new(error.kind(), error.to_string());
        match &error {
            CoreError::InvalidInput { fields } => {
                view.fields = fields.iter().map(FieldErrorView::from).collect();
            }
            CoreError::Api(api) => {
                view.request_id = api.request_id().map(str::to_owned);
                match api {
                    ApiError::Validation {
                        field: Some(field),
                        description,
                        message,
                        ..
                    } => {
                        view.fields.push(FieldErrorView::plain(
                            field,
                            description.as_deref().unwrap_or(message),
                        ));
                    }
                    ApiError::RateLimited { retry_after, .. } => {
                        view.retry_after_seconds =
                            retry_after.map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        view
    }
}

impl From<ApiError> for AppError {
    fn from(error: ApiError) -> Self {
        CoreError::from(error).into()
    }
}

/// What every command returns.
pub type AppResult<T> = Result<T, AppError>;
