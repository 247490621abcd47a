use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use threadlens_ingest::{FileImport, Format, ImportOptions, Sink, import_file};
use threadlens_model::{Post, PostKey, PostKind, Reject};

/// Everything an import sent, in order.
#[derive(Default)]
pub struct Collected {
    pub posts: Vec<Post>,
    pub rejects: Vec<Reject>,
}

impl Sink for Collected {
    fn post(&mut self, post: &Post) {
        self.posts.push(post.clone());
    }
    fn reject(&mut self, reject: Reject) {
        self.rejects.push(reject);
    }
}

impl Collected {
    /// The post with this id (the last copy read).
    pub fn post(&self, id: &str) -> &Post {
        self.posts
            .iter()
            .rev()
            .find(|p| p.post_id == id)
            .unwrap_or_else(|| panic!("no post {id}"))
    }

    /// Posts merged as the store merges them (formats.md §1).
    pub fn unique(&self) -> Vec<Post> {
        let mut merged: BTreeMap<PostKey, Post> = BTreeMap::new();
        for post in &self.posts {
            match merged.get_mut(&post.key()) {
                Some(kept) => {
                    kept.merge_duplicate(post.clone());
                }
                None => {
                    merged.insert(post.key(), post.clone());
                }
            }
        }
        merged.into_values().collect()
    }

    /// (posts, matched, replies, reposts, quotes) after merging duplicates.
    pub fn tally(&self) -> Tally {
        let unique = self.unique();
        let kind = |k: PostKind| unique.iter().filter(|p| p.kind == k).count();
        Tally {
            posts: unique.len(),
            matched: unique.iter().filter(|p| p.matched).count(),
            replies: kind(PostKind::Reply),
            reposts: kind(PostKind::Repost),
            quotes: kind(PostKind::Quote),
        }
    }
}

/// The counts each conformance fixture pins.
#[derive(Debug, PartialEq, Eq)]
pub struct Tally {
    pub posts: usize,
    pub matched: usize,
    pub replies: usize,
    pub reposts: usize,
    pub quotes: usize,
}

/// Import one file with the given format.
pub fn import(path: &Path, format: Format) -> (FileImport, Collected) {
    import_with(
        path,
        &ImportOptions {
            format,
            ..ImportOptions::default()
        },
    )
}

/// Import one file with full options.
pub fn import_with(path: &Path, options: &ImportOptions) -> (FileImport, Collected) {
    let mut sink = Collected::default();
    let read =
        import_file(path, options, &mut sink).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(read.posts as usize, sink.posts.len());
    assert_eq!(read.rejected as usize, sink.rejects.len());
    (read, sink)
}

/// A file of the repo's own test data.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Write `content` to a temporary file named `name`.
pub fn temp_file(dir: &tempfile::TempDir, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    path
}

pub fn ts(t: &str) -> threadlens_model::Timestamp {
    threadlens_model::parse_timestamp(t).unwrap()
}
