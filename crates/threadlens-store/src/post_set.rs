use std::collections::HashMap;

use rustc_hash::FxHashMap;

use threadlens_model::{MergeOutcome, Platform, Post, PostKey};

use crate::codec;

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
/// merging need without decoding it.
#[derive(Debug, Clone, Copy)]
struct Entry {
    chunk: u32,
    offset: u32,
    len: u32,
    created_ms: i64,
    platform: Platform,
    matched: bool,
    /// Whether the post has a `conversation_id` (roots are filled for
    /// those without, see [`PostSet::resolve_references`]).
    has_conversation: bool,
    /// The post starts its own conversation though its bytes say no
    /// `conversation_id`: filled in when decoded, so the most common fill
    /// (a post that replies to nothing) costs no second copy of the post.
    own_root: bool,
}

/// The deduplicated posts of a store, in memory, keyed by platform and id.
///
/// Posts are kept encoded (see `codec`) in 16 MiB chunks (which never
/// move or over-allocate, unlike one doubling buffer), with a 32-byte entry
/// and a 128-bit key hash each, so memory is close to the size of the
/// posts' text and ids. A replaced post's old bytes stay until the set is
/// dropped (only updated duplicates leave such bytes).
#[derive(Debug, Default)]
pub struct PostSet {
    chunks: Vec<Vec<u8>>,
    scratch: Vec<u8>,
    /// Distinct `source` values; posts refer to them by index.
    sources: Vec<String>,
    source_index: HashMap<String, u32>,
    entries: Vec<Entry>,
    /// Keys are already hashes, so the map's own hashing is the cheapest.
    index: FxHashMap<u128, u32>,
    /// Keys whose 128-bit hash is taken by another key (never seen in
    /// practice; kept so that even then no post is lost).
    overflow: HashMap<PostKey, u32>,
    changed: bool,
}

/// Size of one arena chunk.
const CHUNK_BYTES: usize = 16 << 20;

/// A 128-bit hash of a post's key (XXH3, the platform as its seed): in
/// memory only, never written.
fn key_hash(platform: Platform, post_id: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128_with_seed(post_id.as_bytes(), platform as u64)
}

impl PostSet {
    /// An empty set.
    pub fn new() -> Self {
        PostSet::default()
    }

    /// Add stored posts (already unique) without marking the set changed.
    pub(crate) fn extend_stored(&mut self, posts: impl IntoIterator<Item = Post>) {
        let changed = self.changed;
        for post in posts {
            self.insert(post);
        }
        self.changed = changed;
    }

    fn bytes(&self, entry: &Entry) -> &[u8] {
        let start = entry.offset as usize;
        &self.chunks[entry.chunk as usize][start..start + entry.len as usize]
    }

    fn find(&self, platform: Platform, post_id: &str) -> Option<usize> {
        let at = *self.index.get(&key_hash(platform, post_id))? as usize;
        if codec::key(self.bytes(&self.entries[at])) == Some((platform, post_id)) {
            return Some(at);
        }
        let key = PostKey {
            platform,
            post_id: post_id.to_owned(),
        };
        self.overflow.get(&key).map(|&i| i as usize)
    }

    fn decode(&self, at: usize) -> Option<Post> {
        self.view(at).map(|v| v.to_post())
    }

