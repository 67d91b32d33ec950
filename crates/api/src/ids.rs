//! Identifier newtypes.
//!
//! Why: a contract id, a document id and a user id are all strings on the wire, and mixing them up is an
//! easy mistake that the compiler can catch for us. Values that come *from the server* are taken as they
//! are (the server is the authority on its own ids); values a *person types* go through `parse`, which
//! says precisely what is wrong before any request is made.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The prefix of every Orange Cloud for Business contract number.
const CONTRACT_PREFIX: &str = "OCB";
/// How many digits follow the prefix.
const CONTRACT_DIGITS: usize = 7;

/// A contract number such as `OCB0001234` (also the Flexible Engine IAM domain name).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ContractId(String);

/// Why a typed contract id was refused; each variant names the exact problem so a form can say it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContractIdError {
    /// Nothing was typed.
    #[error("the contract id is empty; it looks like OCB0001234")]
    Empty,
    /// The text does not start with `OCB`.
    #[error(
        "the contract id must start with \"OCB\" (found \"{found}\"); it looks like OCB0001234"
    )]
    WrongPrefix {
        /// The first characters that were typed instead.
        found: String,
    },
    /// Not exactly seven digits after the prefix.
    #[error("the contract id needs exactly 7 digits after \"OCB\" (found {digits}); it looks like OCB0001234")]
    WrongLength {
        /// How many characters follow the prefix.
        digits: usize,
    },
    /// A character after the prefix is not a digit.
    #[error("the contract id may only have digits after \"OCB\", but character {position} is {character:?}")]
    NotADigit {
        /// 1-based position in the whole id.
        position: usize,
        /// The offending character.
        character: char,
    },
}

impl ContractId {
    /// Checks a contract id typed by a person: `OCB` followed by 7 digits.
    ///
    /// Surrounding white space (from a paste) is ignored and a lower-case prefix is accepted and
    /// upper-cased, since both are harmless slips; anything else is refused with the exact reason.
    pub fn parse(input: &str) -> Result<Self, ContractIdError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(ContractIdError::Empty);
        }
        let prefix: String = text.chars().take(CONTRACT_PREFIX.len()).collect();
        if !prefix.eq_ignore_ascii_case(CONTRACT_PREFIX) {
            return Err(ContractIdError::WrongPrefix { found: prefix });
        }
        let rest = &text[prefix.len()..];
        for (index, character) in rest.chars().enumerate() {
            if !character.is_ascii_digit() {
                return Err(ContractIdError::NotADigit {
                    position: CONTRACT_PREFIX.len() + index + 1,
                    character,
                });
            }
        }
        let digits = rest.chars().count();
        if digits != CONTRACT_DIGITS {
            return Err(ContractIdError::WrongLength { digits });
        }
        Ok(Self(format!("{CONTRACT_PREFIX}{rest}")))
    }

    /// Wraps an id the server sent, without checking it: the server is the authority on its ids.
    pub fn from_server(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The id as sent in `X-ECCS-Contract-Id` and in paths.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ContractId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ContractId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContractId({})", self.0)
    }
}

impl std::str::FromStr for ContractId {
    type Err = ContractIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The longest document id we accept from a person; real ids are far shorter.
const DOCUMENT_ID_MAX: usize = 256;

/// A document's id as the documents list gives it; used in `/documents/{id}/file`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DocumentId(String);

/// Why a typed document id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentIdError {
    /// Nothing was typed.
    #[error("the document id is empty; copy it from the documents list")]
    Empty,
    /// Longer than any real id.
    #[error(
        "the document id is {length} characters long, more than the {DOCUMENT_ID_MAX} allowed"
    )]
    TooLong {
        /// Its length in characters.
        length: usize,
    },
    /// White space, a control character or a slash inside the id.
    #[error("the document id may not contain {character:?} (at character {position})")]
    BadCharacter {
        /// 1-based position.
        position: usize,
        /// The offending character.
        character: char,
    },
}

