//! Writing a large file whose bytes are synced to disk as they are
//! written, on a thread of their own, so that the sync before the file is
//! renamed into place finds little left to write. Left to itself, Linux
//! with its default settings keeps a freshly written table in memory
//! until that sync (its own writeback starts after 30 s, or at a tenth
//! of memory), and the sync then waits for all of it. Durability is
//! unchanged: the caller still syncs the whole file before the rename;
//! these early syncs only start the work sooner, and one that fails is
//! left for that last sync to report.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};

/// Bytes written between two early syncs.
const SYNC_EVERY_BYTES: usize = 8 << 20;

/// Run `write` with a writer to `out` whose file is synced every
/// [`SYNC_EVERY_BYTES`] by another thread while `write` goes on. Without
/// a second handle to the file (`try_clone` failed) the bytes are only
/// written, as by `out` itself.
pub(crate) fn with_early_syncs<T>(
    out: &mut BufWriter<File>,
    write: impl FnOnce(&mut EarlySyncs<'_>) -> T,
) -> T {
    let (written, syncs) = write_syncing(out, write);
    tracing::debug!(syncs, "synced the file early while writing it");
    written
}

/// [`with_early_syncs`], and how many early syncs were made.
fn write_syncing<T>(
    out: &mut BufWriter<File>,
    write: impl FnOnce(&mut EarlySyncs<'_>) -> T,
) -> (T, usize) {
    let Ok(file) = out.get_ref().try_clone() else {
        tracing::debug!("no second handle to the file; it is synced only when committed");
        let written = write(&mut EarlySyncs {
            out,
            since_sync: 0,
            wake: None,
        });
        return (written, 0);
    };
    let (wake, woken) = sync_channel(1);
    std::thread::scope(|scope| {
        let syncing = scope.spawn(move || sync_when_woken(&file, &woken));
        let mut writer = EarlySyncs {
            out,
            since_sync: 0,
            wake: Some(wake),
        };
        let written = write(&mut writer);
        // Dropping the sender ends the syncing thread.
        drop(writer);
        (written, syncing.join().unwrap_or(0))
    })
}

/// Sync `file` each time a wake-up comes, until the sender is gone; how
/// many times.
fn sync_when_woken(file: &File, woken: &Receiver<()>) -> usize {
    let mut syncs = 0;
    for () in woken {
        if let Err(e) = file.sync_data() {
            tracing::debug!("early sync failed ({e}); left to the final one");
        }
        syncs += 1;
    }
    syncs
}

/// A writer that wakes the syncing thread every [`SYNC_EVERY_BYTES`].
pub(crate) struct EarlySyncs<'a> {
    out: &'a mut BufWriter<File>,
    since_sync: usize,
    wake: Option<SyncSender<()>>,
}

impl Write for EarlySyncs<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.since_sync += n;
        if self.since_sync >= SYNC_EVERY_BYTES {
            if let Some(wake) = &self.wake {
                // What the buffer holds must reach the file to be synced.
                self.out.flush()?;
                match wake.try_send(()) {
                    // A sync still running (or one already asked for)
                    // takes these bytes too, or the next one does.
                    Ok(()) | Err(TrySendError::Full(())) => {}
                    Err(TrySendError::Disconnected(())) => self.wake = None,
                }
            }
            self.since_sync = 0;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `len` bytes written through [`write_syncing`] in pieces of
    /// `piece`, checked to be the file's bytes: how many early syncs were
    /// made.
    fn written(len: usize, piece: usize) -> usize {
        let mut file = tempfile::tempfile().unwrap();
        let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let mut out = BufWriter::new(file.try_clone().unwrap());
        let ((), syncs) = write_syncing(&mut out, |w| {
            for chunk in bytes.chunks(piece) {
                w.write_all(chunk).unwrap();
            }
            w.flush().unwrap();
        });
        drop(out);
        let mut read = Vec::new();
        std::io::Seek::rewind(&mut file).unwrap();
        std::io::Read::read_to_end(&mut file, &mut read).unwrap();
        assert_eq!(read, bytes, "the bytes are written as given");
        syncs
    }

    #[test]
    fn a_large_file_is_synced_while_written_and_a_small_one_is_not() {
        let syncs = written(3 * SYNC_EVERY_BYTES + 5, 1 << 16);
        assert!((1..=3).contains(&syncs), "{syncs} early syncs");
        assert_eq!(written(SYNC_EVERY_BYTES - 1, 1 << 16), 0);
        // Pieces larger than the buffer, and a single byte at a time.
        written(SYNC_EVERY_BYTES + 3, 3 << 20);
        written(100_000, 1);
    }
}
