use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

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
    index: HashMap<u128, u32>,
    /// Keys whose 128-bit hash is taken by another key (never seen in
    /// practice; kept so that even then no post is lost).
    overflow: HashMap<PostKey, u32>,
    changed: bool,
}

/// Size of one arena chunk.
const CHUNK_BYTES: usize = 16 << 20;

fn key_hash(platform: Platform, post_id: &str) -> u128 {
    let half = |salt: u8| {
        let mut h = DefaultHasher::new();
        (salt, platform, post_id).hash(&mut h);
        h.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
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
        let entry = &self.entries[at];
        codec::decode(self.bytes(entry), entry.matched, &self.sources)
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
        let kept_collected_at = kept.collected_at;
        match kept.merge_duplicate(post) {
            MergeOutcome::Unchanged => Inserted::Duplicate { updated: false },
            // Only `matched` was raised: it lives in the entry, not the bytes.
            MergeOutcome::Updated if kept.collected_at == kept_collected_at => {
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
            .filter_map(|(.., at)| self.decode(at as usize))
    }

    /// Resolve Mastodon references that name a status by its instance-local
    /// id (`<host>/<id>`) to that status's `uri` when the status is here,
    /// then fill `conversation_id` of replies whose chain of parents reaches
    /// a root that is here (formats.md §1).
    pub fn resolve_references(&mut self) {
        let mastodon: Vec<usize> = (0..self.entries.len())
            .filter(|&i| self.entries[i].platform == Platform::Mastodon)
            .collect();
        if mastodon.is_empty() {
            return;
        }
        let mut posts: HashMap<usize, Post> = mastodon
            .iter()
            .filter_map(|&i| Some((i, self.decode(i)?)))
            .collect();
        // Every instance's local id of a status leads to its uri.
        let by_local: HashMap<String, String> = posts
            .values()
            .flat_map(|p| {
                p.local_ref
                    .iter()
                    .chain(&p.seen_on)
                    .map(|r| (r.clone(), p.post_id.clone()))
            })
            .collect();
        let mut touched = Vec::new();
        for (&i, post) in posts.iter_mut() {
            if let Some(uri) = post.reply_to_post_id.as_ref().and_then(|r| by_local.get(r)) {
                post.reply_to_post_id = Some(uri.clone());
                touched.push(i);
            }
        }
        let by_id: HashMap<&str, &Post> = posts.values().map(|p| (p.post_id.as_str(), p)).collect();
        let roots: Vec<(usize, String)> = posts
            .iter()
            .filter(|(_, p)| p.conversation_id.is_none())
            .filter_map(|(&i, p)| Some((i, root_of(p, &by_id)?)))
            .collect();
        for (i, root) in roots {
            if let Some(post) = posts.get_mut(&i) {
                post.conversation_id = Some(root);
                touched.push(i);
            }
        }
        touched.sort_unstable();
        touched.dedup();
        for i in touched {
            if let Some(post) = posts.remove(&i) {
                self.store(Some(i), &post);
            }
        }
    }
}

/// The conversation root of `post`, following reply parents through
/// `by_id`; `None` when a parent is missing (or the chain loops).
fn root_of(post: &Post, by_id: &HashMap<&str, &Post>) -> Option<String> {
    let mut current = post;
    for _ in 0..=by_id.len() {
        if let Some(root) = &current.conversation_id {
            return Some(root.clone());
        }
        current = by_id.get(current.reply_to_post_id.as_deref()?)?;
    }
    None
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
