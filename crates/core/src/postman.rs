//! Reading a Postman environment export, so that people who used the Postman guide can start here.
//!
//! Why: Orange's user guide has customers keep the API key and contract id in a Postman environment
//! (`OrangeCloud_API.postman_environment.json`). Importing that file saves retyping a very long key. The
//! file as shipped holds placeholders ("Your API_KEY provided to you by ECC team"), so each value is
//! checked and placeholders are reported as still to fill in rather than stored as if they were real.
//! The `Token` entry is an expired access token: it is never read into the result.
//!
//! Parsing only: storing the key in the keychain is done elsewhere.

use ccs_api::{ContractId, SecretString};
use serde_json::Value;

/// What a Postman environment gives us.
///
/// Why `Debug` is safe to log: the API key is a [`SecretString`], whose `Debug` prints a redaction.
#[derive(Debug, Clone)]
pub struct PostmanEnvironment {
    /// The environment's name in Postman (empty when the file has none), a natural profile name.
    pub name: String,
    /// The resource API's base URL (`Host`), as written; not yet checked as a URL.
    pub host: Option<String>,
    /// The OAuth base URL (`oauth_host`), as written; not yet checked as a URL.
    pub oauth_host: Option<String>,
    /// The contract (`Contract-Id`), when it is a real contract number.
    pub contract: Option<ContractId>,
    /// The API key (`X-API-Key`), when it looks like a real key.
    pub api_key: Option<SecretString>,
    /// Keys we know whose value is still a placeholder, as spelt in the file: the person must fill them
    /// in by hand.
    pub to_fill_in: Vec<String>,
    /// Keys we did not take, as spelt in the file: `Token`, disabled values, and keys we do not know.
    pub ignored: Vec<String>,
}

/// Why a file could not be read as a Postman environment.
#[derive(Debug, thiserror::Error)]
pub enum PostmanError {
    /// The text is not JSON at all.
    #[error(
        "this file is not JSON ({0}); in Postman, export the environment and choose that file"
    )]
    NotJson(#[source] serde_json::Error),
    /// A Postman collection (the requests) was chosen instead of the environment (the values).
    #[error(
        "this is a Postman collection (the requests), not an environment (the values): in Postman, \
         open Environments, choose the environment's \"…\" menu, Export, and import that file instead"
    )]
    IsACollection,
    /// JSON, but without the `values` list every environment export has.
    #[error(
        "this JSON is not a Postman environment: it has no \"values\" list; in Postman, open \
         Environments and export the environment"
    )]
    NotAnEnvironment,
}

/// The keys we read, by their normalised spelling (see [`normalise_key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    /// `X-API-Key`.
    ApiKey,
    /// `Contract-Id`.
    Contract,
    /// `Host`.
    Host,
    /// `oauth_host`.
    OauthHost,
    /// `Token`: recognised only to be ignored.
    Token,
}

/// Words that only appear in the instructions the guide's file holds in place of real values.
const PLACEHOLDER_MARKERS: [&str; 8] = [
    "your",
    "provided",
    "id of the",
    "xxxx",
    "<",
    ">",
    "{{",
    "returned by",
];

