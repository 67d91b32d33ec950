//! `GET /documents` (array, or `{"documents": null}`) and `GET /documents/{id}/file`.

use std::sync::PoisonError;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::paced::{body_stream, BodyState};
use super::{authorize, contract_header, enter, form_param, respond};
use crate::config::FaultConfig;
use crate::counters::Route;
use crate::data::documents::{DocType, DocumentInfo, MAX_DOCUMENTS};
use crate::disposition;
use crate::errors::ApiError;
use crate::formats;
use crate::state::Shared;
use crate::sync::lock;

/// `limit` when absent.
const DEFAULT_LIMIT: u64 = 10;

/// Newest first, filtered by `documentType`, at most `limit`.
pub(crate) async fn list(
    State(state): State<Shared>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    respond(
        async {
            let verdict = enter(&state, Route::Documents).await?;
            authorize(&state, &headers)?;
            let contract_id = contract_header(&state, &headers)?;
            let limit = match form_param(query.as_deref(), "limit") {
                None => DEFAULT_LIMIT,
                Some(text) => match text.trim().parse::<u64>() {
                    Ok(n) if n >= 1 => n.min(u64::from(MAX_DOCUMENTS)),
                    _ => return Err(ApiError::new(
                        400,
                        28,
                        "Invalid query-string parameter value: limit must be a positive integer.",
                    )),
                },
            };
            let wanted = form_param(query.as_deref(), "documentType").unwrap_or_default();
            let answer = {
                let catalog = state.catalog.read().unwrap_or_else(PoisonError::into_inner);
                let docs: Vec<_> = if !wanted.is_empty() && !DocType::is_known(&wanted) {
                    Vec::new()
                } else {
                    catalog
                        .documents
                        .get(&contract_id)
                        .map(|docs| {
                            docs.iter()
                                .filter(|d| wanted.is_empty() || d.info.document_type == wanted)
                                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                                .map(|d| &d.info)
                                .collect()
                        })
                        .unwrap_or_default()
                };
                list_answer(state.faults.config(), &docs)
            };
            if !verdict.answer_delay.is_zero() {
                tokio::time::sleep(verdict.answer_delay).await;
            }
            Ok(answer)
        }
        .await,
    )
}

/// The list's answer: the array, or `{"documents": null}` when empty — with the configured
/// oddities (odd rows, no `documents` key) and pace (slow, stalled).
fn list_answer(faults: &FaultConfig, docs: &[&DocumentInfo]) -> Response {
    let slow = faults.slow_list_bytes_per_sec;
    let stall = faults.stall_list_after_bytes;
    let plain = !faults.odd_list_rows && !faults.list_without_documents;
    if plain && slow.is_none() && stall.is_none() {
        return if docs.is_empty() {
            Json(json!({ "documents": null })).into_response()
        } else {
            Json(docs).into_response()
        };
    }
    let value = if faults.list_without_documents {
        json!({ "error": "Upstream answered without documents", "status": 500 })
    } else if docs.is_empty() {
        json!({ "documents": null })
    } else {
        let mut rows = serde_json::to_value(docs).unwrap_or_else(|_| json!([]));
        if faults.odd_list_rows {
            make_rows_odd(&mut rows);
        }
        rows
    };
    let bytes = Bytes::from(value.to_string());
    let length = bytes.len();
    let body = body_stream(BodyState {
        bytes_per_sec: slow,
        stall_after: stall,
        ..BodyState::new(Box::new(std::iter::once(bytes)))
    });
    let mut response = Response::new(Body::from_stream(body));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    response
}

/// The first row with an amount gets it as a text with a decimal comma (`"1234,56"`); the first
/// other row loses its `size`.
fn make_rows_odd(rows: &mut serde_json::Value) {
    let Some(rows) = rows.as_array_mut() else {
        return;
    };
    let with_amount = rows
        .iter()
        .position(|row| row.get("amount").is_some_and(serde_json::Value::is_number));
    if let Some(index) = with_amount {
        if let Some(amount) = rows[index]
            .get("amount")
            .and_then(serde_json::Value::as_f64)
        {
            rows[index]["amount"] = json!(format!("{amount:.2}").replace('.', ","));
        }
    }
    let other = (0..rows.len()).find(|index| Some(*index) != with_amount);
    if let Some(row) = other.and_then(|index| rows[index].as_object_mut()) {
        row.remove("size");
    }
}

/// The document's bytes (`zipped=1`: inside a ZIP), with exact `Content-Length`.
pub(crate) async fn file(
    State(state): State<Shared>,
    Path(document_id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    respond(
        async {
            let verdict = enter(&state, Route::DocumentFile).await?;
            authorize(&state, &headers)?;
            let contract_id = contract_header(&state, &headers)?;
            let zipped = match form_param(query.as_deref(), "zipped").as_deref() {
                None | Some("0") => false,
                Some("1") => true,
                Some(_) => {
                    return Err(ApiError::new(
                        400,
                        28,
                        "Invalid query-string parameter value: zipped must be 0 or 1.",
                    ))
                }
            };
            let (contract, doc) = {
                let catalog = state.catalog.read().unwrap_or_else(PoisonError::into_inner);
                let (contract, doc) =
                    catalog
                        .document(&contract_id, &document_id)
                        .ok_or_else(|| {
                            ApiError::not_found(format!(
                                "No document {document_id} in contract {contract_id}."
                            ))
                        })?;
                (contract.clone(), doc.clone())
            };
            let filename = doc.info.filename.clone();
            let internal = |e: formats::FormatError| {
                tracing::error!("cannot generate {}: {e}", doc.info.id);
                ApiError::new(500, 1, "The document could not be generated.")
            };
            let generated = {
                let (contract, doc) = (contract.clone(), doc.clone());
                tokio::task::spawn_blocking(move || {
                    let chunks = formats::chunks(&contract, &doc)?;
                    if zipped {
                        let archive = formats::zip::wrap(&doc.info.filename, chunks)?;
                        Ok::<_, formats::FormatError>(Box::new(std::iter::once(Bytes::from(
                            archive,
                        )))
                            as Box<dyn Iterator<Item = Bytes> + Send>)
                    } else {
                        Ok(chunks)
                    }
                })
                .await
                .map_err(|_| ApiError::new(500, 1, "The document generator failed."))?
                .map_err(internal)?
            };
            let (length, source, content_type, name) = if zipped {
                let archive: Vec<Bytes> = generated.collect();
                let length: u64 = archive.iter().map(|b| b.len() as u64).sum();
                let iter: Box<dyn Iterator<Item = Bytes> + Send> = Box::new(archive.into_iter());
                (length, iter, "application/zip", format!("{filename}.zip"))
            } else {
                (
                    doc.info.size,
                    generated,
                    doc.doc_type.format().content_type(),
                    filename,
                )
            };
            let config_cut = state
                .faults
                .config()
                .cut_download
                .as_deref()
                .filter(|id| *id == doc.info.id)
                .map(|_| length / 2);
            let body = body_stream(BodyState {
                cut_after: verdict.cut_after.or(config_cut),
                bytes_per_sec: state.faults.config().slow_body_bytes_per_sec,
                ..BodyState::new(source)
            });
            let mut response = Response::new(Body::from_stream(body));
            *response.status_mut() = StatusCode::OK;
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
            let style = *lock(&state.disposition);
            if let Some(value) =
                disposition::header_value(&name, style).and_then(|v| HeaderValue::from_str(&v).ok())
            {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            Ok(response)
        }
        .await,
    )
}
