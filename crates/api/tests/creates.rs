//! Creating users and contracts: every plausible success answer is a success, "already existed"
//! only when the answer says so, and a create whose answer was lost is never sent again.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_api::{ApiError, ApiErrorKind, Civility, ClientConfig, CreateAnswer, NewContract, NewUser};
use ccs_sandbox::{CreateAnswerStyle, Fault, Route};
use common::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn new_user(email: &str, login: &str) -> NewUser {
    NewUser {
        civility: Civility::Mr,
        last_name: "Bernard".into(),
        first_name: "Luc".into(),
        email: email.into(),
        login: login.into(),
        fix_phone: None,
        mobile_phone: None,
    }
}

fn new_contract(name: &str) -> NewContract {
    NewContract {
        billing_account_id: "BA-42".into(),
        offer_code: "FE".into(),
        contract_name: name.into(),
        support_level: "Standard".into(),
        referent_civility: Civility::Mrs,
        referent_name: "Morel".into(),
        referent_first_name: "Ines".into(),
        referent_mail: "ines.morel@example.com".into(),
        referent_fix_phone: None,
        referent_mobile_phone: None,
    }
}

#[tokio::test]
async fn every_plausible_user_answer_is_a_success() {
    let sandbox = sandbox().await;
    let (client, _) = client_for(&sandbox);
    let contract = first_contract(&sandbox);
    let answer = |style| Fault::CreateAnswer(style);

    sandbox.inject(Route::CreateUser, answer(CreateAnswerStyle::NoContent), 1);
    let empty = client
        .create_user(&contract, &new_user("a@example.com", "user.empty"))
        .await
        .unwrap();
    assert_eq!(empty.answer, CreateAnswer::Empty);
    assert!(!empty.already_existed);
    assert_eq!(empty.user.login, None);

    sandbox.inject(Route::CreateUser, answer(CreateAnswerStyle::WithoutId), 1);
    let without_id = client
        .create_user(&contract, &new_user("b@example.com", "user.without.id"))
        .await
        .unwrap();
    assert_eq!(without_id.answer, CreateAnswer::WithoutId);
    assert_eq!(without_id.user.id, None);
    assert_eq!(without_id.user.login.as_deref(), Some("user.without.id"));
    assert!(
        !without_id.already_existed,
        "a 200 alone does not mean the login existed"
    );

    sandbox.inject(Route::CreateUser, answer(CreateAnswerStyle::NotJson), 1);
    let text = client
        .create_user(&contract, &new_user("c@example.com", "user.text"))
        .await
        .unwrap();
    assert_eq!(text.answer, CreateAnswer::Unreadable);
    assert!(!text.already_existed);
    assert_eq!(
        sandbox.request_count(Route::CreateUser),
        3,
        "none was sent twice"
    );
}

#[tokio::test]
async fn already_existed_is_said_only_when_the_login_differs() {
    let sandbox = sandbox().await;
    let (client, _) = client_for(&sandbox);
    let contract = first_contract(&sandbox);
    let first = client
        .create_user(&contract, &new_user("same@example.com", "first.login"))
        .await
        .unwrap();
    assert!(!first.already_existed);
    let same = client
        .create_user(&contract, &new_user("same@example.com", "FIRST.login"))
        .await
        .unwrap();
    assert!(
        !same.already_existed,
        "the sandbox answers 200, but with the login that was sent"
    );
    let other = client
        .create_user(&contract, &new_user("same@example.com", "other.login"))
        .await
        .unwrap();
    assert!(other.already_existed);
    assert_eq!(other.user.login.as_deref(), Some("first.login"));
}

#[tokio::test]
async fn every_plausible_contract_answer_is_a_success() {
    let sandbox = sandbox().await;
    let (client, _) = client_for(&sandbox);
    let before = sandbox.visible_contract_ids().len();
    for (style, expected) in [
        (CreateAnswerStyle::NoContent, CreateAnswer::Empty),
        (CreateAnswerStyle::WithoutId, CreateAnswer::WithoutId),
        (CreateAnswerStyle::NotJson, CreateAnswer::Unreadable),
    ] {
        sandbox.inject(Route::CreateContract, Fault::CreateAnswer(style), 1);
        let created = client
            .create_contract(&new_contract(&format!("{style:?}")))
            .await
            .unwrap();
        assert_eq!(created.answer, expected, "{style:?}");
        assert_eq!(created.contract, None, "{style:?}");
    }
    assert_eq!(sandbox.visible_contract_ids().len(), before + 3);
}

