//! Bodies sent as a stream that can be throttled, cut or stalled: what slow links, dropped
//! connections and hung servers look like to a client.

use std::time::Duration;

use axum::body::Bytes;
use futures_util::Stream;

/// How long a stalled body stays silent before the connection is dropped: far beyond any
/// client's read timeout, short enough that a forgotten connection does not last.
const STALL_FOR: Duration = Duration::from_secs(60);

/// What the body stream needs to pace, cut or stall a body.
pub(crate) struct BodyState {
    /// The bytes to send, in chunks.
    pub(crate) source: Box<dyn Iterator<Item = Bytes> + Send>,
    /// The part of the current chunk not sent yet.
    pub(crate) pending: Bytes,
    /// Bytes sent so far.
    pub(crate) sent: u64,
    /// Drop the connection after this many bytes.
    pub(crate) cut_after: Option<u64>,
    /// Stop sending after this many bytes, without closing, for [`STALL_FOR`].
    pub(crate) stall_after: Option<u64>,
    /// Send at most this many bytes per second.
    pub(crate) bytes_per_sec: Option<u64>,
    /// Nothing more to send.
    pub(crate) done: bool,
}

impl BodyState {
    /// A body of `source` sent as it comes, unless the limits are set.
    pub(crate) fn new(source: Box<dyn Iterator<Item = Bytes> + Send>) -> Self {
        Self {
            source,
            pending: Bytes::new(),
            sent: 0,
            cut_after: None,
            stall_after: None,
            bytes_per_sec: None,
            done: false,
        }
    }
}

/// The body as a stream, cut (an I/O error drops the connection), stalled or throttled when asked.
pub(crate) fn body_stream(
    state: BodyState,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send {
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
        if let Some(stall) = st.stall_after {
            if st.sent >= stall {
                st.done = true;
                tokio::time::sleep(STALL_FOR).await;
                let error = std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "body stalled by the sandbox",
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
        if let Some(limit) = st.cut_after.into_iter().chain(st.stall_after).min() {
            take = take.min(limit.saturating_sub(st.sent));
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
