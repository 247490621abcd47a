//! [`NetworkBuilder`]: posts in, a [`Network`] out. Handles are numbered
//! as they are first seen (per platform, looked up without copying), so a
//! million posts cost a few allocations each, and every edge waits with
//! numbers, not strings, until every post has been seen.

use std::collections::{BTreeMap, HashMap};

use threadlens_model::{Platform, Post, PostKind, Timestamp, handle_key};

use crate::{Account, Edge, EdgeKind, Network};

/// Where an edge points, before every post has been seen.
#[derive(Debug, Clone)]
enum Target {
    /// The author of this post, else the author with this id.
    PostOf(String, Option<String>),
    /// The account with this compared handle.
    Handle(String),
}

/// An edge waiting for its target.
#[derive(Debug, Clone)]
struct Pending {
    /// The number of the post that makes it (in the order added).
    post: usize,
    platform: Platform,
    /// The source's handle number.
    source: u32,
    target: Target,
    kind: EdgeKind,
    at: Timestamp,
}

/// Per platform, a text → handle number map.
type ByPlatform = HashMap<Platform, HashMap<String, u32>>;

/// Folds posts into a [`Network`]: add every post, then [`finish`].
///
/// [`finish`]: NetworkBuilder::finish
#[derive(Debug, Default)]
pub struct NetworkBuilder {
    /// Every handle seen (platform, compared handle), by number.
    handles: Vec<(Platform, String)>,
    /// Per platform: compared handle → number.
    numbers: ByPlatform,
    /// By handle number: its account, once it wrote a post or an edge
    /// points to it.
    accounts: Vec<Option<Account>>,
    /// Per platform: author id → handle number.
    authors: ByPlatform,
    /// Per platform: post id → its author's handle number.
    posts: ByPlatform,
    /// Edges waiting for their targets.
    pending: Vec<Pending>,
    /// Posts added so far (numbers the posts of `pending`).
    added: usize,
    /// Kinds of edge left out.
    dropped: Vec<EdgeKind>,
}

impl NetworkBuilder {
    /// An empty builder.
    pub fn new() -> NetworkBuilder {
        NetworkBuilder::default()
    }

    /// A builder that makes only edges of these kinds (accounts are still
    /// every author, and every account an edge kept points to).
    pub fn only(kinds: &[EdgeKind]) -> NetworkBuilder {
        NetworkBuilder {
            dropped: EdgeKind::ALL
                .into_iter()
                .filter(|k| !kinds.contains(k))
                .collect(),
            ..NetworkBuilder::default()
        }
    }

    /// The number of a handle, numbering it if it is new.
    fn number(&mut self, platform: Platform, key: &str) -> u32 {
        let map = self.numbers.entry(platform).or_default();
        if let Some(&n) = map.get(key) {
            return n;
        }
        let n = self.handles.len() as u32;
        map.insert(key.to_owned(), n);
        self.handles.push((platform, key.to_owned()));
        self.accounts.push(None);
        n
    }

    /// The account of handle `n`, blank if it had none.
    fn account(&mut self, n: u32) -> &mut Account {
        let (platform, key) = &self.handles[n as usize];
        self.accounts[n as usize].get_or_insert_with(|| blank(*platform, key, key))
    }

    /// Add one post: its author, and the edges it makes.
    pub fn add(&mut self, post: &Post) {
        self.add_scored(post, &[]);
    }

    /// Let the edges of other posts find their targets among this post
    /// (its id and author), without adding it: what a slot's network
    /// knows of posts outside the slot.
    pub fn know(&mut self, post: &Post) {
        let n = self.number(post.platform, &handle_key(&post.author_handle));
        self.remember(post, n);
    }

    /// Record that handle `n` wrote `post`, for the targets of edges.
    fn remember(&mut self, post: &Post, n: u32) {
        if !post.author_id.is_empty() {
            // An id seen under two handles (a renamed account) keeps the
            // smaller, so the order posts come in does not matter.
            let handles = &self.handles;
            let authors = self.authors.entry(post.platform).or_default();
            match authors.get_mut(post.author_id.as_str()) {
                Some(kept) => {
                    if handles[n as usize].1 < handles[*kept as usize].1 {
                        *kept = n;
                    }
                }
                None => {
                    authors.insert(post.author_id.clone(), n);
                }
            }
        }
        self.posts
            .entry(post.platform)
            .or_default()
            .insert(post.post_id.clone(), n);
    }

