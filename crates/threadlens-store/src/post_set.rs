use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry as Slot;
use std::path::PathBuf;

use polars::prelude::{DataFrame, PolarsResult};
use rustc_hash::FxHashMap;

use threadlens_model::{MergeOutcome, Platform, Post, PostKey};

use crate::arena::{Arena, Place};
use crate::codec::{self, PostView, Strs};
use crate::table::{FrameBuilder, StoredKey};
use crate::table_file::TableFile;
use crate::{Error, stored};

/// What inserting a post into a [`PostSet`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    /// A post not seen before.
    New,
    /// A copy of a post already there; `updated` if the kept row changed.
    Duplicate {
        /// The kept row was replaced or its `matched` flag raised.
        updated: bool,
    },
}

/// Where one post's encoding sits in the arena, and what sorting and
/// merging need without decoding it: 24 bytes, which is most of what a
/// spilled post costs in memory.
#[derive(Debug, Clone, Copy)]
struct Entry {
    place: Place,
    len: u32,
    created_ms: i64,
    platform: Platform,
    flags: u8,
}

/// The post is matched (the `matched` column).
const MATCHED: u8 = 1;
/// The post has a `conversation_id` (roots are filled for those without,
/// see [`PostSet::resolve_references`]).
const HAS_CONVERSATION: u8 = 2;
/// The post starts its own conversation though its bytes say no
/// `conversation_id`: filled in when read, so the most common fill (a post
/// that replies to nothing) costs no second copy of the post.
const OWN_ROOT: u8 = 4;
/// The post has no `reply_to_post_id`.
const REPLIES_TO_NOTHING: u8 = 8;
/// The post is row `place.offset` of the table the set was loaded from
/// ([`PostSet::set_stored`]), and its bytes are not in the arena. Stored
/// rows are the set's first entries, entry `i` being row `i`; a row whose
/// post was merged or changed since has its new post in the arena and
/// loses the flag.
const STORED: u8 = 16;

impl Entry {
    /// The entry of `post`, encoded in `len` bytes at `place`.
    fn of<'a, L: Strs<'a>>(post: &PostView<'a, L>, place: Place, len: usize) -> Entry {
        let mut entry = Entry {
            place,
            len: len as u32,
            created_ms: post.created_at.get(),
            platform: post.platform,
            flags: 0,
        };
        entry.set(MATCHED, post.matched);
        entry.set(HAS_CONVERSATION, post.conversation_id.is_some());
        entry.set(REPLIES_TO_NOTHING, post.reply_to_post_id.is_none());
        entry
    }

    fn is(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    fn set(&mut self, flag: u8, on: bool) {
        if on {
            self.flags |= flag;
        } else {
            self.flags &= !flag;
        }
    }
}

/// The deduplicated posts of a store, in memory, keyed by platform and id.
///
/// Posts are kept encoded (see `codec`) in 16 MiB chunks (which never
/// move or over-allocate, unlike one doubling buffer), with a 24-byte entry
/// and a 64-bit key hash each, so memory is close to the size of the
/// posts' text and ids; past a budget ([`PostSet::spill_to`]) the chunks go
/// to a temporary file, and memory peaks near 100 bytes a post (the entry,
/// an index slot and, while sorting, the id and a sort key; a set given up
/// to [`crate::PostStore::commit_owned`] frees its index before sorting).
/// A replaced post's old bytes stay until the set is dropped (only updated
/// duplicates leave such bytes).
#[derive(Debug, Default)]
pub struct PostSet {
    arena: Arena,
    scratch: Vec<u8>,
    /// Distinct `source` values; posts refer to them by index.
    sources: Vec<String>,
    source_index: FxHashMap<String, u32>,
    entries: Vec<Entry>,
    /// Keys are already hashes, so the map's own hashing is the cheapest.
    /// A hit is confirmed against the stored key, so a 64-bit hash (16
    /// bytes a post in the map, against 32 for a 128-bit one) is exact.
    index: FxHashMap<u64, u32>,
    /// Keys whose hash is taken by another key (a pair is expected once
    /// in some 6 billion posts; kept so that even then no post is lost).
    overflow: HashMap<PostKey, u32>,
    changed: bool,
    /// The table whose rows are the entries flagged [`STORED`], while
    /// their posts are only there (see `stored.rs`).
    stored: Option<TableFile>,
    /// Why the stored posts could not be read when they were needed; the
    /// commit fails with it.
    unreadable: Option<Error>,
    /// The last block of stored posts read to answer a hit on a stored key.
    stored_blocks: stored::StoredBlocks,
}

/// Posts encoded away from their set, so that encoding (most of the work
/// of loading a store) runs on several threads while one adds them in
/// order ([`PostSet::add_encoded`]).
#[derive(Debug)]
pub(crate) struct EncodedRun {
    /// The encodings, one after another.
    bytes: Vec<u8>,
    posts: Vec<EncodedPost>,
}

/// One post of an [`EncodedRun`].
#[derive(Debug, Clone, Copy)]
struct EncodedPost {
    hash: u64,
    /// Its entry but for where it will sit (its `len` is its encoding's
    /// length in the run's bytes); `None` when its source was not
    /// registered, so it was not encoded.
    entry: Option<Entry>,
}

impl EncodedRun {
    /// How many posts.
    pub(crate) fn len(&self) -> usize {
        self.posts.len()
    }