impl DocumentId {
    /// Checks a document id typed by a person: non-empty, no white space, control character or `/`.
    pub fn parse(input: &str) -> Result<Self, DocumentIdError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(DocumentIdError::Empty);
        }
        let length = text.chars().count();
        if length > DOCUMENT_ID_MAX {
            return Err(DocumentIdError::TooLong { length });
        }
        if let Some((index, character)) = text
            .chars()
            .enumerate()
            .find(|(_, c)| c.is_whitespace() || c.is_control() || *c == '/' || *c == '\\')
        {
            return Err(DocumentIdError::BadCharacter {
                position: index + 1,
                character,
            });
        }
        Ok(Self(text.to_owned()))
    }

    /// Wraps an id the server sent, unchecked (it is percent-encoded when put in a path).
    pub fn from_server(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The id as the server knows it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocumentId({})", self.0)
    }
}

impl std::str::FromStr for DocumentId {
    type Err = DocumentIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A user's id as the create-user answer gives it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub String);

/// The OAuth client id. Not a secret (it is half of the Basic pair and shows in support tickets), but
/// kept apart from other strings so it cannot be swapped with the secret by mistake.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClientId(String);

impl ClientId {
    /// Wraps a client id; surrounding white space from a paste is removed.
    pub fn new(value: impl AsRef<str>) -> Self {
        Self(value.as_ref().trim().to_owned())
    }

    /// The id as sent in the Basic header.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_documented_form_and_harmless_slips() {
        assert_eq!(
            ContractId::parse("OCB0001234").unwrap().as_str(),
            "OCB0001234"
        );
        assert_eq!(
            ContractId::parse("  ocb0001234\n").unwrap().as_str(),
            "OCB0001234"
        );
    }

    #[test]
    fn says_precisely_what_is_wrong() {
        assert_eq!(ContractId::parse(" "), Err(ContractIdError::Empty));
        assert_eq!(
            ContractId::parse("ABC0001234"),
            Err(ContractIdError::WrongPrefix {
                found: "ABC".into()
            })
        );
        assert_eq!(
            ContractId::parse("OCB12345"),
            Err(ContractIdError::WrongLength { digits: 5 })
        );
        assert_eq!(
            ContractId::parse("OCB000x234"),
            Err(ContractIdError::NotADigit {
                position: 7,
                character: 'x'
            })
        );
        assert_eq!(
            ContractId::parse("OCB000xxxx (ID of the contract)").unwrap_err(),
            ContractIdError::NotADigit {
                position: 7,
                character: 'x'
            }
        );
        let message = ContractId::parse("OCB12").unwrap_err().to_string();
        assert!(
            message.contains("7 digits") && message.contains("found 2"),
            "{message}"
        );
    }

    #[test]
    fn document_ids_refuse_path_tricks() {
        assert!(DocumentId::parse("5f3a9c").is_ok());
        assert_eq!(
            DocumentId::parse("../x"),
            Err(DocumentIdError::BadCharacter {
                position: 3,
                character: '/'
            })
        );
        assert_eq!(DocumentId::parse(""), Err(DocumentIdError::Empty));
    }

    proptest! {
        #[test]
        fn every_valid_id_parses_to_itself(digits in "[0-9]{7}") {
            let id = format!("OCB{digits}");
            let parsed = ContractId::parse(&id).unwrap();
            prop_assert_eq!(parsed.as_str(), id.as_str());
        }

        #[test]
        fn parse_never_panics_and_accepts_only_the_form(input in "\\PC{0,16}") {
            if let Ok(id) = ContractId::parse(&input) {
                let s = id.as_str();
                prop_assert_eq!(s.len(), 10);
                prop_assert!(s.starts_with("OCB"));
                prop_assert!(s[3..].chars().all(|c| c.is_ascii_digit()));
            }
        }

        #[test]
        fn wrong_digit_counts_are_named(digits in "[0-9]{0,6}|[0-9]{8,12}") {
            let err = ContractId::parse(&format!("OCB{digits}")).unwrap_err();
            prop_assert_eq!(err, ContractIdError::WrongLength { digits: digits.len() });
        }

        #[test]
        fn document_id_parse_never_panics(input in "\\PC{0,300}") {
            if let Ok(id) = DocumentId::parse(&input) {
                prop_assert!(!id.as_str().contains('/'));
                prop_assert!(!id.as_str().is_empty());
            }
        }
    }
}
