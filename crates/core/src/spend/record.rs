//! Splitting a report's bytes into records of fields, streaming, with one buffer for the whole file.
//!
//! Why by hand rather than with the `csv` crate: this is the hot path of reading 100 MB reports
//! (about 400,000 rows each). Most lines have no quote at all; for those, `memchr` finds the line's
//! end, the `;` separators are found eight bytes at a time, and the fields are slices of the read
//! buffer — nothing is copied or allocated. A line with a `"` goes to an RFC 4180 state machine
//! (quoted fields, `""` for a quote, `;` and line breaks inside quotes), which writes the unquoted
//! fields into one reused scratch buffer. Also handled: a UTF-8 byte order mark, CRLF or LF line
//! ends, a last line without a line end, blank lines (skipped).
//!
//! Memory: one buffer of 256 KiB (read and parsed while it is still in the CPU's L2 cache), grown
//! only for a single record longer than that, up to 8 MiB (a record beyond is refused: no
//! consumption report has one, and a stray quote must not make the reader hold the rest of a 1 GiB
//! file).

use memchr::memchr;
use std::io::{self, Read};

/// Columns of a consumption report.
pub(crate) const COLUMN_COUNT: usize = 27;

const INITIAL_BUFFER: usize = 1 << 18;

/// The longest record read (quoted line breaks included).
pub(crate) const MAX_RECORD: usize = 8 << 20;

/// Why the reader stopped.
#[derive(Debug)]
pub(crate) enum RecordError {
    /// Reading the source failed.
    Io(io::Error),
    /// A record starting at this line is longer than [`MAX_RECORD`].
    TooLong {
        /// Its first line.
        line: u64,
    },
}

/// One record: its first line's number and its fields.
pub(crate) struct Record<'a> {
    /// The line the record starts on, from 1.
    pub(crate) line: u64,
    data: &'a [u8],
    bounds: &'a [(u32, u32); COLUMN_COUNT],
    count: usize,
}

impl<'a> Record<'a> {
    /// How many fields the record has (0 for a record whose quotes never close).
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// Field `index` (below `len()` and below 27).
    #[inline]
    pub(crate) fn field(&self, index: usize) -> &'a [u8] {
        let (start, end) = self.bounds[index];
        self.data.get(start as usize..end as usize).unwrap_or(&[])
    }
}

/// Where the current record's fields are.
enum Location {
    /// In the read buffer.
    Buffer { start: usize, end: usize },
    /// In the scratch buffer (a quoted record).
    Scratch,
}

/// What the quoted-record state machine found.
enum Quoted {
    /// A whole record; the next one starts at `next`.
    Done { next: usize, lines: u64 },
    /// The buffered bytes end inside the record.
    NeedMore,
}

/// Reads records from any byte source.
pub(crate) struct RecordReader<R> {
    source: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    started: bool,
    next_line: u64,
    bounds: [(u32, u32); COLUMN_COUNT],
    count: usize,
    scratch: Vec<u8>,
    bytes_read: u64,
}

impl<R: Read> RecordReader<R> {
    /// A reader of `source`, from its first byte.
    pub(crate) fn new(source: R) -> Self {
        Self {
            source,
            buf: vec![0; INITIAL_BUFFER],
            start: 0,
            end: 0,
            eof: false,
            started: false,
            next_line: 1,
            bounds: [(0, 0); COLUMN_COUNT],
            count: 0,
            scratch: Vec::new(),
            bytes_read: 0,
        }
    }

