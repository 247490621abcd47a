//! Where a [`crate::PostSet`] keeps its posts' encodings: 16 MiB chunks
//! that never move, held in memory up to a budget, the rest written to a
//! temporary file beside the store and read back when needed. That file is
//! created unlinked, so nothing is left behind however the process ends.

use std::borrow::Cow;
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;

/// Size of one chunk.
const CHUNK_BYTES: usize = 16 << 20;
/// [`Arena::gather`] reads across gaps up to this many bytes of unwanted
/// posts rather than making another read.
const GATHER_GAP: u64 = 64 << 10;
/// [`Arena::gather`]'s longest single read.
const GATHER_RUN: u64 = 8 << 20;

/// Where an encoding sits: its chunk and its offset inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place {
    pub chunk: u32,
    pub offset: u32,
}

#[derive(Debug)]
enum Chunk {
    Held(Vec<u8>),
    /// Written to the spill file at this offset, this many bytes.
    Spilled {
        at: u64,
        len: usize,
    },
}

/// Chunks held to `budget` bytes, then spilled.
#[derive(Debug, Default)]
pub(crate) struct Arena {
    chunks: Vec<Chunk>,
    /// Folder for the spill file and the bytes held before spilling;
    /// `None`: everything stays in memory.
    spill_to: Option<(PathBuf, usize)>,
    spill: Option<File>,
    spilled_bytes: u64,
}

impl Arena {
    /// Keep at most about `budget` bytes of chunks in memory; the rest go
    /// to a temporary file in `dir` (on Unix; elsewhere all stay in memory).
    pub(crate) fn spill_to(&mut self, dir: PathBuf, budget: usize) {
        if cfg!(unix) {
            self.spill_to = Some((dir, budget));
        }
    }

    /// Append `bytes`; where they went.
    pub(crate) fn push(&mut self, bytes: &[u8]) -> Place {
        let fits = matches!(self.chunks.last(), Some(Chunk::Held(c)) if c.capacity() - c.len() >= bytes.len());
        if !fits {
            self.spill_last_if_over_budget();
            self.chunks.push(Chunk::Held(Vec::with_capacity(
                CHUNK_BYTES.max(bytes.len()),
            )));
        }
        let chunk = self.chunks.len() - 1;
        let offset = match &mut self.chunks[chunk] {
            Chunk::Held(c) => {
                let offset = c.len();
                c.extend_from_slice(bytes);
                offset
            }
            // Not reached (a spilled chunk is never the one written to), but
            // a fresh chunk is right in any case.
            Chunk::Spilled { .. } => {
                self.chunks.push(Chunk::Held(bytes.to_vec()));
                return Place {
                    chunk: (chunk + 1) as u32,
                    offset: 0,
                };
            }
        };
        Place {
            chunk: chunk as u32,
            offset: offset as u32,
        }
    }

    /// Before starting a new chunk: if the held chunks are over budget,
    /// write the last (full) one out. A spill that fails (a full disk)
    /// keeps the chunk in memory: slower to fail later than to lose a post.
    fn spill_last_if_over_budget(&mut self) {
        let Some((dir, budget)) = &self.spill_to else {
            return;
        };
        if self.held_bytes() + CHUNK_BYTES <= *budget {
            return;
        }
        let Some(last) = self.chunks.last_mut() else {
            return;
        };
        let Chunk::Held(bytes) = last else {
            return;
        };
        if self.spill.is_none() {
            match tempfile::tempfile_in(dir) {
                Ok(file) => {
                    tracing::debug!(dir = %dir.display(), "holding posts beyond the memory budget in a temporary file");
                    self.spill = Some(file);
                }
                Err(e) => {
                    tracing::warn!(dir = %dir.display(), "cannot create a temporary file for posts ({e}); keeping them in memory");
                    self.spill_to = None;
                    return;
                }
            }
        }
        let Some(file) = &mut self.spill else {
            return;
        };
        match file.write_all(bytes) {
            Ok(()) => {
                let len = bytes.len();
                *last = Chunk::Spilled {
                    at: self.spilled_bytes,
                    len,
                };
                self.spilled_bytes += len as u64;
            }
            Err(e) => {
                tracing::warn!(
                    "cannot write posts to the temporary file ({e}); keeping them in memory"
                );
                self.spill_to = None;
            }
        }
    }

