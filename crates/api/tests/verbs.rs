//! Every verb of the contract against the sandbox over real loopback HTTP.
#![allow(clippy::unwrap_used)] // a test that fails should panic with the error

mod common;

use ccs_api::{
    ApiErrorKind, Civility, ContractId, DocumentId, DocumentType, DocumentsQuery, DownloadRequest,
    NewContract, NewUser,
};
use ccs_sandbox::{DispositionStyle, Route};
use common::*;

fn query(document_type: Option<DocumentType>, limit: u32) -> DocumentsQuery {
    DocumentsQuery {
        document_type,
        limit,
    }
}

#[tokio::test]
async fn lists_contracts_and_reads_details() {
    let sandbox = sandbox().await;
    let (client, _) = client_for(&sandbox);
    let contracts = client.list_contracts().await.unwrap();
    let ids: Vec<_> = contracts.iter().map(|c| c.id.as_str().to_owned()).collect();
    assert_eq!(ids, sandbox.visible_contract_ids());
    assert!(contracts.iter().all(|c| !c.name.is_empty()));
    assert!(contracts
        .iter()
        .all(|c| ContractId::parse(c.id.as_str()).is_ok()));

    let detail = client.contract_detail(&contracts[0].id).await.unwrap();
    assert_eq!(detail.id, contracts[0].id);
    assert_eq!(detail.name, contracts[0].name);
    assert!(detail
        .contact
        .as_ref()
        .and_then(|c| c.email.as_ref())
        .is_some());
    assert!(detail
        .customer
        .as_ref()
        .and_then(|c| c.name.as_ref())
        .is_some());
    assert!(detail.status.is_some() && detail.billing_account_id.is_some());
    assert_eq!(
        sandbox.request_count(Route::Token),
        1,
        "one token for both calls"
    );
}

