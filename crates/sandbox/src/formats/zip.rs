//! `zipped=1`: the file inside a real deflated ZIP archive, under its list file name.

use std::io::{Cursor, Write};

use bytes::Bytes;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::FormatError;

/// Deflates `chunks` into an archive holding one entry named `filename`. The source is read
/// chunk by chunk; only the compressed archive is held in memory.
pub(crate) fn wrap(
    filename: &str,
    chunks: impl Iterator<Item = Bytes>,
) -> Result<Vec<u8>, FormatError> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(true);
    writer.start_file(filename, options)?;
    for chunk in chunks {
        writer.write_all(&chunk)?;
    }
    Ok(writer.finish()?.into_inner())
}
