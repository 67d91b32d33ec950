//! JSON body validation with Orange's codes: 21 missing body, 22 invalid body, 23 missing
//! field, 24 invalid field (the field is named in `description`).

use serde_json::{Map, Value};

use crate::errors::ApiError;

/// The body as a JSON object.
pub(crate) fn object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::new(
            400,
            21,
            "Missing body: a JSON object is expected.",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::new(
            400,
            22,
            "Invalid body: a JSON object is expected.",
        )),
        Err(error) => Err(ApiError::new(400, 22, format!("Invalid body: {error}"))),
    }
}

fn invalid(field: &str, why: &str) -> ApiError {
    ApiError::new(400, 24, format!("Invalid body field: {field} {why}"))
}

/// A required, non-empty string field.
pub(crate) fn required(map: &Map<String, Value>, field: &str) -> Result<String, ApiError> {
    match map.get(field) {
        None | Some(Value::Null) => Err(ApiError::new(
            400,
            23,
            format!("Missing body field: {field}"),
        )),
        Some(Value::String(text)) if text.trim().is_empty() => {
            Err(invalid(field, "must not be empty"))
        }
        Some(Value::String(text)) => Ok(text.trim().to_owned()),
        Some(_) => Err(invalid(field, "must be a string")),
    }
}

/// An optional string field.
pub(crate) fn optional(map: &Map<String, Value>, field: &str) -> Result<Option<String>, ApiError> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.trim().to_owned())),
        Some(_) => Err(invalid(field, "must be a string")),
    }
}

/// Checks the first missing field among `fields` before any other validation, so the answer
/// names the field a client forgot.
pub(crate) fn all_present(map: &Map<String, Value>, fields: &[&str]) -> Result<(), ApiError> {
    for field in fields {
        if matches!(map.get(*field), None | Some(Value::Null)) {
            return Err(ApiError::new(
                400,
                23,
                format!("Missing body field: {field}"),
            ));
        }
    }
    Ok(())
}

/// `Mr` or `Mrs`, as the customer space offers.
pub(crate) fn civility(value: &str, field: &str) -> Result<(), ApiError> {
    if value == "Mr" || value == "Mrs" {
        Ok(())
    } else {
        Err(invalid(field, "must be Mr or Mrs"))
    }
}

/// A plausible e-mail address: one `@`, a non-empty local part, a dotted domain, no spaces.
pub(crate) fn email(value: &str, field: &str) -> Result<(), ApiError> {
    let valid = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err(invalid(field, "must be an e-mail address"))
    }
}

/// `^[A-Za-z0-9._-]{8,64}$`.
pub(crate) fn login(value: &str, field: &str) -> Result<(), ApiError> {
    let valid = (8..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(invalid(
            field,
            "must be 8 to 64 letters without accents, digits, '.', '_' or '-'",
        ))
    }
}
