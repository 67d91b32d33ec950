//! One module per command group; each is a thin call into `ccs-core`.

pub mod create;
pub mod download;
pub mod profile;
pub mod query;
pub mod sandbox;
pub mod spend;

use crate::Context;
use ccs_api::ClientConfig;
use ccs_core::session::Session;
use ccs_core::settings::resolve;
use ccs_core::CoreError;

/// Resolves settings and opens a session; `reuse_token` starts from the token kept in the keychain.
pub async fn session(context: &Context, reuse_token: bool) -> Result<Session, CoreError> {
    let mut connection = resolve(
        &context.store,
        &context.keychain,
        &context.overrides(),
        &context.env,
    )?;
    let keep_for = connection.token_profile.clone();
    if !reuse_token {
        connection.token_profile = None;
    }
    let mut session = Session::open(
        connection,
        context.keychain.clone(),
        ClientConfig::default(),
    )
    .await?;
    // Even when not starting from the kept token, keep the fresh one for the next run.
    session.connection.token_profile = keep_for;
    Ok(session)
}