    /// Encode `posts` with the source ids of `sources`
    /// ([`PostSet::source_ids`]), up to the first that cannot be read.
    pub(crate) fn of<'a, L: Strs<'a>, E>(
        sources: &FxHashMap<String, u32>,
        posts: impl ExactSizeIterator<Item = Result<PostView<'a, L>, E>>,
    ) -> Result<EncodedRun, E> {
        let mut run = EncodedRun {
            bytes: Vec::new(),
            posts: Vec::with_capacity(posts.len()),
        };
        for post in posts {
            let post = post?;
            let from = run.bytes.len();
            let entry = sources.get(post.source).map(|&source| {
                codec::encode(&post, source, &mut run.bytes);
                let unplaced = Place {
                    chunk: u32::MAX,
                    offset: u32::MAX,
                };
                Entry::of(&post, unplaced, run.bytes.len() - from)
            });
            run.posts.push(EncodedPost {
                hash: key_hash(post.platform, post.post_id),
                entry,
            });
        }
        Ok(run)
    }
}

/// What a set holds of a stored row until its post is needed
/// ([`PostSet::push_stored`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct StoredRow {
    hash: u64,
    created_ms: i64,
    platform: Platform,
    has_conversation: bool,
    replies_to_nothing: bool,
}

impl StoredRow {
    /// What the set holds of the row whose key, time and thread fields
    /// are `key`.
    pub(crate) fn of(key: &StoredKey<'_>) -> Self {
        StoredRow {
            hash: key_hash(key.platform, key.post_id),
            created_ms: key.created_ms,
            platform: key.platform,
            has_conversation: key.has_conversation,
            replies_to_nothing: key.replies_to_nothing,
        }
    }
}

/// A 64-bit hash of a post's key (XXH3, the platform as its seed): in
/// memory only, never written.
fn key_hash(platform: Platform, post_id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(post_id.as_bytes(), platform as u64)
}

impl PostSet {
    /// An empty set.
    pub fn new() -> Self {
        PostSet::default()
    }

    /// Keep at most about `budget` bytes of encoded posts in memory, the
    /// rest in an unnamed temporary file in `dir` (the store's folder, so it
    /// is on the disk that will hold the table anyway).
    pub fn spill_to(&mut self, dir: impl Into<PathBuf>, budget: usize) {
        self.arena.spill_to(dir.into(), budget);
    }