    /// Bytes read from the source so far.
    pub(crate) fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The next record, or `None` at the end.
    pub(crate) fn next_record(&mut self) -> Result<Option<Record<'_>>, RecordError> {
        if !self.started {
            self.started = true;
            self.fill()?;
            if self.buf[self.start..self.end].starts_with(b"\xEF\xBB\xBF") {
                self.start += 3;
            }
        }
        let (line, location) = loop {
            let pending = &self.buf[self.start..self.end];
            let (line_end, next) = match memchr(b'\n', pending) {
                Some(offset) => (self.start + offset, self.start + offset + 1),
                None if self.eof => {
                    if pending.is_empty() {
                        return Ok(None);
                    }
                    (self.end, self.end)
                }
                None => {
                    self.fill()?;
                    continue;
                }
            };
            let line_start = self.start;
            let mut content_end = line_end;
            if content_end > line_start && self.buf[content_end - 1] == b'\r' {
                content_end -= 1;
            }
            let content = &self.buf[line_start..content_end];
            if content.iter().all(u8::is_ascii_whitespace) {
                self.start = next;
                self.next_line += 1;
                continue;
            }
            if let Some(count) = split_simple(content, &mut self.bounds) {
                self.count = count;
                let line = self.next_line;
                self.next_line += 1;
                self.start = next;
                break (
                    line,
                    Location::Buffer {
                        start: line_start,
                        end: content_end,
                    },
                );
            }
            match self.parse_quoted(line_start) {
                Quoted::Done { next, lines } => {
                    let line = self.next_line;
                    self.next_line += lines;
                    self.start = next;
                    break (line, Location::Scratch);
                }
                Quoted::NeedMore => {
                    let line = self.next_line;
                    self.fill().map_err(|error| match error {
                        RecordError::TooLong { .. } => RecordError::TooLong { line },
                        other => other,
                    })?;
                }
            }
        };
        let data = match location {
            Location::Buffer { start, end } => &self.buf[start..end],
            Location::Scratch => &self.scratch[..],
        };
        Ok(Some(Record {
            line,
            data,
            bounds: &self.bounds,
            count: self.count,
        }))
    }

    /// Moves the unread bytes to the front and reads more after them (growing the buffer when
    /// one record fills it).
    fn fill(&mut self) -> Result<(), RecordError> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            if self.buf.len() >= MAX_RECORD {
                return Err(RecordError::TooLong {
                    line: self.next_line,
                });
            }
            let grown = (self.buf.len() * 2).min(MAX_RECORD);
            self.buf.resize(grown, 0);
        }
        loop {
            match self.source.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    self.end += n;
                    self.bytes_read += n as u64;
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(RecordError::Io(error)),
            }
            return Ok(());
        }
    }

    /// Reads the quoted record starting at `from` into the scratch buffer.
    fn parse_quoted(&mut self, from: usize) -> Quoted {
        #[derive(Clone, Copy, PartialEq)]
        enum State {
            FieldStart,
            Unquoted,
            Quoted,
            AfterQuote,
        }
        self.scratch.clear();
        let mut count = 0usize;
        let mut field_start = 0usize;
        let mut lines = 0u64;
        let mut state = State::FieldStart;
        let mut at = from;
        let bounds = &mut self.bounds;
        let scratch = &mut self.scratch;
        let mut end_field = |scratch: &mut Vec<u8>, count: &mut usize, field_start: &mut usize| {
            if *count < COLUMN_COUNT {
                bounds[*count] = (to_u32(*field_start), to_u32(scratch.len()));
            }
            *count += 1;
            *field_start = scratch.len();
        };
        while at < self.end {
            let byte = self.buf[at];
            match state {
                State::FieldStart if byte == b'"' => state = State::Quoted,
                State::FieldStart | State::Unquoted | State::AfterQuote => match byte {
                    b';' => {
                        end_field(scratch, &mut count, &mut field_start);
                        state = State::FieldStart;
                    }
                    b'\n' => {
                        if scratch.len() > field_start && scratch.last() == Some(&b'\r') {
                            scratch.pop();
                        }
                        end_field(scratch, &mut count, &mut field_start);
                        self.count = count;
                        return Quoted::Done {
                            next: at + 1,
                            lines: lines + 1,
                        };
                    }
                    _ => {
                        // Text after a closing quote is kept, as the csv crate does.
                        scratch.push(byte);
                        state = State::Unquoted;
                    }
                },
                State::Quoted => {
                    if byte == b'"' {
                        match self.buf.get(at + 1) {
                            Some(b'"') if at + 1 < self.end => {
                                scratch.push(b'"');
                                at += 1;
                            }
                            _ if at + 1 >= self.end && !self.eof => return Quoted::NeedMore,
                            _ => state = State::AfterQuote,
                        }
                    } else {
                        lines += u64::from(byte == b'\n');
                        scratch.push(byte);
                    }
                }
            }
            at += 1;
        }
        if !self.eof {
            return Quoted::NeedMore;
        }
        // The data ends: the record ends with it. Quotes that never close make it unreadable.
        if state == State::Quoted {
            self.count = 0;
        } else {
            if scratch.len() > field_start && scratch.last() == Some(&b'\r') {
                scratch.pop();
            }
            end_field(scratch, &mut count, &mut field_start);
            self.count = count;
        }
        Quoted::Done {
            next: self.end,
            lines: lines + 1,
        }
    }
}

/// A record's length fits in `u32` (records are at most [`MAX_RECORD`] bytes).
#[inline]
fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Bytes of a word with every byte 1.
const ONES: u64 = 0x0101_0101_0101_0101;
/// Bytes of a word with every byte 0x7F.
const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;

