//! A ready client for a resolved connection, with the token kept in the keychain between runs.
//!
//! Why: a script that calls `ccs` fifty times a minute must not fetch fifty tokens (Orange allows
//! 50 token requests a minute). The session starts from the token the keychain kept, if it still
//! has life, and keeps the new one when it changed.

use crate::account::AccountKey;
use crate::error::CoreError;
use crate::secrets::Keychain;
use crate::settings::Connection;
use ccs_api::{Client, ClientConfig, ExposeSecret, SecretString};

/// A client plus what is needed to keep its token.
#[derive(Debug)]
pub struct Session {
    /// The API client.
    pub client: Client,
    /// The settings it was made from.
    pub connection: Connection,
    keychain: Keychain,
    /// The account the connection talks to: a kept token is reused and kept only under it.
    account: AccountKey,
    /// The token the keychain gave (a secret: redacted in `Debug`), to keep only a new one.
    seeded_token: Option<SecretString>,
}

impl Session {
    /// Builds the client (checking the hosts) and seeds it with the kept token, if any.
    pub async fn open(
        connection: Connection,
        keychain: Keychain,
        base: ClientConfig,
    ) -> Result<Self, CoreError> {
        let config = ClientConfig {
            api_base: connection.api_base.clone(),
            oauth_base: connection.oauth_base.clone(),
            ..base
        };
        let client = Client::new(config, connection.credentials.clone())?;
        let account = AccountKey::of_connection(&connection);
        let mut seeded_token = None;
        if let Some(profile) = &connection.token_profile {
            match keychain.load_token(profile, &account) {
                Ok(Some(token)) => {
                    seeded_token = Some(token.secret().clone());
                    client.seed_token(token).await;
                }
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "could not read the kept token"),
            }
        }
        Ok(Self {
            client,
            connection,
            keychain,
            account,
            seeded_token,
        })
    }

    /// Keeps the client's current token in the keychain if it is new; failures only warn.
    pub async fn keep_token(&self) {
        let Some(profile) = &self.connection.token_profile else {
            return;
        };
        let Some(token) = self.client.cached_token().await else {
            return;
        };
        let unchanged = self
            .seeded_token
            .as_ref()
            .is_some_and(|seeded| seeded.expose_secret() == token.secret().expose_secret());
        if unchanged {
            return;
        }
        if let Err(error) = self.keychain.store_token(profile, &self.account, &token) {
            tracing::warn!(%error, "could not keep the token in the keychain");
        }
    }
}