    /// Register `sources` (the `source` values of posts about to be
    /// encoded by [`EncodedRun::of`]), each new one once, in order.
    /// Returns whether any was new.
    pub(crate) fn register_sources<'s>(
        &mut self,
        sources: impl IntoIterator<Item = &'s str>,
    ) -> bool {
        let known = self.sources.len();
        let mut last = None;
        for source in sources {
            // A table's sources come in long runs of one file's name.
            if last != Some(source) {
                self.source_id(source);
                last = Some(source);
            }
        }
        self.sources.len() > known
    }

    /// The ids of the sources registered so far, for encoding elsewhere.
    pub(crate) fn source_ids(&self) -> &FxHashMap<String, u32> {
        &self.source_index
    }

    /// Make room for `rows` more entries.
    pub(crate) fn reserve(&mut self, rows: usize) {
        self.entries.reserve(rows);
        self.index.reserve(rows);
    }

    /// Add row `row` of the stored table by what [`StoredRow`] keeps of
    /// it. When another entry has the same key hash, a post of another
    /// platform, the row is kept beside the index by its key (`post_id`
    /// gives its id). Returns false, adding nothing, when the other entry
    /// is of the same platform (most likely the same key, which only
    /// loading the posts whole can merge) or the id cannot be read.
    pub(crate) fn push_stored(
        &mut self,
        row: usize,
        stored: StoredRow,
        post_id: impl FnOnce() -> Option<String>,
    ) -> bool {
        let at = self.entries.len() as u32;
        match self.index.entry(stored.hash) {
            Slot::Vacant(slot) => {
                slot.insert(at);
            }
            Slot::Occupied(slot) => {
                let other = self.entries[*slot.get() as usize].platform;
                let Some(post_id) = post_id().filter(|_| other != stored.platform) else {
                    return false;
                };
                let key = PostKey {
                    platform: stored.platform,
                    post_id,
                };
                self.overflow.insert(key, at);
            }
        }
        let mut entry = Entry {
            place: Place {
                chunk: u32::MAX,
                offset: row as u32,
            },
            len: 0,
            created_ms: stored.created_ms,
            platform: stored.platform,
            flags: STORED,
        };
        entry.set(HAS_CONVERSATION, stored.has_conversation);
        entry.set(REPLIES_TO_NOTHING, stored.replies_to_nothing);
        self.entries.push(entry);
        true
    }

    /// Hold `table` as the table the entries flagged stored are rows of.
    pub(crate) fn set_stored(&mut self, table: TableFile) {
        self.stored = Some(table);
    }

    /// The table whose rows are still only there, if any.
    pub(crate) fn stored(&self) -> Option<&TableFile> {
        self.stored.as_ref()
    }

    /// Why the stored posts could not be read when they were needed.
    pub(crate) fn unreadable(&self) -> Option<&Error> {
        self.unreadable.as_ref()
    }

    /// Take the stored table, to read its posts into the set
    /// ([`PostSet::place_stored`]).
    pub(crate) fn take_stored(&mut self) -> Option<TableFile> {
        self.stored.take()
    }

    /// Put the posts of `run`, rows `first_row..` of the stored table, in
    /// the arena, in place of their stored entries. Returns false if a
    /// post of the run was not encoded (its source not registered) or is
    /// not the row its entry says.
    pub(crate) fn place_stored(&mut self, first_row: usize, run: &EncodedRun) -> bool {
        let mut start = 0;
        for (i, post) in run.posts.iter().enumerate() {
            let Some(entry) = post.entry else {
                return false;
            };
            let bytes = run.bytes.get(start..start + entry.len as usize);
            start += entry.len as usize;
            let row = first_row + i;
            let held = self.entries.get(row).copied();
            let (Some(bytes), Some(held)) = (bytes, held) else {
                return false;
            };
            if held.place.offset as usize != row && held.is(STORED) {
                return false;
            }
            if !held.is(STORED) {
                // Merged or changed since it was loaded: its post is here.
                continue;
            }
            let place = self.arena.push(bytes);
            self.entries[row] = Entry { place, ..entry };
        }
        true
    }

    /// Whether row `row` of the stored table is still only there: not
    /// merged or changed since the set was loaded.
    pub(crate) fn row_is_stored(&self, row: usize) -> bool {
        self.entries.get(row).is_some_and(|e| e.is(STORED))
    }

    /// How many of the stored table's first rows are written again where
    /// they are: rows still only stored (not merged or changed since the
    /// load) that sort before `first_added`, the time and platform of the
    /// first post in the stored order that is not a stored row. A row of
    /// that same time and platform is taken to move (its id is not held).
    pub(crate) fn rows_in_place(&self, first_added: Option<(i64, Platform)>) -> usize {
        let Some(table) = &self.stored else {
            return 0;
        };
        let rows = &self.entries[..table.rows().min(self.entries.len())];
        let unchanged = rows
            .iter()
            .position(|e| !e.is(STORED))
            .unwrap_or(rows.len());
        match first_added {
            Some(first) => {
                rows[..unchanged].partition_point(|e| (e.created_ms, e.platform) < first)
            }
            None => unchanged,
        }
    }

    /// Read the stored posts into the set if they are only in the table,
    /// so that entries can be merged or followed; a failure is kept for
    /// the commit to report.
    fn read_stored(&mut self) {
        if self.stored.is_none() || self.unreadable.is_some() {
            return;
        }
        if let Err(e) = stored::promote(self) {
            tracing::error!("{e}");
            self.unreadable = Some(e);
        }
    }

    /// Add stored posts (already unique) encoded by [`EncodedRun::of`],
    /// without marking the set changed. A post whose key is already held,
    /// or whose source was not registered, is read again (`row(i)`, `i`
    /// counted from the run's first post) and goes through
    /// [`PostSet::insert`]'s merge; the first that cannot be read stops
    /// the run.
    pub(crate) fn add_encoded<'a, L: Strs<'a>, E>(
        &mut self,
        run: &EncodedRun,
        row: impl Fn(usize) -> Result<PostView<'a, L>, E>,
    ) -> Result<(), E> {
        let changed = self.changed;
        let mut start = 0;
        for (i, post) in run.posts.iter().enumerate() {
            let len = post.entry.map_or(0, |entry| entry.len as usize);
            let bytes = run.bytes.get(start..start + len);
            start += len;
            if let (Some(bytes), Some(entry)) = (bytes, post.entry)
                && let Slot::Vacant(slot) = self.index.entry(post.hash)
            {
                slot.insert(self.entries.len() as u32);
                let place = self.arena.push(bytes);
                self.entries.push(Entry { place, ..entry });
                continue;
            }
            let view = row(i)?;
            if self.add_or_find(post.hash, &view).is_some() {
                self.insert(&view.to_post());
            }
        }
        self.changed = changed;
        Ok(())
    }

    /// The id of `source`, registered if new.
    fn source_id(&mut self, source: &str) -> u32 {
        match self.source_index.get(source) {
            Some(&i) => i,
            None => {
                let i = self.sources.len() as u32;
                self.sources.push(source.to_owned());
                self.source_index.insert(source.to_owned(), i);
                i
            }
        }
    }

    fn bytes(&self, entry: &Entry) -> Option<Cow<'_, [u8]>> {
        self.arena.get(entry.place, entry.len as usize)
    }

    fn find(&self, platform: Platform, post_id: &str) -> Option<usize> {
        let at = *self.index.get(&key_hash(platform, post_id))? as usize;
        if self.holds(at, platform, post_id) {
            return Some(at);
        }
        let key = PostKey {
            platform,
            post_id: post_id.to_owned(),
        };
        self.overflow.get(&key).map(|&i| i as usize)
    }

    /// Whether entry `at` is the post with this key.
    fn holds(&self, at: usize, platform: Platform, post_id: &str) -> bool {
        if self.entries[at].is(STORED) {
            return self
                .decode(at)
                .is_some_and(|p| p.platform == platform && p.post_id == post_id);
        }
        self.bytes(&self.entries[at])
            .is_some_and(|bytes| codec::key(&bytes) == Some((platform, post_id)))
    }

    fn decode(&self, at: usize) -> Option<Post> {
        let entry = &self.entries[at];
        if entry.is(STORED) {
            let table = self.stored.as_ref()?;
            return match self.stored_blocks.post(table, entry.place.offset as usize) {
                Ok(post) => Some(post),
                Err(e) => {
                    tracing::error!("{e}");
                    None
                }
            };
        }
        let bytes = self.bytes(entry)?;
        read(&bytes, entry.is(MATCHED), entry.is(OWN_ROOT), &self.sources).map(|v| v.to_post())
    }

    /// Append `post`'s encoding and point entry `at` (or a new entry) to it.
    fn store<'a, L: Strs<'a>>(&mut self, at: Option<usize>, post: &PostView<'a, L>) -> usize {
        let source = self.source_id(post.source);
        self.scratch.clear();
        codec::encode(post, source, &mut self.scratch);
        let place = self.arena.push(&self.scratch);
        let entry = Entry::of(post, place, self.scratch.len());
        self.changed = true;
        match at {
            Some(at) => {
                self.entries[at] = entry;
                at
            }
            None => {
                self.entries.push(entry);
                self.entries.len() - 1
            }
        }
    }

    /// Add a post, merging it with a copy already held by the rule of
    /// formats.md §1 ([`Post::merge_duplicate`]). The post is encoded from
    /// where it lies; it is copied only to merge with a copy held.
    pub fn insert(&mut self, post: &Post) -> Inserted {
        let hash = key_hash(post.platform, &post.post_id);
        let Some(at) = self.add_or_find(hash, &PostView::of(post)) else {
            return Inserted::New;
        };
        let Some(mut kept) = self.decode(at) else {
            if self.entries[at].is(STORED) {
                let why = "a stored post could not be read (see the log)".to_owned();
                self.unreadable.get_or_insert(Error::Unread {
                    path: self
                        .stored
                        .as_ref()
                        .map(|t| t.path().to_owned())
                        .unwrap_or_default(),
                    why,
                });
                return Inserted::Duplicate { updated: false };
            }
            // Unreachable for bytes this set encoded; keep the newcomer.
            tracing::error!(post_id = %post.post_id, "undecodable entry in the post set replaced");
            self.store(Some(at), &PostView::of(post));
            return Inserted::Duplicate { updated: true };
        };
        match kept.merge_duplicate(post.clone()) {
            MergeOutcome::Unchanged => Inserted::Duplicate { updated: false },
            // A stored row's `matched` is written from the table: its
            // post moves here.
            MergeOutcome::MatchedRaised if self.entries[at].is(STORED) => {
                self.store(Some(at), &PostView::of(&kept));
                Inserted::Duplicate { updated: true }
            }
            // `matched` lives in the entry, not in the encoded bytes.
            MergeOutcome::MatchedRaised => {
                self.entries[at].set(MATCHED, kept.matched);
                self.changed = true;
                Inserted::Duplicate { updated: true }
            }
            MergeOutcome::Updated => {
                self.store(Some(at), &PostView::of(&kept));
                Inserted::Duplicate { updated: true }
            }
        }
    }

    /// Add `post` (its key hashed: `hash`) if its key is not held, with
    /// one probe of the index; otherwise the entry holding it.
    fn add_or_find<'a, L: Strs<'a>>(&mut self, hash: u64, post: &PostView<'a, L>) -> Option<usize> {
        let next = self.entries.len() as u32;
        let taken = match self.index.entry(hash) {
            Slot::Vacant(slot) => {
                slot.insert(next);
                None
            }
            Slot::Occupied(slot) => Some(*slot.get() as usize),
        };
        if let Some(at) = taken {
            // Hits on stored keys are answered a block of stored posts at
            // a time, as many blocks as are kept; past that, all are read
            // at once.
            if self.entries[at].is(STORED) && self.stored_blocks.reads() >= stored::BLOCKS_KEPT {
                self.read_stored();
            }
            if self.entries[at].is(STORED)
                && let Some(table) = &self.stored
            {
                // The stored post is read once, from its block.
                match self
                    .stored_blocks
                    .post(table, self.entries[at].place.offset as usize)
                {
                    Ok(stored)
                        if stored.platform == post.platform && stored.post_id == post.post_id =>
                    {
                        return Some(at);
                    }
                    Ok(_) => {}
                    // A stored post that cannot be read is taken for this
                    // one, so that its key is never written twice; the
                    // commit fails.
                    Err(e) => {
                        self.unreadable.get_or_insert(e);
                        return Some(at);
                    }
                }
            } else if self.holds(at, post.platform, post.post_id) {
                return Some(at);
            }
            // Another key has this hash: this one lives in the overflow.
            let key = PostKey {
                platform: post.platform,
                post_id: post.post_id.to_owned(),
            };
            if let Some(&at) = self.overflow.get(&key) {
                return Some(at as usize);
            }
            let at = self.store(None, post) as u32;
            self.overflow.insert(key, at);
            return None;
        }
        self.store(None, post);
        None
    }

    /// Free the index from keys to posts, for a set that is only written
    /// from now on ([`crate::PostStore::commit_owned`]): nothing is found
    /// or inserted after this, which is why it is not public.
    pub(crate) fn forget_keys(&mut self) {
        self.index = FxHashMap::default();
        self.overflow = HashMap::new();
    }

    /// Number of posts.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Bytes held for the posts' encodings (including replaced ones) and
    /// their entries, for logs and benchmarks.
    pub fn held_bytes(&self) -> usize {
        self.arena.held_bytes()
            + self.entries.capacity() * std::mem::size_of::<Entry>()
            + self.index.capacity() * (std::mem::size_of::<(u64, u32)>() + 1)
    }

    /// Whether there are no posts.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether anything was added or changed since the set was loaded.
    pub fn is_changed(&self) -> bool {
        self.changed
    }

    /// The post with this key.
    pub fn get(&self, platform: Platform, post_id: &str) -> Option<Post> {
        self.decode(self.find(platform, post_id)?)
    }

    /// Bytes of encoded posts written to the temporary file so far.
    pub fn spilled_bytes(&self) -> u64 {
        self.arena.spilled_bytes()
    }

    /// The posts held in the arena (not the rows still only in the stored
    /// table) in the stored order: by `created_at`, then platform, then
    /// id, so the same posts always make the same file. The ids are
    /// gathered chunk by chunk into one buffer first, so a spilled set is
    /// read back in 16 MiB pieces rather than a post at a time.
    pub(crate) fn sorted_keys(&self) -> SortedKeys {
        let mut by_chunk: Vec<Vec<u32>> = vec![Vec::new(); self.arena.chunks()];
        for (i, e) in self.entries.iter().enumerate() {
            if let Some(members) = by_chunk.get_mut(e.place.chunk as usize)
                && !e.is(STORED)
            {
                members.push(i as u32);
            }
        }
        let posts = by_chunk.iter().map(Vec::len).sum();
        let mut keys = SortedKeys {
            order: Vec::with_capacity(posts),
            ids: Vec::new(),
        };
        let mut reserved = false;
        for (chunk, members) in by_chunk.into_iter().enumerate() {
            if members.is_empty() {
                continue;
            }
            let Some(bytes) = self.arena.chunk(chunk) else {
                continue;
            };
            for i in members {
                let e = &self.entries[i as usize];
                let start = e.place.offset as usize;
                let key = bytes
                    .get(start..start + e.len as usize)
                    .and_then(codec::key_bytes)
                    .unwrap_or_default();
                keys.order.push((
                    e.created_ms,
                    e.platform,
                    keys.ids.len() as u32,
                    key.len() as u32,
                    i,
                ));
                keys.ids.extend_from_slice(key);
            }
            if !reserved {
                keys.reserve_ids_like_so_far(posts);
                reserved = true;
            }
        }
        let SortedKeys { order, ids } = &mut keys;
        let id = |start: u32, len: u32| &ids[start as usize..(start + len) as usize];
        // Keys are unique, so a stable sort gives the same order; it merges
        // the runs already in order (a file read in time order, or several;
        // the stored table and the posts added to it) instead of sorting
        // them again.
        order.sort_by(|a, b| (a.0, a.1, id(a.2, a.3)).cmp(&(b.0, b.1, id(b.2, b.3))));
        keys
    }

    /// The posts in the stored order, `rows` at a time, their encodings
    /// copied into one buffer per batch; `None` for a batch whose posts
    /// could not be read back from the temporary file.
    pub(crate) fn sorted_batches(&self, rows: usize) -> impl Iterator<Item = Option<Batch>> + '_ {
        let order = self.sorted_keys().into_entries();
        let mut next = 0;
        std::iter::from_fn(move || {
            let slice = order.get(next..(next + rows).min(order.len()))?;
            if slice.is_empty() {
                return None;
            }
            next += slice.len();
            Some(self.gather(slice.iter().copied()))
        })
    }

    /// The posts of `entries` (held in the arena), their encodings copied
    /// into one buffer; `None` if they could not be read back from the
    /// temporary file.
    pub(crate) fn gather(&self, entries: impl ExactSizeIterator<Item = u32>) -> Option<Batch> {
        let mut batch = Batch {
            bytes: Vec::new(),
            rows: Vec::with_capacity(entries.len()),
        };
        let mut places = Vec::with_capacity(entries.len());
        let mut start = 0;
        for at in entries {
            let e = &self.entries[at as usize];
            let len = e.len as usize;
            places.push((e.place, len));
            batch.rows.push((start, len, e.is(MATCHED), e.is(OWN_ROOT)));
            start += len;
        }
        self.arena.gather(&places, &mut batch.bytes)?;
        Some(batch)
    }

    /// The table of `source` values the encodings refer to.
    pub(crate) fn sources(&self) -> &[String] {
        &self.sources
    }

    /// Resolve what the stored posts say of each other (formats.md §1):
    /// Mastodon parents named by an instance-local id (`<host>/<id>`)
    /// become the parent's `uri` when the parent is here, then every post
    /// without a `conversation_id`, on every platform, gets its root's.
    pub fn resolve_references(&mut self) {
        if self.stored.is_some() && self.references_reach_stored() {
            self.read_stored();
        }
        self.resolve_mastodon_parents();
        self.fill_conversation_roots();
    }

    /// Whether resolving could read or change a stored post: new and
    /// stored Mastodon posts are both here (either may name the other as
    /// a parent), or a post has no conversation and is stored (only
    /// possible in a chain that broke) or replies to something (its chain
    /// may pass through stored posts). A new post that replies to nothing
    /// is its own root, which needs no other post.
    fn references_reach_stored(&self) -> bool {
        let mastodon = |stored: bool| {
            self.entries
                .iter()
                .any(|e| e.platform == Platform::Mastodon && e.is(STORED) == stored)
        };
        let walks = self
            .entries
            .iter()
            .any(|e| !e.is(HAS_CONVERSATION) && (e.is(STORED) || !e.is(REPLIES_TO_NOTHING)));
        walks || (mastodon(true) && mastodon(false))
    }

    /// Mastodon replies whose parent is named by a local id that a stored
    /// status was served under (its `local_ref` or any `seen_on` entry)
    /// point at that status's `uri` instead.
    fn resolve_mastodon_parents(&mut self) {
        let mastodon: Vec<usize> = (0..self.entries.len())
            .filter(|&i| self.entries[i].platform == Platform::Mastodon)
            .collect();
        if mastodon.is_empty() {
            return;
        }
        let posts: Vec<(usize, Post)> = mastodon
            .iter()
            .filter_map(|&i| Some((i, self.decode(i)?)))
            .collect();
        let by_local: HashMap<&str, &str> = posts
            .iter()
            .flat_map(|(_, p)| {
                p.local_ref
                    .iter()
                    .chain(&p.seen_on)
                    .map(|r| (r.as_str(), p.post_id.as_str()))
            })
            .collect();
        let resolved: Vec<(usize, Post)> = posts
            .iter()
            .filter_map(|(i, post)| {
                let uri = by_local.get(post.reply_to_post_id.as_deref()?)?;
                let mut post = post.clone();
                post.reply_to_post_id = Some((*uri).to_owned());
                Some((*i, post))
            })
            .collect();
        for (i, post) in resolved {
            self.store(Some(i), &PostView::of(&post));
        }
    }

    /// Fill `conversation_id` of every post that has none: follow
    /// `reply_to_post_id` through the set to the first post that replies to
    /// nothing (or to an ancestor that knows its root). A post that replies
    /// to nothing is its own root; a chain that breaks (a parent not here,
    /// or a loop) leaves the post as it is, for a later import to fill.
    fn fill_conversation_roots(&mut self) {
        let pending: Vec<usize> = (0..self.entries.len())
            .filter(|&i| !self.entries[i].is(HAS_CONVERSATION))
            .collect();
        let mut roots: HashMap<usize, Option<String>> = HashMap::new();
        for i in pending {
            // Most posts reply to nothing and start their own conversation:
            // a flag says so, without a second copy of the post.
            if self.entries[i].is(REPLIES_TO_NOTHING) {
                let entry = &mut self.entries[i];
                entry.set(OWN_ROOT, true);
                entry.set(HAS_CONVERSATION, true);
                self.changed = true;
                continue;
            }
            let Some(root) = self.root_of(i, &mut roots) else {
                continue;
            };
            if let Some(mut post) = self.decode(i) {
                post.conversation_id = Some(root);
                self.store(Some(i), &PostView::of(&post));
            }
        }
    }

    /// The conversation root of the post at `start`, remembering it (and
    /// that of every post on the way) in `known`.
    fn root_of(&self, start: usize, known: &mut HashMap<usize, Option<String>>) -> Option<String> {
        let mut chain: Vec<usize> = Vec::new();
        let mut at = start;
        let root = loop {
            if let Some(root) = known.get(&at) {
                break root.clone();
            }
            if chain.contains(&at) {
                break None; // a loop in bad data
            }
            let Some(post) = self.decode(at) else {
                break None;
            };
            chain.push(at);
            if let Some(root) = post.conversation_id {
                break Some(root);
            }
            match post.reply_to_post_id {
                None => break Some(post.post_id),
                Some(parent) => match self.find(post.platform, &parent) {
                    Some(parent_at) => at = parent_at,
                    None => break None,
                },
            }
        };
        for i in chain {
            known.insert(i, root.clone());
        }
        root
    }
}

