//! The one error type that crosses the IPC boundary.
//!
//! Why a struct and not a string: the UI shows `message` and switches on `code` (the core's stable
//! `kind()`), and puts `fields` next to form inputs. Built from [`CoreError`], whose texts carry no
//! secret.

use ccs_api::ApiError;
use ccs_core::CoreError;
use serde::Serialize;
use specta::Type;

/// One problem with one form field.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldErrorView {
    /// The field's wire name (`email`, `referentMail`, …).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// An error as the UI receives it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppError {
    /// Stable machine code (see `ccs_core::CoreError::kind`), plus `cancelled` and `dialog`.
    pub code: String,
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
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
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
                view.fields = fields
                    .iter()
                    .map(|f| FieldErrorView {
                        field: f.field.to_owned(),
                        message: f.message.clone(),
                    })
                    .collect();
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
                        view.fields.push(FieldErrorView {
                            field: field.clone(),
                            message: description.clone().unwrap_or_else(|| message.clone()),
                        });
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