#[tokio::test]
async fn documents_can_be_read_one_by_one_as_the_list_arrives() {
    let sandbox = sandbox().await;
    let (client, _) = client_for(&sandbox);
    let contract = first_contract(&sandbox);
    let whole = client
        .list_documents(&contract, &query(None, 7))
        .await
        .unwrap();
    let mut handed = Vec::new();
    let listed = client
        .list_documents_each(&contract, &query(None, 7), &mut |d| handed.push(d))
        .await
        .unwrap();
    assert_eq!(
        handed, whole.documents,
        "the same documents, in the same order"
    );
    assert_eq!(
        (listed.count, listed.limit, listed.filled_limit),
        (7, 7, true)
    );
    let all = client
        .list_documents_each(&contract, &query(None, 100_000), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(all.count, sandbox.documents(contract.as_str()).len());
    assert!(!all.filled_limit);
}

#[tokio::test]
async fn lists_documents_in_both_shapes_and_reports_a_filled_limit() {
    let sandbox = sandbox().await;
    let (client, _) = client_for(&sandbox);
    let contract = first_contract(&sandbox);
    let expected = sandbox.documents(contract.as_str());

    let ten = client
        .list_documents(&contract, &query(None, 10))
        .await
        .unwrap();
    assert_eq!(ten.documents.len(), 10);
    assert!(ten.filled_limit, "10 of many fills the limit");
    let expected_ids: Vec<_> = expected.iter().take(10).map(|d| d.id.clone()).collect();
    let got_ids: Vec<_> = ten
        .documents
        .iter()
        .map(|d| d.id.as_str().to_owned())
        .collect();
    assert_eq!(
        got_ids, expected_ids,
        "newest first, as the sandbox orders them"
    );

    let all = client
        .list_documents(&contract, &query(None, 100_000))
        .await
        .unwrap();
    assert_eq!(all.documents.len(), expected.len());
    assert!(!all.filled_limit);

    let invoices = client
        .list_documents(&contract, &query(Some(DocumentType::Invoices), 100_000))
        .await
        .unwrap();
    assert!(!invoices.documents.is_empty());
    assert!(invoices
        .documents
        .iter()
        .all(|d| d.document_type == Some(DocumentType::Invoices)));
    assert!(invoices
        .documents
        .iter()
        .all(|d| d.amount.is_some() && d.currency.is_some()));

    let consumption = client
        .list_documents(
            &contract,
            &query(Some(DocumentType::ConsumptionRatedReports), 5),
        )
        .await
        .unwrap();
    assert!(
        !consumption.documents.is_empty(),
        "the misspelt wire name is sent"
    );

    let empty = ContractId::parse(&sandbox.empty_contract_id()).unwrap();
    let none = client
        .list_documents(&empty, &query(None, 10))
        .await
        .unwrap();
    assert!(none.documents.is_empty() && !none.filled_limit);

    let unknown = client
        .list_documents(
            &contract,
            &query(Some(DocumentType::Other("creditNotes".into())), 10),
        )
        .await
        .unwrap();
    assert!(
        unknown.documents.is_empty(),
        "an unknown type is an empty answer, not an error"
    );
}

#[tokio::test]
async fn downloads_stream_the_exact_bytes_with_progress_and_names() {
    let sandbox = sandbox().await;
    let (client, _) = client_for(&sandbox);
    let contract = first_contract(&sandbox);
    let docs = client
        .list_documents(&contract, &query(None, 100_000))
        .await
        .unwrap()
        .documents;
    for wanted in DocumentType::KNOWN {
        let doc = docs
            .iter()
            .find(|d| d.document_type.as_ref() == Some(&wanted))
            .unwrap_or_else(|| panic!("a document of type {wanted}"));
        let mut out = Vec::new();
        let mut updates = Vec::new();
        let request = DownloadRequest {
            document: doc.id.clone(),
            zipped: false,
        };
        let file = client
            .download_document(&contract, &request, &mut out, &mut |p| updates.push(p))
            .await
            .unwrap();
        let served = sandbox
            .document_bytes(contract.as_str(), doc.id.as_str())
            .unwrap();
        assert_eq!(out, served, "{wanted}: the exact bytes");
        assert_eq!(file.bytes, served.len() as u64);
        assert_eq!(
            doc.size,
            Some(file.bytes),
            "{wanted}: the list's size is the file's size"
        );
        assert_eq!(updates.last().unwrap().bytes_done, file.bytes);
        assert_eq!(updates.last().unwrap().total, Some(file.bytes));
        assert!(file.content_type.is_some());
        assert_eq!(
            file.server_file_name.as_deref(),
            Some(doc.filename.as_str())
        );
    }

    let invoice = docs
        .iter()
        .find(|d| d.document_type == Some(DocumentType::Invoices))
        .unwrap();
    let mut zipped = Vec::new();
    let request = DownloadRequest {
        document: invoice.id.clone(),
        zipped: true,
    };
    let file = client
        .download_document(&contract, &request, &mut zipped, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(file.content_type.as_deref(), Some("application/zip"));
    assert!(zipped.starts_with(b"PK\x03\x04"), "a real ZIP archive");
}

#[tokio::test]
async fn reads_every_content_disposition_form() {
    let sandbox = ccs_sandbox::Sandbox::start(ccs_sandbox::SandboxConfig {
        hostile_names: true,
        ..Default::default()
    })
    .await
    .unwrap();
    let (client, _) = client_for(&sandbox);
    let contract = first_contract(&sandbox);
    let docs = client
        .list_documents(&contract, &query(None, 100_000))
        .await
        .unwrap()
        .documents;
    let accented = docs
        .iter()
        .find(|d| d.filename.contains("été"))
        .expect("a non-ASCII name");
    let request = DownloadRequest {
        document: accented.id.clone(),
        zipped: false,
    };
    let name = |style| {
        sandbox.set_disposition_style(style);
        let client = &client;
        let request = request.clone();
        let contract = contract.clone();
        async move {
            let mut sink = Vec::new();
            client
                .download_document(&contract, &request, &mut sink, &mut |_| {})
                .await
                .unwrap()
                .server_file_name
        }
    };
    assert_eq!(
        name(DispositionStyle::Both).await.as_deref(),
        Some(accented.filename.as_str())
    );
    assert_eq!(
        name(DispositionStyle::ExtendedOnly).await.as_deref(),
        Some(accented.filename.as_str())
    );
    let ascii = name(DispositionStyle::AsciiOnly)
        .await
        .expect("an ASCII fallback");
    assert!(ascii.is_ascii() && !ascii.is_empty());
    assert_eq!(name(DispositionStyle::Absent).await, None);
}

fn new_user(email: &str, login: &str) -> NewUser {
    NewUser {
        civility: Civility::Mrs,
        last_name: "Lefèvre".into(),
        first_name: "Anne".into(),
        email: email.into(),
        login: login.into(),
        fix_phone: None,
        mobile_phone: Some("+33612345678".into()),
    }
}

#[tokio::test]
async fn creates_users_and_keeps_an_existing_login() {
    let sandbox = sandbox().await;
    let (client, _) = client_for(&sandbox);
    let contract = first_contract(&sandbox);
    let created = client
        .create_user(
            &contract,
            &new_user("anne.lefevre@example.com", "anne.lefevre"),
        )
        .await
        .unwrap();
    assert!(!created.already_existed);
    assert_eq!(created.answer, ccs_api::CreateAnswer::Complete);
    assert_eq!(created.user.login.as_deref(), Some("anne.lefevre"));
    assert_eq!(created.user.contract_id.as_ref(), Some(&contract));

    let again = client
        .create_user(
            &contract,
            &new_user("anne.lefevre@example.com", "another.login"),
        )
        .await
        .unwrap();
    assert!(again.already_existed);
    assert_eq!(
        again.user.login.as_deref(),
        Some("anne.lefevre"),
        "the existing login is kept"
    );
}

#[tokio::test]
async fn creates_a_contract_that_appears_in_the_list() {
    let sandbox = sandbox().await;
    let (client, _) = client_for(&sandbox);
    let before = client.list_contracts().await.unwrap().len();
    let created = client
        .create_contract(&NewContract {
            billing_account_id: "BA-000123".into(),
            offer_code: "FE-PAYG".into(),
            contract_name: "Atelier Numérique — R&D".into(),
            support_level: "Business".into(),
            referent_civility: Civility::Mr,
            referent_name: "Durand".into(),
            referent_first_name: "Paul".into(),
            referent_mail: "paul.durand@example.com".into(),
            referent_fix_phone: None,
            referent_mobile_phone: None,
        })
        .await
        .unwrap();
    assert_eq!(created.answer, ccs_api::CreateAnswer::Complete);
    let created = created.contract.expect("the created contract");
    assert!(ContractId::parse(created.id.as_str()).is_ok());
    assert_eq!(created.name, "Atelier Numérique — R&D");
    let after = client.list_contracts().await.unwrap();
    assert_eq!(after.len(), before + 1);
    assert!(after.iter().any(|c| c.id == created.id));
    let detail = client.contract_detail(&created.id).await.unwrap();
    assert_eq!(detail.id, created.id);
}

#[tokio::test]
async fn document_ids_are_percent_encoded_in_the_path() {
    let sandbox = sandbox().await;
    let (client, _) = client_for(&sandbox);
    let contract = first_contract(&sandbox);
    let request = DownloadRequest {
        document: DocumentId::from_server("a b?c#d"),
        zipped: false,
    };
    let mut sink = Vec::new();
    let error = client
        .download_document(&contract, &request, &mut sink, &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ApiErrorKind::NotFound, "{error}");
}
