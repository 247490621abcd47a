use std::collections::HashMap;

use threadlens_model::{MergeOutcome, Platform, Post, PostKey};

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

/// The deduplicated posts of a store, in memory, keyed by platform and id.
#[derive(Debug, Default)]
pub struct PostSet {
    posts: Vec<Post>,
    index: HashMap<PostKey, usize>,
    changed: bool,
}

impl PostSet {
    /// An empty set.
    pub fn new() -> Self {
        PostSet::default()
    }

    /// A set holding `posts` as read from a store (already unique).
    pub(crate) fn from_stored(posts: Vec<Post>) -> Self {
        let mut set = PostSet::new();
        for post in posts {
            set.insert(post);
        }
        set.changed = false;
        set
    }

    /// Add a post, merging it with a copy already held (formats.md §1).
    pub fn insert(&mut self, post: Post) -> Inserted {
        match self.index.get(&post.key()) {
            Some(&at) => {
                let updated = self.posts[at].merge_duplicate(post) == MergeOutcome::Updated;
                self.changed |= updated;
                Inserted::Duplicate { updated }
            }
            None => {
                self.index.insert(post.key(), self.posts.len());
                self.posts.push(post);
                self.changed = true;
                Inserted::New
            }
        }
    }

    /// Number of posts.
    pub fn len(&self) -> usize {
        self.posts.len()
    }

    /// Whether there are no posts.
    pub fn is_empty(&self) -> bool {
        self.posts.is_empty()
    }

    /// Whether anything was added or changed since the set was loaded.
    pub fn is_changed(&self) -> bool {
        self.changed
    }

    /// The post with this key.
    pub fn get(&self, platform: Platform, post_id: &str) -> Option<&Post> {
        let key = PostKey {
            platform,
            post_id: post_id.to_owned(),
        };
        self.index.get(&key).map(|&at| &self.posts[at])
    }

    /// The posts in the stored order: by `created_at`, then platform, then id,
    /// so the same posts always make the same file.
    pub fn sorted(&self) -> Vec<&Post> {
        let mut posts: Vec<&Post> = self.posts.iter().collect();
        posts.sort_by(|a, b| {
            (a.created_at, a.platform, &a.post_id).cmp(&(b.created_at, b.platform, &b.post_id))
        });
        posts
    }

    /// Resolve Mastodon references that name a status by its instance-local
    /// id (`<host>/<id>`) to that status's `uri` when the status is here,
    /// then fill `conversation_id` of replies whose chain of parents reaches
    /// a root that is here (formats.md §1).
    pub fn resolve_references(&mut self) {
        let by_local: HashMap<String, String> = self
            .posts
            .iter()
            .filter(|p| p.platform == Platform::Mastodon)
            .filter_map(|p| Some((p.local_ref.clone()?, p.post_id.clone())))
            .collect();
        for post in self
            .posts
            .iter_mut()
            .filter(|p| p.platform == Platform::Mastodon)
        {
            if let Some(uri) = post.reply_to_post_id.as_ref().and_then(|r| by_local.get(r)) {
                post.reply_to_post_id = Some(uri.clone());
                self.changed = true;
            }
        }
        let roots: Vec<(usize, String)> = (0..self.posts.len())
            .filter(|&i| {
                self.posts[i].platform == Platform::Mastodon
                    && self.posts[i].conversation_id.is_none()
            })
            .filter_map(|i| self.root_of(i).map(|root| (i, root)))
            .collect();
        for (i, root) in roots {
            self.posts[i].conversation_id = Some(root);
            self.changed = true;
        }
    }

    /// The conversation root of post `i`, following reply parents through
    /// the set; `None` when a parent is missing.
    fn root_of(&self, mut i: usize) -> Option<String> {
        // A chain longer than the set has a cycle: give up rather than loop.
        for _ in 0..=self.posts.len() {
            let post = &self.posts[i];
            if let Some(root) = &post.conversation_id {
                return Some(root.clone());
            }
            let parent = post.reply_to_post_id.as_deref()?;
            i = *self.index.get(&PostKey {
                platform: post.platform,
                post_id: parent.to_owned(),
            })?;
        }
        None
    }
}