/// The keys of a set's posts in the stored order ([`PostSet::sorted_keys`]).
pub(crate) struct SortedKeys {
    /// (created_ms, platform, id start, id length, entry), sorted.
    order: Vec<(i64, Platform, u32, u32, u32)>,
    /// The ids, one after another.
    ids: Vec<u8>,
}

impl SortedKeys {
    /// Make room for the ids of `posts` posts in all, guessing from the
    /// ids held so far (a twentieth more). Without it the buffer doubles
    /// as it fills: 10M tweet ids (181 MiB) ended in 304 MiB of room, and
    /// the last doubling held the old 152 MiB and the new 304 MiB at once.
    /// A low guess only means doubling again later.
    fn reserve_ids_like_so_far(&mut self, posts: usize) {
        let (held, bytes) = (self.order.len(), self.ids.len());
        if held == 0 || posts <= held {
            return;
        }
        let per_post = bytes as f64 / held as f64;
        let guess = (per_post * posts as f64 * 1.05) as usize;
        self.ids.reserve_exact(guess.saturating_sub(bytes));
    }

    /// How many posts.
    pub(crate) fn len(&self) -> usize {
        self.order.len()
    }

    /// The entries, in the stored order, the ids freed first. (The keys'
    /// memory is not reused: a vector only keeps its allocation when
    /// collected into items of the same alignment.)
    pub(crate) fn into_entries(self) -> Vec<u32> {
        drop(self.ids);
        self.order.into_iter().map(|(.., at)| at).collect()
    }