    /// `len` bytes at `place`, or `None` if the spill file cannot be read.
    pub(crate) fn get(&self, place: Place, len: usize) -> Option<Cow<'_, [u8]>> {
        let start = place.offset as usize;
        match self.chunks.get(place.chunk as usize)? {
            Chunk::Held(c) => c.get(start..start + len).map(Cow::Borrowed),
            Chunk::Spilled { at, .. } => {
                let mut buf = vec![0; len];
                self.read_spilled(at + start as u64, &mut buf)?;
                Some(Cow::Owned(buf))
            }
        }
    }

    /// The whole of chunk `index` (read back if spilled).
    pub(crate) fn chunk(&self, index: usize) -> Option<Cow<'_, [u8]>> {
        match self.chunks.get(index)? {
            Chunk::Held(c) => Some(Cow::Borrowed(c)),
            Chunk::Spilled { at, len } => {
                let mut buf = vec![0; *len];
                self.read_spilled(*at, &mut buf)?;
                Some(Cow::Owned(buf))
            }
        }
    }

    fn read_spilled(&self, at: u64, buf: &mut [u8]) -> Option<()> {
        let file = self.spill.as_ref()?;
        #[cfg(unix)]
        let read = std::os::unix::fs::FileExt::read_exact_at(file, buf, at);
        #[cfg(not(unix))]
        let read: std::io::Result<()> = {
            let _ = (file, at, &buf);
            Err(std::io::Error::other("no spill file outside Unix"))
        };
        match read {
            Ok(()) => Some(()),
            Err(e) => {
                tracing::error!("cannot read posts back from the temporary file: {e}");
                None
            }
        }
    }

    /// Number of chunks.
    pub(crate) fn chunks(&self) -> usize {
        self.chunks.len()
    }

    /// Bytes of chunks held in memory.
    pub(crate) fn held_bytes(&self) -> usize {
        self.chunks
            .iter()
            .map(|c| match c {
                Chunk::Held(c) => c.capacity(),
                Chunk::Spilled { .. } => 0,
            })
            .sum()
    }

    /// The bytes at each of `places` (where, how many), one after another
    /// into `out` in the order given. Spilled bytes are read with one read
    /// per run of nearby places rather than one per place: posts written
    /// in about the order they are read back (a store loaded, then a file
    /// in time order) come back a batch per read.
    pub(crate) fn gather(&self, places: &[(Place, usize)], out: &mut Vec<u8>) -> Option<()> {
        let total: usize = places.iter().map(|&(_, len)| len).sum();
        out.reserve(total);
        // (position in the spill file, length, position in `out`); held
        // bytes are copied in as they come, spilled ones zeroed until read.
        let mut spilled = Vec::new();
        for &(place, len) in places {
            let offset = place.offset as usize;
            match self.chunks.get(place.chunk as usize)? {
                Chunk::Held(c) => out.extend_from_slice(c.get(offset..offset + len)?),
                Chunk::Spilled { at, .. } => {
                    spilled.push((at + offset as u64, len, out.len()));
                    out.resize(out.len() + len, 0);
                }
            }
        }
        spilled.sort_unstable();
        let mut run = Vec::new();
        let mut i = 0;
        while i < spilled.len() {
            let from = spilled[i].0;
            let mut end = from + spilled[i].1 as u64;
            let mut j = i + 1;
            while let Some(&(at, len, _)) = spilled.get(j) {
                let gap_ok = at <= end + GATHER_GAP;
                let size_ok = at + len as u64 - from <= GATHER_RUN;
                if !(gap_ok && size_ok) {
                    break;
                }
                end = end.max(at + len as u64);
                j += 1;
            }
            run.resize((end - from) as usize, 0);
            self.read_spilled(from, &mut run)?;
            for &(at, len, to) in &spilled[i..j] {
                let r = (at - from) as usize;
                out[to..to + len].copy_from_slice(&run[r..r + len]);
            }
            i = j;
        }
        Some(())
    }

    /// Bytes written to the spill file.
    pub(crate) fn spilled_bytes(&self) -> u64 {
        self.spilled_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spilled_chunks_read_back_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let mut arena = Arena::default();
        arena.spill_to(dir.path().to_owned(), CHUNK_BYTES);
        let record: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
        let places: Vec<Place> = (0..40).map(|_| arena.push(&record)).collect();
        assert!(
            arena.spilled_bytes() > 0,
            "over budget, chunks were spilled"
        );
        assert!(arena.held_bytes() <= 2 * CHUNK_BYTES);
        for place in places {
            assert_eq!(
                arena.get(place, record.len()).unwrap().as_ref(),
                &record[..]
            );
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "the spill file has no name"
        );
    }

    #[test]
    fn gathered_bytes_are_each_place_in_the_order_asked() {
        let dir = tempfile::tempdir().unwrap();
        let mut arena = Arena::default();
        arena.spill_to(dir.path().to_owned(), CHUNK_BYTES);
        // Records of different lengths and contents, some spilled, some
        // held, far apart and side by side.
        let records: Vec<Vec<u8>> = (0..400)
            .map(|i: usize| {
                (0..(i * 7919) % 300_000 + 1)
                    .map(|k| (k * 31 + i) as u8)
                    .collect()
            })
            .collect();
        let places: Vec<(Place, usize)> =
            records.iter().map(|r| (arena.push(r), r.len())).collect();
        assert!(arena.spilled_bytes() > 0 && arena.held_bytes() > 0);
        // Forwards, backwards, shuffled, repeated, and one place alone.
        let mut orders: Vec<Vec<usize>> = vec![(0..400).collect(), (0..400).rev().collect()];
        orders.push((0..400).map(|i| (i * 263) % 400).collect());
        orders.push(vec![5, 5, 399, 0, 5]);
        orders.push(vec![200]);
        orders.push(vec![]);
        for order in orders {
            let asked: Vec<(Place, usize)> = order.iter().map(|&i| places[i]).collect();
            let mut out = b"kept".to_vec();
            arena.gather(&asked, &mut out).unwrap();
            let mut expected = b"kept".to_vec();
            for &i in &order {
                expected.extend_from_slice(&records[i]);
            }
            assert_eq!(out, expected);
        }
    }
}
