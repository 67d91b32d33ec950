//! `GET /documents` (array, or `{"documents": null}`) and `GET /documents/{id}/file`.

use std::sync::PoisonError;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::Stream;
use serde_json::json;

use super::{authorize, contract_header, enter, form_param, respond};
use crate::counters::Route;
use crate::data::documents::{DocType, MAX_DOCUMENTS};
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
            enter(&state, Route::Documents).await?;
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
            let null = || Json(json!({ "documents": null })).into_response();
            if !wanted.is_empty() && !DocType::is_known(&wanted) {
                return Ok(null());
            }
            let catalog = state.catalog.read().unwrap_or_else(PoisonError::into_inner);
            let docs: Vec<_> = catalog
                .documents
                .get(&contract_id)
                .map(|docs| {
                    docs.iter()
                        .filter(|d| wanted.is_empty() || d.info.document_type == wanted)
                        .take(usize::try_from(limit).unwrap_or(usize::MAX))
                        .map(|d| &d.info)
                        .collect()
                })
                .unwrap_or_default();
            if docs.is_empty() {
                Ok(null())
            } else {
                Ok(Json(docs).into_response())
            }
        }
        .await,
    )
}

/// What the body stream needs to pace or cut a download.
struct BodyState {
    source: Box<dyn Iterator<Item = Bytes> + Send>,
    pending: Bytes,
    sent: u64,
    cut_after: Option<u64>,
    bytes_per_sec: Option<u64>,
    done: bool,
}

/// The body as a stream, cut (an I/O error drops the connection) or throttled when asked.
fn body_stream(state: BodyState) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send {
    futures_util::stream::unfold(state, |mut st| async move {
        if st.done {
            return None;
        }
        if let Some(cut) = st.cut_after {
            if st.sent >= cut {
                st.done = true;
                // Let the server flush the headers and the bytes sent so far before the drop,
                // so the client sees a short body rather than no answer.
                tokio::time::sleep(Duration::from_millis(20)).await;
                let error = std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "download cut by the sandbox",
                );
                return Some((Err(error), st));
            }
        }
        while st.pending.is_empty() {
            st.pending = st.source.next()?;
        }
        let mut take = st.pending.len() as u64;
        if let Some(bps) = st.bytes_per_sec {
            take = take.min((bps / 10).max(1));
        }
        if let Some(cut) = st.cut_after {
            take = take.min(cut - st.sent);
        }
        let piece = st
            .pending
            .split_to(usize::try_from(take).unwrap_or(usize::MAX));
        st.sent += take;
        if let Some(bps) = st.bytes_per_sec {
            tokio::time::sleep(Duration::from_secs_f64(take as f64 / bps.max(1) as f64)).await;
        }
        Some((Ok(piece), st))
    })
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
                source,
                pending: Bytes::new(),
                sent: 0,
                cut_after: verdict.cut_after.or(config_cut),
                bytes_per_sec: state.faults.config().slow_body_bytes_per_sec,
                done: false,
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
