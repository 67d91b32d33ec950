//! Failures the sandbox injects: one-shot faults queued by tests, and random ones from the
//! configuration. They are applied before any authentication check, like a gateway would.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::config::FaultConfig;
use crate::counters::Route;
use crate::errors::ApiError;
use crate::sync::lock;

/// A failure to inject into the next requests of one route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer Orange's error body of `code` (message from the README's table) with this HTTP
    /// status instead of serving, with `Retry-After` when given.
    Status {
        /// HTTP status.
        http: u16,
        /// Orange code.
        code: u32,
        /// `Retry-After` seconds.
        retry_after_secs: Option<u64>,
    },
    /// `DocumentFile` only: send the headers with the full `Content-Length`, then drop the
    /// connection after this many body bytes.
    CutBody {
        /// Body bytes sent before the cut.
        after_bytes: u64,
    },
    /// Wait this long before serving normally.
    Delay(Duration),
    /// Serve normally (a create is applied), then wait this long before answering: the answer
    /// comes late, after a client with a shorter read timeout gave up. Honoured by the two create
    /// routes and `Documents`; elsewhere it acts as [`Fault::Delay`].
    DelayAnswer(Duration),
    /// Answer as a gateway in front of the API would, with this HTTP status, instead of serving.
    GatewayPage {
        /// HTTP status (502, 503, 504…).
        http: u16,
        /// The page's form.
        style: GatewayStyle,
    },
    /// `CreateUser` / `CreateContract` only: apply the create, then answer in this other
    /// plausible way (consumed and ignored on other routes).
    CreateAnswer(CreateAnswerStyle),
}

/// How a gateway's error page looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayStyle {
    /// nginx's HTML page (`<title>502 Bad Gateway</title>`, its padding comments included).
    NginxHtml,
    /// A proxy's `text/plain` line (Envoy's "upstream connect error…").
    PlainText,
}

/// Other success answers a create may give (the contract only shows 201 with the item).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateAnswerStyle {
    /// 204 without a body.
    NoContent,
    /// 200 with the item minus its `id`.
    WithoutId,
    /// 201 with `text/plain` "Created".
    NotJson,
}

/// How `/file` sends `Content-Disposition`, to test clients against each variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DispositionStyle {
    /// `filename="…"` and `filename*=UTF-8''…`.
    #[default]
    Both,
    /// Only the ASCII `filename="…"`.
    AsciiOnly,
    /// Only `filename*=UTF-8''…`.
    ExtendedOnly,
    /// No header at all (the real API may omit it).
    Absent,
}

/// What to do with one request after the faults were consulted.
#[derive(Debug, Default)]
pub(crate) struct Verdict {
    /// Serve, but cut the body after this many bytes.
    pub(crate) cut_after: Option<u64>,
    /// Wait this long first (an injected delay, on top of the configured latency).
    pub(crate) delay: Duration,
    /// Wait this long after serving, before the answer leaves.
    pub(crate) answer_delay: Duration,
    /// Answer a create this way.
    pub(crate) create_answer: Option<CreateAnswerStyle>,
}

/// One-shot queues per route plus the random faults of the configuration.
#[derive(Debug)]
pub(crate) struct FaultPlan {
    queued: Mutex<HashMap<Route, VecDeque<Fault>>>,
    rng: Mutex<ChaCha8Rng>,
    config: FaultConfig,
}

impl FaultPlan {
    /// A plan with the configured random faults and an empty queue.
    pub(crate) fn new(config: FaultConfig, rng: ChaCha8Rng) -> Self {
        Self {
            queued: Mutex::new(HashMap::new()),
            rng: Mutex::new(rng),
            config,
        }
    }

    /// The configuration the plan was built from.
    pub(crate) fn config(&self) -> &FaultConfig {
        &self.config
    }

    /// Queues `fault` for the next `times` requests to `route`.
    pub(crate) fn inject(&self, route: Route, fault: Fault, times: u32) {
        let mut queued = lock(&self.queued);
        let queue = queued.entry(route).or_default();
        for _ in 0..times {
            queue.push_back(fault.clone());
        }
    }

    /// Decides the fate of one request to `route`: an error answer, or how to serve it.
    pub(crate) fn decide(&self, route: Route) -> Result<Verdict, ApiError> {
        let mut verdict = Verdict::default();
        let one_shot = lock(&self.queued)
            .get_mut(&route)
            .and_then(VecDeque::pop_front);
        match one_shot {
            Some(Fault::Status {
                http,
                code,
                retry_after_secs,
            }) => {
                return Err(ApiError::new(http, code, "Fault injected by the sandbox.")
                    .retry_after(retry_after_secs));
            }
            Some(Fault::CutBody { after_bytes }) => verdict.cut_after = Some(after_bytes),
            Some(Fault::Delay(extra)) => verdict.delay += extra,
            Some(Fault::DelayAnswer(extra)) => match route {
                Route::CreateUser | Route::CreateContract | Route::Documents => {
                    verdict.answer_delay += extra;
                }
                _ => verdict.delay += extra,
            },
            Some(Fault::GatewayPage { http, style }) => {
                return Err(ApiError::gateway_page(http, style));
            }
            Some(Fault::CreateAnswer(style)) => verdict.create_answer = Some(style),
            None => {}
        }
        if route != Route::Token {
            let mut rng = lock(&self.rng);
            if self.config.rate_429 > 0.0 && rng.gen_bool(self.config.rate_429.clamp(0.0, 1.0)) {
                return Err(ApiError::too_many_requests(1));
            }
            if self.config.rate_5xx > 0.0 && rng.gen_bool(self.config.rate_5xx.clamp(0.0, 1.0)) {
                return Err(if rng.gen_bool(0.5) {
                    ApiError::new(500, 1, "The service failed unexpectedly (injected).")
                } else {
                    ApiError::new(503, 5, "The service is temporarily unavailable (injected).")
                });
            }
        }
        Ok(verdict)
    }
}