    /// The entry of the `i`-th post in the stored order.
    pub(crate) fn entry(&self, i: usize) -> u32 {
        self.order[i].4
    }

    /// The sort key of the `i`-th post: its time, platform and id's bytes.
    pub(crate) fn key(&self, i: usize) -> (i64, Platform, &[u8]) {
        let (ms, platform, start, len, _) = self.order[i];
        (
            ms,
            platform,
            &self.ids[start as usize..(start + len) as usize],
        )
    }
}

/// Posts in stored order, their encodings in one buffer.
pub(crate) struct Batch {
    bytes: Vec<u8>,
    /// (start, length, matched, own root) of each post.
    rows: Vec<(usize, usize, bool, bool)>,
}

impl Batch {
    /// The §1 table of the posts, each decoded straight into the columns
    /// ([`FrameBuilder`]); `None` if an encoding is not one.
    pub(crate) fn to_frame(&self, sources: &[String]) -> Option<PolarsResult<DataFrame>> {
        let mut frame = FrameBuilder::with_capacity(self.rows.len());
        for &(start, len, matched, own_root) in &self.rows {
            let bytes = self.bytes.get(start..start + len)?;
            frame.push(&read(bytes, matched, own_root, sources)?);
        }
        Some(frame.finish())
    }

    /// The posts read in place; `None` if an encoding is not one.
    pub(crate) fn views<'a>(&'a self, sources: &'a [String]) -> Option<Vec<codec::PostView<'a>>> {
        // Sized first: collecting into an `Option` cannot know the length,
        // and growing a vector of views copies them again and again.
        let mut views = Vec::with_capacity(self.rows.len());
        for &(start, len, matched, own_root) in &self.rows {
            let bytes = self.bytes.get(start..start + len)?;
            views.push(read(bytes, matched, own_root, sources)?);
        }
        Some(views)
    }
}