    /// The post at `at`, read in place.
    fn view(&self, at: usize) -> Option<codec::PostView<'_>> {
        let entry = &self.entries[at];
        let mut view = codec::view(self.bytes(entry), entry.matched, &self.sources)?;
        if entry.own_root && view.conversation_id.is_none() {
            view.conversation_id = Some(view.post_id);
        }
        Some(view)
    }

    /// Append `post`'s encoding and point entry `at` (or a new entry) to it.
    fn store(&mut self, at: Option<usize>, post: &Post) -> usize {
        let source = match self.source_index.get(&post.source) {
            Some(&i) => i,
            None => {
                let i = self.sources.len() as u32;
                self.sources.push(post.source.clone());
                self.source_index.insert(post.source.clone(), i);
                i
            }
        };
        self.scratch.clear();
        codec::encode(post, source, &mut self.scratch);
        let len = self.scratch.len();
        let fits = self
            .chunks
            .last()
            .is_some_and(|c| c.capacity() - c.len() >= len);
        if !fits {
            self.chunks.push(Vec::with_capacity(CHUNK_BYTES.max(len)));
        }
        let chunk_index = self.chunks.len() - 1;
        let chunk = &mut self.chunks[chunk_index];
        let offset = chunk.len();
        chunk.extend_from_slice(&self.scratch);
        let entry = Entry {
            chunk: chunk_index as u32,
            offset: offset as u32,
            len: len as u32,
            created_ms: post.created_at.timestamp_millis(),
            platform: post.platform,
            matched: post.matched,
            has_conversation: post.conversation_id.is_some(),
            own_root: false,
        };
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
    /// formats.md §1 ([`Post::merge_duplicate`]).
    pub fn insert(&mut self, post: Post) -> Inserted {
        let Some(at) = self.find(post.platform, &post.post_id) else {
            let hash = key_hash(post.platform, &post.post_id);
            let key = (self.index.contains_key(&hash)).then(|| post.key());
            let at = self.store(None, &post) as u32;
            match key {
                Some(key) => self.overflow.insert(key, at),
                None => self.index.insert(hash, at),
            };
            return Inserted::New;
        };
        let Some(mut kept) = self.decode(at) else {
            // Unreachable for bytes this set encoded; keep the newcomer.
            tracing::error!(post_id = %post.post_id, "undecodable entry in the post set replaced");
            self.store(Some(at), &post);
            return Inserted::Duplicate { updated: true };
        };
        match kept.merge_duplicate(post) {
            MergeOutcome::Unchanged => Inserted::Duplicate { updated: false },
            // `matched` lives in the entry, not in the encoded bytes.
            MergeOutcome::MatchedRaised => {
                self.entries[at].matched = kept.matched;
                self.changed = true;
                Inserted::Duplicate { updated: true }
            }
            MergeOutcome::Updated => {
                self.store(Some(at), &kept);
                Inserted::Duplicate { updated: true }
            }
        }
    }

    /// Number of posts.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Bytes held for the posts' encodings (including replaced ones) and
    /// their entries, for logs and benchmarks.
    pub fn held_bytes(&self) -> usize {
        self.chunks.iter().map(Vec::capacity).sum::<usize>()
            + self.entries.capacity() * std::mem::size_of::<Entry>()
            + self.index.capacity() * 24
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

    /// The posts in the stored order: by `created_at`, then platform, then
    /// id, so the same posts always make the same file.
    pub fn sorted(&self) -> impl Iterator<Item = Post> + '_ {
        self.sorted_views().map(|v| v.to_post())
    }

    /// [`PostSet::sorted`], each post read in place.
    pub(crate) fn sorted_views(&self) -> impl Iterator<Item = codec::PostView<'_>> + '_ {
        let mut order: Vec<(i64, Platform, &[u8], u32)> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                (
                    e.created_ms,
                    e.platform,
                    codec::key_bytes(self.bytes(e)).unwrap_or_default(),
                    i as u32,
                )
            })
            .collect();
        order.sort_unstable();
        order
            .into_iter()
            .filter_map(|(.., at)| self.view(at as usize))
    }

    /// Resolve what the stored posts say of each other (formats.md §1):
    /// Mastodon parents named by an instance-local id (`<host>/<id>`)
    /// become the parent's `uri` when the parent is here, then every post
    /// without a `conversation_id`, on every platform, gets its root's.
    pub fn resolve_references(&mut self) {
        self.resolve_mastodon_parents();
        self.fill_conversation_roots();
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
            self.store(Some(i), &post);
        }
    }

    /// Fill `conversation_id` of every post that has none: follow
    /// `reply_to_post_id` through the set to the first post that replies to
    /// nothing (or to an ancestor that knows its root). A post that replies
    /// to nothing is its own root; a chain that breaks (a parent not here,
    /// or a loop) leaves the post as it is, for a later import to fill.
    fn fill_conversation_roots(&mut self) {
        let pending: Vec<usize> = (0..self.entries.len())
            .filter(|&i| !self.entries[i].has_conversation)
            .collect();
        let mut roots: HashMap<usize, Option<String>> = HashMap::new();
        for i in pending {
            // Most posts reply to nothing and start their own conversation:
            // a flag says so, without a second copy of the post.
            if self.view(i).is_some_and(|v| v.reply_to_post_id.is_none()) {
                let entry = &mut self.entries[i];
                entry.own_root = true;
                entry.has_conversation = true;
                self.changed = true;
                continue;
            }
            let Some(root) = self.root_of(i, &mut roots) else {
                continue;
            };
            if let Some(mut post) = self.decode(i) {
                post.conversation_id = Some(root);
                self.store(Some(i), &post);
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

#[cfg(test)]
mod tests {
    use super::*;
    use threadlens_model::parse_timestamp;

    #[test]
    fn a_hash_collision_loses_no_post() {
        let t = parse_timestamp("2022-06-28T09:00:00Z").unwrap();
        let mut set = PostSet::new();
        set.insert(Post::minimal(Platform::X, "1", t));
        // Force the second key into the first key's hash slot.
        let hash = key_hash(Platform::X, "2");
        let first = set.index.remove(&key_hash(Platform::X, "1")).unwrap();
        set.index.insert(hash, first);
        assert_eq!(
            set.insert(Post::minimal(Platform::X, "2", t)),
            Inserted::New
        );
        assert_eq!(set.len(), 2);
        assert_eq!(set.get(Platform::X, "2").unwrap().post_id, "2");
        assert_eq!(
            set.insert(Post::minimal(Platform::X, "2", t)),
            Inserted::Duplicate { updated: false }
        );
    }
}
