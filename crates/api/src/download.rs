//! Streaming a document's file to a writer.
//!
//! Why: documents can be large (a year of consumption reports, a 1 GiB export). The body is written
//! chunk by chunk as it arrives, so memory stays flat whatever the size; the byte count is checked
//! against `Content-Length` so a cut connection is an error, never a silently short file.

use crate::client::{request_id, Client};
use crate::disposition::filename_from_content_disposition;
use crate::error::{ApiError, Call};
use crate::ids::{ContractId, DocumentId};
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use serde::Serialize;
use tokio::io::{AsyncWrite, AsyncWriteExt};

/// What to download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadRequest {
    /// The document's id from the list.
    pub document: DocumentId,
    /// Ask the server to wrap the file in a ZIP archive (`zipped=1`).
    pub zipped: bool,
}

/// How far a download is; reported after every chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DownloadProgress {
    /// Bytes written so far.
    pub bytes_done: u64,
    /// Bytes announced by the server, when it said.
    pub total: Option<u64>,
}

/// What a finished download reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DownloadedFile {
    /// Bytes written.
    pub bytes: u64,
    /// The name the server suggested in `Content-Disposition` (untrusted; callers prefer the list's
    /// `filename` and must sanitise either).
    pub server_file_name: Option<String>,
    /// The content type the server sent.
    pub content_type: Option<String>,
    /// Orange's request id, for support.
    pub request_id: Option<String>,
}

impl Client {
    /// `GET /documents/{id}/file`: streams the file into `writer`, calling `progress` after every chunk.
    ///
    /// On error the writer may hold part of the file: callers write to a temporary file and rename it
    /// only on success. The writer is flushed before returning `Ok`.
    pub async fn download_document<W>(
        &self,
        contract: &ContractId,
        request: &DownloadRequest,
        writer: &mut W,
        progress: &mut (dyn FnMut(DownloadProgress) + Send),
    ) -> Result<DownloadedFile, ApiError>
    where
        W: AsyncWrite + Unpin + Send + ?Sized,
    {
        let call = Call::Download(contract.clone(), request.document.clone());
        let mut url = self.api_url(&["documents", request.document.as_str(), "file"]);
        url.query_pairs_mut()
            .append_pair("zipped", if request.zipped { "1" } else { "0" });
        let mut response = self
            .send(&call, |http| {
                http.get(url.clone())
                    .header(crate::client::CONTRACT_HEADER, contract.as_str())
            })
            .await?;
        let headers = response.headers();
        let header_text = |name| {
            headers
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
        };
        let total = header_text(CONTENT_LENGTH).and_then(|v| v.trim().parse::<u64>().ok());
        let server_file_name =
            header_text(CONTENT_DISPOSITION).and_then(filename_from_content_disposition);
        let content_type = header_text(CONTENT_TYPE).map(str::to_owned);
        let request_id = request_id(headers);
        let mut bytes_done = 0u64;
        progress(DownloadProgress { bytes_done, total });
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(error) => {
                    tracing::warn!(error = %self.redactor.scrub(&error.to_string()), bytes_done, "download interrupted");
                    return Err(ApiError::IncompleteDownload {
                        received: bytes_done,
                        expected: total,
                    });
                }
            };
            writer.write_all(&chunk).await.map_err(ApiError::Write)?;
            bytes_done += chunk.len() as u64;
            progress(DownloadProgress { bytes_done, total });
        }
        if total.is_some_and(|expected| expected != bytes_done) {
            return Err(ApiError::IncompleteDownload {
                received: bytes_done,
                expected: total,
            });
        }
        writer.flush().await.map_err(ApiError::Write)?;
        Ok(DownloadedFile {
            bytes: bytes_done,
            server_file_name,
            content_type,
            request_id,
        })
    }
}