    /// Add one post with its hits per theme (from the scorer), summed into
    /// its author's [`Account::hits`].
    pub fn add_scored(&mut self, post: &Post, hits: &[u32]) {
        let n = self.number(post.platform, &handle_key(&post.author_handle));
        let account = self.account(n);
        // The handle as written on its earliest post (the smaller of two
        // at the same instant), whatever order the posts come in.
        let written = post.author_handle.trim_start_matches('@');
        let earlier = account
            .active
            .is_none_or(|(first, _)| (post.created_at, written) < (first, account.handle.as_str()));
        if account.posts == 0 || earlier {
            account.handle = written.to_owned();
        }
        account.posts += 1;
        account.replies_sent += u64::from(post.kind == PostKind::Reply);
        account.followers = account.followers.max(post.author_followers);
        account.active = Some(match account.active {
            None => (post.created_at, post.created_at),
            Some((first, last)) => (first.min(post.created_at), last.max(post.created_at)),
        });
        if account.hits.len() < hits.len() {
            account.hits.resize(hits.len(), 0);
        }
        for (sum, &h) in account.hits.iter_mut().zip(hits) {
            *sum += u64::from(h);
        }
        self.remember(post, n);

        let number = self.added;
        self.added += 1;
        let dropped = &self.dropped;
        let pending = &mut self.pending;
        let mut push = |target: Target, kind: EdgeKind| {
            if dropped.contains(&kind) {
                return;
            }
            pending.push(Pending {
                post: number,
                platform: post.platform,
                source: n,
                target,
                kind,
                at: post.created_at,
            });
        };
        match post.kind {
            PostKind::Reply => {
                if post.reply_to_post_id.is_some() || post.reply_to_author_id.is_some() {
                    push(
                        Target::PostOf(
                            post.reply_to_post_id.clone().unwrap_or_default(),
                            post.reply_to_author_id.clone(),
                        ),
                        EdgeKind::Reply,
                    );
                }
            }
            PostKind::Quote | PostKind::Repost => {
                if let Some(original) = &post.referenced_post_id {
                    let kind = if post.kind == PostKind::Quote {
                        EdgeKind::Quote
                    } else {
                        EdgeKind::Repost
                    };
                    push(Target::PostOf(original.clone(), None), kind);
                }
            }
            PostKind::Original => {}
        }
        if post.kind != PostKind::Repost {
            let mut seen: Vec<String> = Vec::new();
            for mention in &post.mentions {
                let target = handle_key(mention);
                if !target.is_empty() && !seen.contains(&target) {
                    seen.push(target.clone());
                    push(Target::Handle(target), EdgeKind::Mention);
                }
            }
        }
    }

    /// The handle number an edge points to, if it can be found.
    fn resolve(&mut self, p: &Pending) -> Option<u32> {
        let found = |map: &ByPlatform, text: &str| map.get(&p.platform)?.get(text).copied();
        match &p.target {
            Target::PostOf(post, author) => found(&self.posts, post)
                .or_else(|| author.as_deref().and_then(|id| found(&self.authors, id))),
            Target::Handle(handle) => Some(self.number(p.platform, handle)),
        }
    }

    /// Resolve every edge's target and sort: the network.
    pub fn finish(mut self) -> Network {
        let started = std::time::Instant::now();
        let pending = std::mem::take(&mut self.pending);
        let targets: Vec<Option<u32>> = pending.iter().map(|p| self.resolve(p)).collect();
        // The account each reply answers, by its post's number: a reply's
        // mention of that account is the reply itself.
        let answered: HashMap<usize, u32> = pending
            .iter()
            .zip(&targets)
            .filter(|(p, _)| p.kind == EdgeKind::Reply)
            .filter_map(|(p, t)| Some((p.post, (*t)?)))
            .collect();
        let mut unresolved: BTreeMap<EdgeKind, u64> = BTreeMap::new();
        let mut weights: HashMap<(u32, u32, EdgeKind), (u64, Timestamp, Timestamp)> =
            HashMap::new();
        for (p, target) in pending.iter().zip(&targets) {
            let Some(target) = *target else {
                *unresolved.entry(p.kind).or_default() += 1;
                continue;
            };
            if p.kind == EdgeKind::Mention && answered.get(&p.post) == Some(&target) {
                continue;
            }
            self.account(target).replies_received += u64::from(p.kind == EdgeKind::Reply);
            let entry = weights
                .entry((p.source, target, p.kind))
                .or_insert((0, p.at, p.at));
            entry.0 += 1;
            entry.1 = entry.1.min(p.at);
            entry.2 = entry.2.max(p.at);
        }
        let mut numbered: Vec<(u32, Account)> = self
            .accounts
            .into_iter()
            .enumerate()
            .filter_map(|(n, a)| Some((n as u32, a?)))
            .collect();
        numbered.sort_by(|(_, a), (_, b)| (a.platform, &a.key).cmp(&(b.platform, &b.key)));
        let mut index = vec![usize::MAX; self.handles.len()];
        for (i, (n, _)) in numbered.iter().enumerate() {
            index[*n as usize] = i;
        }
        let accounts: Vec<Account> = numbered.into_iter().map(|(_, a)| a).collect();
        let mut edges: Vec<Edge> = weights
            .into_iter()
            .map(|((source, target, kind), (weight, first, last))| Edge {
                source: index[source as usize],
                target: index[target as usize],
                kind,
                weight,
                first,
                last,
            })
            .collect();
        edges.sort_by_key(|e| (e.source, e.target, e.kind));
        tracing::debug!(
            "network: {} accounts, {} edges resolved in {:.2?}",
            accounts.len(),
            edges.len(),
            started.elapsed()
        );
        Network {
            accounts,
            edges,
            unresolved,
        }
    }
}

/// An account with no posts yet.
fn blank(platform: Platform, key: &str, handle: &str) -> Account {
    Account {
        platform,
        key: key.to_owned(),
        handle: handle.trim_start_matches('@').to_owned(),
        posts: 0,
        replies_sent: 0,
        replies_received: 0,
        followers: None,
        active: None,
        hits: Vec::new(),
        host: false,
    }
}