/// A client that waits at most 300 ms for an answer, with the usual retries.
fn impatient(sandbox: &ccs_sandbox::SandboxHandle) -> ccs_api::Client {
    let config = ClientConfig {
        read_timeout: Duration::from_millis(300),
        ..config_for(sandbox)
    };
    client_with(sandbox, config, credentials_for(sandbox)).0
}

fn assert_may_have_been_applied(error: &ApiError, list: &str) {
    assert_eq!(error.kind(), ApiErrorKind::OutcomeUnknown, "{error}");
    let text = error.to_string();
    assert!(
        text.contains("The request may have been applied: check the list of")
            && text.contains(list)
            && text.contains("before trying again"),
        "{text}"
    );
    assert!(text.contains("did not answer in time"), "{text}");
}

#[tokio::test]
async fn a_user_create_answered_too_late_is_not_retried_and_says_to_check() {
    let sandbox = sandbox().await;
    let client = impatient(&sandbox);
    client.ensure_token().await.unwrap();
    let contract = first_contract(&sandbox);
    sandbox.inject(
        Route::CreateUser,
        Fault::DelayAnswer(Duration::from_secs(2)),
        1,
    );
    let error = client
        .create_user(&contract, &new_user("late@example.com", "late.login"))
        .await
        .unwrap_err();
    assert_may_have_been_applied(&error, "users of contract");
    assert_eq!(
        sandbox.request_count(Route::CreateUser),
        1,
        "never sent twice"
    );
    let again = client
        .create_user(&contract, &new_user("late@example.com", "second.try"))
        .await
        .unwrap();
    assert!(again.already_existed, "the lost create had been applied");
    assert_eq!(again.user.login.as_deref(), Some("late.login"));
}

#[tokio::test]
async fn a_contract_create_answered_too_late_is_not_retried_and_says_to_check() {
    let sandbox = sandbox().await;
    let client = impatient(&sandbox);
    let before = client.list_contracts().await.unwrap().len();
    sandbox.inject(
        Route::CreateContract,
        Fault::DelayAnswer(Duration::from_secs(2)),
        1,
    );
    let error = client
        .create_contract(&new_contract("Late answer"))
        .await
        .unwrap_err();
    assert_may_have_been_applied(&error, "contracts");
    assert_eq!(sandbox.request_count(Route::CreateContract), 1);
    assert_eq!(client.list_contracts().await.unwrap().len(), before + 1);
}

static DROPPED: AtomicUsize = AtomicUsize::new(0);

#[tokio::test]
async fn a_create_whose_connection_drops_after_sending_is_not_retried() {
    let server = raw_server(|request| {
        if request.starts_with("POST /oauth") {
            return http_response(
                "200 OK",
                "application/json",
                r#"{"token_type":"Bearer","access_token":"drop-token-123456","expires_in":3600}"#,
            );
        }
        DROPPED.fetch_add(1, Ordering::SeqCst);
        String::new()
    })
    .await;
    let sandbox = sandbox().await;
    let config = ClientConfig {
        api_base: format!("{server}/cloud/b2b/v1"),
        oauth_base: format!("{server}/oauth/v3"),
        ..ClientConfig::default()
    };
    let (client, clock) = client_with(&sandbox, config, credentials_for(&sandbox));
    let error = client
        .create_contract(&new_contract("Dropped"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ApiErrorKind::OutcomeUnknown, "{error}");
    assert!(
        error
            .to_string()
            .contains("The request may have been applied: check the list of contracts"),
        "{error}"
    );
    assert_eq!(DROPPED.load(Ordering::SeqCst), 1, "sent once");
    assert!(clock.sleeps().is_empty());
}
