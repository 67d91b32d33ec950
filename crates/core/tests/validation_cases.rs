//! The shared cases of `fixtures/validation-cases.json`, run against the core's checks.
//!
//! Why a fixture and not Rust cases alone: the app's forms check the same fields in TypeScript as the
//! person types (`ui/src/lib/validation.ts`), and `ui/src/lib/validation.test.ts` reads this same
//! file. Both sides must name the same rules, in the same order, for every case; where a case gives
//! its English messages, both sides must say them word for word.
#![allow(clippy::unwrap_used)]

use ccs_api::{Civility, ContractId, NewUser};
use ccs_core::validate::{
    check_profile_name_field, contract_id_problem, parse_proxy_url, parse_year_month,
    validate_new_user, FieldError,
};
use serde_json::Value;

const CASES: &str = include_str!("fixtures/validation-cases.json");

/// A user that passes every check, for one field to be changed.
fn user() -> NewUser {
    NewUser {
        civility: Civility::Mrs,
        last_name: "Martin".into(),
        first_name: "Claire".into(),
        email: "claire.martin@example.com".into(),
        login: "claire.martin".into(),
        fix_phone: None,
        mobile_phone: None,
    }
}

/// The problems of one field of a user whose other fields are fine.
fn user_problems(field: &str, change: impl FnOnce(&mut NewUser)) -> Vec<FieldError> {
    let mut value = user();
    change(&mut value);
    let problems = validate_new_user(&value).err().unwrap_or_default();
    assert!(
        problems.iter().all(|p| p.field == field),
        "only {field} is wrong: {problems:?}"
    );
    problems
}

/// What the core's check of `kind` finds wrong with `value` (`None`: a phone not given).
fn problems(kind: &str, value: Option<&str>) -> Vec<FieldError> {
    let text = || value.unwrap().to_owned();
    match kind {
        "login" => user_problems("login", |u| u.login = text()),
        "email" => user_problems("email", |u| u.email = text()),
        "name" => user_problems("firstName", |u| u.first_name = text()),
        "phone" => user_problems("mobilePhone", |u| u.mobile_phone = value.map(str::to_owned)),
        "month" => parse_year_month(&text()).err().into_iter().collect(),
        "profileName" => check_profile_name_field("name", &text())
            .err()
            .into_iter()
            .collect(),
        "contractId" => ContractId::parse(&text())
            .err()
            .map(|error| contract_id_problem("contract", &error))
            .into_iter()
            .collect(),
        "proxyUrl" => parse_proxy_url(&text()).err().into_iter().collect(),
        other => panic!("no check for the kind {other:?} of the fixture"),
    }
}

#[test]
fn the_core_gives_the_rules_of_every_shared_case() {
    let cases: Value = serde_json::from_str(CASES).unwrap();
    let mut checked = 0;
    for (kind, list) in cases.as_object().unwrap() {
        if kind.starts_with('$') {
            continue;
        }
        for case in list.as_array().unwrap() {
            let value = case["value"].as_str();
            let found = problems(kind, value);
            let rules: Vec<Value> = found
                .iter()
                .map(|p| serde_json::to_value(p.rule.expect("every check names its rule")).unwrap())
                .collect();
            assert_eq!(&Value::from(rules), &case["rules"], "{kind} {value:?}");
            if let Some(english) = case.get("english") {
                let messages: Vec<&str> = found.iter().map(|p| p.message.as_str()).collect();
                assert_eq!(&Value::from(messages), english, "{kind} {value:?}");
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked} cases");
}