/// An encoding read in place, with what its entry knows beside the bytes.
fn read<'a>(
    bytes: &'a [u8],
    matched: bool,
    own_root: bool,
    sources: &'a [String],
) -> Option<codec::PostView<'a>> {
    let mut view = codec::view(bytes, matched, sources)?;
    if own_root && view.conversation_id.is_none() {
        view.conversation_id = Some(view.post_id);
    }
    Some(view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_24_bytes() {
        assert_eq!(std::mem::size_of::<Entry>(), 24);
    }
    use threadlens_model::parse_timestamp;

    #[test]
    fn a_hash_collision_loses_no_post() {
        let t = parse_timestamp("2022-06-28T09:00:00Z").unwrap();
        let mut set = PostSet::new();
        set.insert(&Post::minimal(Platform::X, "1", t));
        // Force the second key into the first key's hash slot.
        let hash = key_hash(Platform::X, "2");
        let first = set.index.remove(&key_hash(Platform::X, "1")).unwrap();
        set.index.insert(hash, first);
        assert_eq!(
            set.insert(&Post::minimal(Platform::X, "2", t)),
            Inserted::New
        );
        assert_eq!(set.len(), 2);
        assert_eq!(set.get(Platform::X, "2").unwrap().post_id, "2");
        assert_eq!(
            set.insert(&Post::minimal(Platform::X, "2", t)),
            Inserted::Duplicate { updated: false }
        );
    }

    #[test]
    fn forgetting_the_keys_frees_the_index() {
        let t = parse_timestamp("2022-06-28T09:00:00Z").unwrap();
        let mut set = PostSet::new();
        for i in 0..1_000 {
            set.insert(&Post::minimal(Platform::X, format!("{i}"), t));
        }
        let held = set.held_bytes();
        set.forget_keys();
        // 16 bytes a slot and a control byte, for at least 1,000 slots.
        assert!(
            set.held_bytes() + 17_000 <= held,
            "{held} -> {}",
            set.held_bytes()
        );
        assert_eq!(set.len(), 1_000, "the posts stay");
    }

    /// The sort keys' id buffer of a set filling several chunks is sized
    /// from its first chunk's ids, not doubled as it fills.
    #[test]
    fn the_ids_to_sort_take_about_their_own_size() {
        let t = parse_timestamp("2022-06-28T09:00:00Z").unwrap();
        let mut set = PostSet::new();
        let posts = 20_000;
        for i in 0..posts {
            let mut post = Post::minimal(Platform::X, format!("{i:019}"), t);
            post.text = "x".repeat(2_500);
            set.insert(&post);
        }
        assert!(set.arena.chunks() >= 3, "{} chunks", set.arena.chunks());
        let keys = set.sorted_keys();
        let (len, room) = (keys.ids.len(), keys.ids.capacity());
        assert_eq!(len, 19 * posts);
        assert!(room <= len + len / 10, "{room} bytes of room for {len}");
        assert!(
            (0..posts).all(|i| keys.key(i).2 == format!("{i:019}").as_bytes()),
            "ids in the stored order"
        );
    }
}
