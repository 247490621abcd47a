//! Opening an input file: plain or gzip-compressed (told by its first two
//! bytes, not its name), with a count of the bytes read from disk so
//! progress can be shown against the file's size either way.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::bufread::MultiGzDecoder;

/// The gzip magic number.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Bytes read from the file on disk so far (compressed bytes for gzip).
#[derive(Debug, Clone, Default)]
pub(crate) struct DiskBytes(Arc<AtomicU64>);

impl DiskBytes {
    /// The count so far.
    pub(crate) fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A reader that counts what passes through it.
struct Counting<R> {
    inner: R,
    count: DiskBytes,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// An opened input: its decompressed bytes, and the count of bytes read
/// from disk.
pub(crate) struct Input {
    pub reader: BufReader<Box<dyn Read + Send>>,
    pub disk_bytes: DiskBytes,
}

/// Open `path`, decompressing gzip (including concatenated members, as
/// `cat a.gz b.gz` makes) when the file starts with the gzip magic number.
pub(crate) fn open(path: &Path) -> std::io::Result<Input> {
    let disk_bytes = DiskBytes::default();
    let counting = Counting {
        inner: File::open(path)?,
        count: disk_bytes.clone(),
    };
    let mut raw = BufReader::with_capacity(1 << 20, counting);
    let gzip = raw.fill_buf()?.starts_with(&GZIP_MAGIC);
    let inner: Box<dyn Read + Send> = if gzip {
        Box::new(MultiGzDecoder::new(raw))
    } else {
        Box::new(raw)
    };
    Ok(Input {
        reader: BufReader::with_capacity(1 << 20, inner),
        disk_bytes,
    })
}

/// The whole decompressed content of `path`.
#[cfg(test)]
pub(crate) fn read_all(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open(path)?.reader.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The decompressed content of `path` if it is at most `limit` bytes
/// (`None` when larger: a small gzip file can hold gigabytes).
pub(crate) fn read_at_most(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    open(path)?
        .reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::GzEncoder;

    use super::*;

    #[test]
    fn gzip_is_told_by_content_and_members_are_concatenated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-gz-suffix.jsonl");
        let mut bytes = Vec::new();
        for part in ["{\"a\":1}\n", "{\"b\":2}\n"] {
            let mut gz = GzEncoder::new(Vec::new(), Compression::default());
            gz.write_all(part.as_bytes()).unwrap();
            bytes.extend(gz.finish().unwrap());
        }
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(read_all(&path).unwrap(), b"{\"a\":1}\n{\"b\":2}\n");
        let mut input = open(&path).unwrap();
        std::io::copy(&mut input.reader, &mut std::io::sink()).unwrap();
        assert_eq!(
            input.disk_bytes.get(),
            bytes.len() as u64,
            "progress counts compressed bytes"
        );
    }

    #[test]
    fn plain_files_pass_through() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plain.jsonl");
        std::fs::write(&path, "{}\n").unwrap();
        assert_eq!(read_all(&path).unwrap(), b"{}\n");
    }
}