/// Reads a Postman environment export (the JSON text of the file).
///
/// Keys are matched ignoring case, `-`, `_` and spaces (`x-api-key`, `OAUTH_HOST`). A placeholder or an
/// invalid value leaves the field `None` and its key in `to_fill_in`; when a key appears twice, the
/// first real value wins.
pub fn parse_postman_environment(json: &str) -> Result<PostmanEnvironment, PostmanError> {
    let document: Value = serde_json::from_str(json).map_err(PostmanError::NotJson)?;
    let Some(object) = document.as_object() else {
        return Err(PostmanError::NotAnEnvironment);
    };
    let has_collection_info = object
        .get("info")
        .and_then(Value::as_object)
        .is_some_and(|info| info.contains_key("_postman_id") || info.contains_key("schema"));
    if has_collection_info || object.get("item").is_some_and(Value::is_array) {
        return Err(PostmanError::IsACollection);
    }
    let Some(values) = object.get("values").and_then(Value::as_array) else {
        return Err(PostmanError::NotAnEnvironment);
    };

    let mut environment = PostmanEnvironment {
        name: object
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_owned(),
        host: None,
        oauth_host: None,
        contract: None,
        api_key: None,
        to_fill_in: Vec::new(),
        ignored: Vec::new(),
    };
    // Placeholders seen, with the field they were for, so a later real value can clear them.
    let mut placeholders: Vec<(Known, String)> = Vec::new();

    for entry in values {
        let key = entry
            .get("key")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let enabled = entry
            .get("enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let known = known_key(&key);
        let Some(known) = known.filter(|known| enabled && *known != Known::Token) else {
            environment.ignored.push(key);
            continue;
        };
        let value = match entry.get("value") {
            Some(Value::String(text)) => text.trim().to_owned(),
            Some(number @ Value::Number(_)) => number.to_string(),
            _ => String::new(),
        };
        if !environment.take(known, &value) {
            placeholders.push((known, key));
        }
    }
    environment.to_fill_in = placeholders
        .into_iter()
        .filter(|(known, _)| !environment.is_set(*known))
        .map(|(_, key)| key)
        .collect();
    Ok(environment)
}

impl PostmanEnvironment {
    /// Stores `value` for `known` unless it is a placeholder or the field already has a real value;
    /// returns whether the value was real.
    fn take(&mut self, known: Known, value: &str) -> bool {
        if looks_like_placeholder(value) {
            return false;
        }
        match known {
            Known::ApiKey => {
                if value.chars().any(char::is_whitespace) {
                    return false;
                }
                if self.api_key.is_none() {
                    self.api_key = Some(SecretString::from(value.to_owned()));
                }
            }
            Known::Contract => match ContractId::parse(value) {
                Ok(contract) => {
                    self.contract.get_or_insert(contract);
                }
                Err(_) => return false,
            },
            Known::Host | Known::OauthHost => {
                if value.chars().any(char::is_whitespace) {
                    return false;
                }
                let slot = if known == Known::Host {
                    &mut self.host
                } else {
                    &mut self.oauth_host
                };
                slot.get_or_insert_with(|| value.to_owned());
            }
            Known::Token => return false,
        }
        true
    }

    /// Whether a real value was found for `known`.
    fn is_set(&self, known: Known) -> bool {
        match known {
            Known::ApiKey => self.api_key.is_some(),
            Known::Contract => self.contract.is_some(),
            Known::Host => self.host.is_some(),
            Known::OauthHost => self.oauth_host.is_some(),
            Known::Token => false,
        }
    }
}

/// Which of our keys `key` is, ignoring case, `-`, `_` and spaces.
fn known_key(key: &str) -> Option<Known> {
    match normalise_key(key).as_str() {
        "xapikey" | "apikey" => Some(Known::ApiKey),
        "contractid" | "xeccscontractid" => Some(Known::Contract),
        "host" => Some(Known::Host),
        "oauthhost" => Some(Known::OauthHost),
        "token" | "accesstoken" => Some(Known::Token),
        _ => None,
    }
}

/// A key lower-cased without `-`, `_` and spaces, so that spellings people use compare equal.
fn normalise_key(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a value is an instruction left in place of a real value.
fn looks_like_placeholder(value: &str) -> bool {
    let lower = value.trim().to_lowercase();
    lower.is_empty()
        || PLACEHOLDER_MARKERS
            .iter()
            .any(|marker| lower.contains(marker))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its line.
mod tests {
    use super::*;
    use ccs_api::ExposeSecret;

    const FIXTURE: &str =
        include_str!("../tests/fixtures/OrangeCloud_API.postman_environment.json");

    #[test]
    fn the_guides_file_gives_hosts_and_asks_for_the_rest() {
        let environment = parse_postman_environment(FIXTURE).unwrap();
        assert_eq!(environment.name, "OrangeCloud_API");
        assert_eq!(
            environment.host.as_deref(),
            Some("https://api.orange.com/cloud/b2b/v1")
        );
        assert_eq!(
            environment.oauth_host.as_deref(),
            Some("https://api.orange.com/oauth/v3")
        );
        assert!(environment.api_key.is_none());
        assert!(environment.contract.is_none());
        assert_eq!(environment.to_fill_in, ["X-API-Key", "Contract-Id"]);
        assert_eq!(environment.ignored, ["Token"]);
        let debug = format!("{environment:?}");
        assert!(!debug.contains("access token returned"), "{debug}");
    }

    fn environment_with(values: Value) -> PostmanEnvironment {
        let json = serde_json::json!({ "name": "Mine", "values": values }).to_string();
        parse_postman_environment(&json).unwrap()
    }

    #[test]
    fn a_filled_environment_gives_its_values() {
        let key = "Q2xpZW50SWQ6U2VjcmV0S2V5VmVyeUxvbmdBbmRSYW5kb21Mb29raW5nVmFsdWU";
        let environment = environment_with(serde_json::json!([
            {"key": "X-API-Key", "value": key, "enabled": true},
            {"key": "Contract-Id", "value": "OCB0001234", "enabled": true},
            {"key": "Token", "value": "eyJhbGciOi.expired.token", "enabled": true},
            {"key": "Host", "value": "https://api.orange.com/cloud/b2b/v1"},
        ]));
        assert_eq!(environment.api_key.as_ref().unwrap().expose_secret(), key);
        assert_eq!(environment.contract.unwrap().as_str(), "OCB0001234");
        assert!(environment.to_fill_in.is_empty());
        assert_eq!(environment.ignored, ["Token"]);
        assert!(environment.oauth_host.is_none());
    }

    #[test]
    fn the_key_never_shows_in_debug() {
        let environment = environment_with(serde_json::json!([
            {"key": "X-API-Key", "value": "s3cr3tKeyValue0123456789"},
        ]));
        let debug = format!("{environment:?}");
        assert!(!debug.contains("s3cr3t"), "{debug}");
    }

    #[test]
    fn keys_match_whatever_the_case() {
        let environment = environment_with(serde_json::json!([
            {"key": "x-api-key", "value": "abcdef0123456789"},
            {"key": "CONTRACT-ID", "value": "ocb0007654"},
            {"key": "HOST", "value": "http://127.0.0.1:8080/cloud/b2b/v1"},
            {"key": "OAuth_Host", "value": "http://127.0.0.1:8080/oauth/v3"},
            {"key": "token", "value": "old"},
        ]));
        assert!(environment.api_key.is_some());
        assert_eq!(environment.contract.unwrap().as_str(), "OCB0007654");
        assert!(environment.host.is_some() && environment.oauth_host.is_some());
        assert_eq!(environment.ignored, ["token"]);
    }

    #[test]
    fn placeholders_disabled_and_unknown_values() {
        let environment = environment_with(serde_json::json!([
            {"key": "X-API-Key", "value": "real key with spaces"},
            {"key": "Contract-Id", "value": "OCB12"},
            {"key": "Host", "value": "{{base_url}}/v1"},
            {"key": "oauth_host", "value": ""},
            {"key": "Other", "value": "x"},
            {"key": "X-API-Key", "value": "abcdef0123456789", "enabled": false},
        ]));
        assert!(environment.api_key.is_none());
        assert!(environment.contract.is_none());
        assert!(environment.host.is_none() && environment.oauth_host.is_none());
        assert_eq!(
            environment.to_fill_in,
            ["X-API-Key", "Contract-Id", "Host", "oauth_host"]
        );
        assert_eq!(environment.ignored, ["Other", "X-API-Key"]);
    }

    #[test]
    fn a_later_real_value_clears_a_placeholder() {
        let environment = environment_with(serde_json::json!([
            {"key": "Contract-Id", "value": "ID of the contract (OCB000xxxx)"},
            {"key": "contract_id", "value": "OCB0001234"},
        ]));
        assert_eq!(environment.contract.unwrap().as_str(), "OCB0001234");
        assert!(environment.to_fill_in.is_empty());
    }

    #[test]
    fn a_collection_is_named_as_such() {
        let collection = r#"{"info": {"_postman_id": "1", "name": "OrangeCloud_API",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "item": []}"#;
        let error = parse_postman_environment(collection).unwrap_err();
        assert!(matches!(error, PostmanError::IsACollection));
        assert!(error.to_string().contains("Export"));
        assert!(matches!(
            parse_postman_environment(r#"{"item": [{"name": "x"}]}"#),
            Err(PostmanError::IsACollection)
        ));
    }

    #[test]
    fn other_files_are_refused() {
        assert!(matches!(
            parse_postman_environment("not json at all"),
            Err(PostmanError::NotJson(_))
        ));
        assert!(matches!(
            parse_postman_environment(""),
            Err(PostmanError::NotJson(_))
        ));
        assert!(matches!(
            parse_postman_environment(r#"{"name": "x"}"#),
            Err(PostmanError::NotAnEnvironment)
        ));
        assert!(matches!(
            parse_postman_environment("[1, 2]"),
            Err(PostmanError::NotAnEnvironment)
        ));
    }
}