/// The high bit of each byte of `word` that equals `byte` (exact: no false positives).
#[inline(always)]
fn bytes_equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// Splits a line without quotes at its `;`s into `bounds`; the field count, or `None` when the
/// line holds a quote. Eight bytes at a time (SWAR: a report's fields are short, so this beats a
/// `memchr` call per separator by about half; unsafe SIMD is not allowed in this crate).
#[inline]
fn split_simple(line: &[u8], bounds: &mut [(u32, u32); COLUMN_COUNT]) -> Option<usize> {
    let mut count = 0usize;
    let mut field_start = 0u32;
    let mut separator_at = |at: usize, count: &mut usize| {
        if *count < COLUMN_COUNT {
            bounds[*count] = (field_start, to_u32(at));
        }
        *count += 1;
        field_start = to_u32(at + 1);
    };
    let mut words = line.chunks_exact(8);
    let mut base = 0usize;
    for word in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        let word = u64::from_le_bytes(bytes);
        if bytes_equal(word, b'"') != 0 {
            return None;
        }
        let mut separators = bytes_equal(word, b';');
        while separators != 0 {
            separator_at(
                base + (separators.trailing_zeros() / 8) as usize,
                &mut count,
            );
            separators &= separators - 1;
        }
        base += 8;
    }
    for (offset, &byte) in words.remainder().iter().enumerate() {
        match byte {
            b';' => separator_at(base + offset, &mut count),
            b'"' => return None,
            _ => {}
        }
    }
    if count < COLUMN_COUNT {
        bounds[count] = (field_start, to_u32(line.len()));
    }
    Some(count + 1)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Every record as (line, fields) — the first 27 fields, and the count.
    fn records(bytes: &[u8]) -> Vec<(u64, usize, Vec<String>)> {
        records_in_chunks(bytes, bytes.len().max(1))
    }

    /// The same, the source giving at most `chunk` bytes per read.
    fn records_in_chunks(bytes: &[u8], chunk: usize) -> Vec<(u64, usize, Vec<String>)> {
        struct Chunked<'a>(&'a [u8], usize);
        impl Read for Chunked<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut reader = RecordReader::new(Chunked(bytes, chunk));
        let mut out = Vec::new();
        while let Some(record) = reader.next_record().unwrap() {
            let fields = (0..record.len().min(COLUMN_COUNT))
                .map(|i| String::from_utf8_lossy(record.field(i)).into_owned())
                .collect();
            out.push((record.line, record.len(), fields));
        }
        out
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn plain_lines_bom_crlf_and_blank_lines() {
        let read = records(b"\xEF\xBB\xBFa;b\r\n\r\nc;;d\nlast;x");
        assert_eq!(
            read,
            vec![
                (1, 2, strings(&["a", "b"])),
                (3, 3, strings(&["c", "", "d"])),
                (4, 2, strings(&["last", "x"])),
            ]
        );
    }

    #[test]
    fn quoted_fields_with_separators_quotes_and_line_breaks() {
        let read = records(b"\"a;1\";\"say \"\"hi\"\"\"\r\n\"two\nlines\";x\r\nnext;\"\"\n");
        assert_eq!(
            read,
            vec![
                (1, 2, strings(&["a;1", "say \"hi\""])),
                (2, 2, strings(&["two\nlines", "x"])),
                (4, 2, strings(&["next", ""])),
            ]
        );
    }

    #[test]
    fn unclosed_quote_at_the_end_is_an_empty_record() {
        let read = records(b"a;b\n\"open;c\n");
        assert_eq!(read[0], (1, 2, strings(&["a", "b"])));
        assert_eq!(read[1].1, 0);
    }

    #[test]
    fn same_records_whatever_the_read_sizes() {
        let bytes = b"\"q;1\";2\r\nplain;3\n\"multi\r\nline\";\"x\"\"\"\nend".repeat(50);
        let whole = records(&bytes);
        for chunk in [1, 2, 3, 7, 64] {
            assert_eq!(records_in_chunks(&bytes, chunk), whole, "chunks of {chunk}");
        }
    }

    #[test]
    fn a_record_longer_than_the_limit_is_refused() {
        let mut bytes = b"a;b\n\"".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', MAX_RECORD + 10));
        let mut reader = RecordReader::new(&bytes[..]);
        assert!(reader.next_record().unwrap().is_some());
        match reader.next_record() {
            Err(RecordError::TooLong { line }) => assert_eq!(line, 2),
            _ => panic!("a too long record was read"),
        }
    }
}
