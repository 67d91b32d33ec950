//! Report files on disk: opened, recognised as CSV or ZIP, and read several at once.
//!
//! Why one file per thread: a report is one stream that cannot be split cheaply (quoted line breaks),
//! and a year is twelve files; with `threads` workers each takes the next unread file, keeps its
//! own cube builder across the files it reads, and the builders are merged at the end (cheap: a
//! cube is far smaller than its reports). Memory stays flat: each worker holds one read buffer.

use super::builder::CubeBuilder;
use super::cube::{Cube, Dimensions};
use super::error::SpendError;
use super::read::{read_with, CubeSink, FileOutcome, ReportMeta, RowSink};
use super::zipped::{looks_like_zip, read_zip_with, ZipLimits};
use ccs_api::YearMonth;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// A report file, plain CSV or ZIP (recognised by its first bytes), with its month from the
/// documents list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportInput {
    /// The file.
    pub path: PathBuf,
    /// The month it belongs to (the document's `period`).
    pub month: YearMonth,
    /// A partial (month-to-date) report.
    pub partial: bool,
}

impl ReportInput {
    /// What the reader is told: the file's name, month and kind.
    pub fn meta(&self) -> ReportMeta {
        ReportMeta {
            name: self.path.file_name().map_or_else(
                || self.path.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            ),
            month: self.month,
            partial: self.partial,
        }
    }
}

/// How to aggregate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AggregateOptions {
    /// The dimensions to keep.
    pub dimensions: Dimensions,
    /// Limits on ZIP downloads.
    pub zip_limits: ZipLimits,
}

/// Reports aggregated.
#[derive(Debug, Clone)]
pub struct Aggregate {
    /// Their cube.
    pub cube: Cube,
    /// One outcome per report read (per entry for a ZIP), in the inputs' order.
    pub files: Vec<FileOutcome>,
}

/// Aggregates one report file.
pub fn aggregate_file(
    input: &ReportInput,
    options: &AggregateOptions,
) -> Result<Aggregate, SpendError> {
    aggregate_files(std::slice::from_ref(input), options, 1)
}

/// Aggregates report files, `threads` at once (0 counts as 1). The first failing file (in the
/// inputs' order) fails the whole: its error names it.
pub fn aggregate_files(
    inputs: &[ReportInput],
    options: &AggregateOptions,
    threads: usize,
) -> Result<Aggregate, SpendError> {
    let (builders, outcomes) = for_each_file(
        inputs,
        threads,
        || CubeBuilder::new(options.dimensions),
        |builder, input| read_file_with(input, &options.zip_limits, &mut CubeSink::new(builder)),
    )?;
    let mut builders = builders.into_iter();
    let mut merged = builders
        .next()
        .unwrap_or_else(|| CubeBuilder::new(options.dimensions));
    for builder in builders {
        merged.add_cube(&builder.finish());
    }
    Ok(Aggregate {
        cube: merged.finish(),
        files: outcomes.into_iter().flatten().collect(),
    })
}

/// Reads one file (CSV or ZIP) into `sink`.
pub(crate) fn read_file_with<S: RowSink>(
    input: &ReportInput,
    limits: &ZipLimits,
    sink: &mut S,
) -> Result<Vec<FileOutcome>, SpendError> {
    let meta = input.meta();
    let io_error = |source| SpendError::Io {
        file: meta.name.clone(),
        source,
    };
    let mut file = File::open(&input.path).map_err(io_error)?;
    let mut start = [0u8; 4];
    let mut filled = 0;
    while filled < start.len() {
        match file.read(&mut start[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(io_error(error)),
        }
    }
    file.seek(SeekFrom::Start(0)).map_err(io_error)?;
    if looks_like_zip(&start[..filled]) {
        read_zip_with(BufReader::new(file), &meta, limits, sink)
    } else {
        read_with(file, &meta, sink).map(|outcome| vec![outcome])
    }
}

/// Runs `work` on every input, `threads` at once, each worker with its own state from `init`.
/// Returns the workers' states and each input's result in the inputs' order; the error of the
/// first failing input (in that order) when any fails.
pub(crate) fn for_each_file<State, Out, Init, Work>(
    inputs: &[ReportInput],
    threads: usize,
    init: Init,
    work: Work,
) -> Result<(Vec<State>, Vec<Out>), SpendError>
where
    State: Send,
    Out: Send,
    Init: Fn() -> State + Sync,
    Work: Fn(&mut State, &ReportInput) -> Result<Out, SpendError> + Sync,
{
    let threads = threads.clamp(1, inputs.len().max(1));
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let results: Mutex<Vec<(usize, Result<Out, SpendError>)>> = Mutex::new(Vec::new());
    let run = |state: &mut State| loop {
        if failed.load(Ordering::Relaxed) {
            break;
        }
        let index = next.fetch_add(1, Ordering::Relaxed);
        let Some(input) = inputs.get(index) else {
            break;
        };
        let result = work(state, input);
        if result.is_err() {
            failed.store(true, Ordering::Relaxed);
        }
        if let Ok(mut results) = results.lock() {
            results.push((index, result));
        }
    };
    let states: Vec<State> = if threads == 1 {
        let mut state = init();
        run(&mut state);
        vec![state]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut state = init();
                        run(&mut state);
                        state
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| {
                    handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    };
    let mut results = results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    results.sort_by_key(|(index, _)| *index);
    let mut outs = Vec::with_capacity(results.len());
    for (_, result) in results {
        outs.push(result?);
    }
    Ok((states, outs))
}
