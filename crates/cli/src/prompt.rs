//! Reading the two secrets without putting them on the command line.
//!
//! Why: flags are visible to every user of the machine (`ps`); a prompt without echo or standard
//! input are not.

use ccs_api::SecretString;
use ccs_core::validate::FieldError;
use ccs_core::CoreError;
use std::io::{BufRead, IsTerminal};

/// The client secret and the API key, from standard input (two lines) or a prompt without echo.
pub fn read_secrets(from_stdin: bool) -> Result<(SecretString, SecretString), CoreError> {
    let (secret, key) = if from_stdin {
        let stdin = std::io::stdin();
        let mut lines = stdin.lock().lines();
        let mut next = || -> Result<String, CoreError> {
            match lines.next() {
                Some(Ok(line)) => Ok(line.trim().to_owned()),
                Some(Err(source)) => Err(CoreError::Io {
                    path: "<standard input>".into(),
                    source,
                }),
                None => Ok(String::new()),
            }
        };
        (next()?, next()?)
    } else {
        if !std::io::stdin().is_terminal() {
            return Err(CoreError::field(
                "secrets",
                "there is no terminal to ask for the client secret and API key; pass them with --stdin (secret on the first line, key on the second)",
            ));
        }
        let ask = |label: &str| {
            rpassword::prompt_password(label)
                .map(|v| v.trim().to_owned())
                .map_err(|source| CoreError::Io {
                    path: "<terminal>".into(),
                    source,
                })
        };
        (ask("Client secret: ")?, ask("API key: ")?)
    };
    let mut missing = Vec::new();
    if secret.is_empty() {
        missing.push(FieldError::new(
            "clientSecret",
            "the client secret is empty",
        ));
    }
    if key.is_empty() {
        missing.push(FieldError::new("apiKey", "the API key is empty"));
    }
    if !missing.is_empty() {
        return Err(CoreError::InvalidInput { fields: missing });
    }
    Ok((SecretString::from(secret), SecretString::from(key)))
}
