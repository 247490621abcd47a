//! Who talks to whom: the accounts of a store, the directed edges between
//! them, and their measures (degrees, PageRank, betweenness, clustering,
//! communities; see [`measure`]).
//!
//! An account is a handle per platform, compared without `@` and case (as
//! the report's `top_contributors` groups them). An edge is one per
//! (source, target, kind), weighted by how many posts make it:
//! - **reply**: to the author of the post replied to (found by its id among
//!   the posts, else by `reply_to_author_id` among the authors seen);
//! - **mention**: to each account a post mentions, except the account it
//!   replies to (the leading `@` of a reply names who it answers, which the
//!   reply edge already says) and except in reposts (their text is the
//!   original's);
//! - **quote**, **repost**: to the author of the original post.
//!
//! A post to itself's author is kept as a self-loop and marked. Targets
//! that cannot be found (a parent never collected) are counted, per kind,
//! as unresolved. The result is the same whatever order the posts come
//! in: targets are resolved when every post has been seen, and accounts
//! and edges are sorted.
//!
//! Start reading at [`NetworkBuilder`], then [`measure`].

use std::collections::{BTreeMap, HashMap};

use threadlens_model::{Platform, Post, PostKind, Timestamp, handle_key};

mod betweenness;
mod clustering;
mod graph;
mod louvain;
mod measure;
mod pagerank;

pub use betweenness::{BetweennessMethod, EXACT_MAX_NODES, SAMPLED_SOURCES};
pub use louvain::RESOLUTION;
pub use measure::{AccountMeasures, Community, MeasureOptions, Measures, measure};
pub use pagerank::ALPHA;

/// What an edge says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EdgeKind {
    /// The source replied to the target.
    Reply,
    /// The source mentioned the target.
    Mention,
    /// The source quoted a post by the target.
    Quote,
    /// The source reposted a post by the target.
    Repost,
}

impl EdgeKind {
    /// Every kind, in the order edges of one pair are listed.
    pub const ALL: [EdgeKind; 4] = [
        EdgeKind::Reply,
        EdgeKind::Mention,
        EdgeKind::Quote,
        EdgeKind::Repost,
    ];

    /// What it is, in a line (for `--help`).
    pub fn description(self) -> &'static str {
        match self {
            EdgeKind::Reply => "a reply, to the author of the post replied to",
            EdgeKind::Mention => {
                "a mention (not the one naming whom a reply answers; none in reposts)"
            }
            EdgeKind::Quote => "a quote, to the author of the quoted post",
            EdgeKind::Repost => "a repost, to the author of the original",
        }
    }

    /// Its name in tables and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            EdgeKind::Reply => "reply",
            EdgeKind::Mention => "mention",
            EdgeKind::Quote => "quote",
            EdgeKind::Repost => "repost",
        }
    }
}

/// An account: a handle on a platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Its platform.
    pub platform: Platform,
    /// The handle as compared ([`handle_key`]).
    pub key: String,
    /// The handle as written on its earliest post (for an account only
    /// mentioned or replied to, the handle as compared).
    pub handle: String,
    /// Posts it wrote (of any kind).
    pub posts: u64,
    /// Of those, replies.
    pub replies_sent: u64,
    /// Replies to its posts that were found.
    pub replies_received: u64,
    /// The largest follower count seen on its posts.
    pub followers: Option<u64>,
    /// Its first and last post (`None` for an account only mentioned or
    /// replied to).
    pub active: Option<(Timestamp, Timestamp)>,
    /// Hits per theme over its posts (empty when the posts were not
    /// scored; see [`NetworkBuilder::add_scored`]).
    pub hits: Vec<u64>,
    /// Whether it hosted a slot (see [`Network::mark_hosts`]).
    pub host: bool,
}

/// One edge: every post from `source` to `target` of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The index of the source in [`Network::accounts`].
    pub source: usize,
    /// The index of the target.
    pub target: usize,
    /// What the posts did.
    pub kind: EdgeKind,
    /// How many posts.
    pub weight: u64,
    /// The first and the last of them.
    pub first: Timestamp,
    /// The last.
    pub last: Timestamp,
}

impl Edge {
    /// Whether the source and the target are the same account.
    pub fn is_self_loop(&self) -> bool {
        self.source == self.target
    }
}

/// The accounts and edges of a set of posts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    /// Accounts, by platform then handle.
    pub accounts: Vec<Account>,
    /// Edges, by source, target, kind.
    pub edges: Vec<Edge>,
    /// Per kind, posts whose target could not be found.
    pub unresolved: BTreeMap<EdgeKind, u64>,
}

impl Network {
    /// The index of the account with this compared handle on `platform`.
    pub fn account(&self, platform: Platform, key: &str) -> Option<usize> {
        self.accounts
            .binary_search_by(|a| (a.platform, a.key.as_str()).cmp(&(platform, key)))
            .ok()
    }

    /// Mark the accounts whose compared handle is one of `hosts` (on any
    /// platform) as hosts.
    pub fn mark_hosts<'a>(&mut self, hosts: impl IntoIterator<Item = &'a str>) {
        let hosts: Vec<String> = hosts.into_iter().map(handle_key).collect();
        for account in &mut self.accounts {
            account.host = hosts.contains(&account.key);
        }
    }
}

/// An account's identity: platform and compared handle.
type AccountKey = (Platform, String);

/// Where an edge points, before every post has been seen.
#[derive(Debug, Clone)]
enum Target {
    /// The author of this post, else the author with this id.
    PostOf(String, Option<String>),
    /// The account with this handle.
    Handle(String),
}

/// Folds posts into a [`Network`]: add every post, then [`finish`].
///
/// [`finish`]: NetworkBuilder::finish
#[derive(Debug, Default)]
pub struct NetworkBuilder {
    accounts: HashMap<AccountKey, Account>,
    /// (platform, author id) → account.
    authors: HashMap<(Platform, String), String>,
    /// (platform, post id) → its author's compared handle.
    posts: HashMap<(Platform, String), String>,
    /// Edges waiting for their targets, each with the post that makes it.
    pending: Vec<Pending>,
    /// Posts added so far (numbers the posts of `pending`).
    added: usize,
    /// Kinds of edge left out.
    dropped: Vec<EdgeKind>,
}

/// An edge waiting for its target.
#[derive(Debug, Clone)]
struct Pending {
    /// The number of the post that makes it (in the order added).
    post: usize,
    source: AccountKey,
    target: Target,
    kind: EdgeKind,
    at: Timestamp,
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

    /// Add one post: its author, and the edges it makes.
    pub fn add(&mut self, post: &Post) {
        self.add_scored(post, &[]);
    }

    /// Let the edges of other posts find their targets among this post
    /// (its id and author), without adding it: what a slot's network
    /// knows of posts outside the slot.
    pub fn know(&mut self, post: &Post) {
        let key = handle_key(&post.author_handle);
        self.remember(post, &key);
    }

    /// Record who wrote `post`, for the targets of edges.
    fn remember(&mut self, post: &Post, key: &str) {
        if !post.author_id.is_empty() {
            // An id seen under two handles (a renamed account) keeps the
            // smaller, so the order posts come in does not matter.
            self.authors
                .entry((post.platform, post.author_id.clone()))
                .and_modify(|k| {
                    if *key < **k {
                        *k = key.to_owned();
                    }
                })
                .or_insert_with(|| key.to_owned());
        }
        self.posts
            .insert((post.platform, post.post_id.clone()), key.to_owned());
    }

    /// Add one post with its hits per theme (from the scorer), summed into
    /// its author's [`Account::hits`].
    pub fn add_scored(&mut self, post: &Post, hits: &[u32]) {
        let key = handle_key(&post.author_handle);
        let account = self
            .accounts
            .entry((post.platform, key.clone()))
            .or_insert_with(|| blank(post.platform, &key, &post.author_handle));
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
        self.remember(post, &key);

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
                source: (post.platform, key.clone()),
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

    /// Resolve every edge's target and sort: the network.
    pub fn finish(mut self) -> Network {
        let mut unresolved: BTreeMap<EdgeKind, u64> = BTreeMap::new();
        let pending = std::mem::take(&mut self.pending);
        // Each edge with its target found, or `None`.
        let targets: Vec<Option<String>> = pending
            .iter()
            .map(|p| match &p.target {
                Target::PostOf(post, author) => self
                    .posts
                    .get(&(p.source.0, post.clone()))
                    .or_else(|| {
                        author
                            .as_ref()
                            .and_then(|id| self.authors.get(&(p.source.0, id.clone())))
                    })
                    .cloned(),
                Target::Handle(handle) => Some(handle.clone()),
            })
            .collect();
        // The account each reply answers, by its post's number: a reply's
        // mention of that account is the reply itself.
        let answered: HashMap<usize, &str> = pending
            .iter()
            .zip(&targets)
            .filter(|(p, _)| p.kind == EdgeKind::Reply)
            .filter_map(|(p, t)| Some((p.post, t.as_deref()?)))
            .collect();
        let mut weights: HashMap<(AccountKey, AccountKey, EdgeKind), (u64, Timestamp, Timestamp)> =
            HashMap::new();
        for (p, target) in pending.iter().zip(&targets) {
            let Some(target) = target else {
                *unresolved.entry(p.kind).or_default() += 1;
                continue;
            };
            if p.kind == EdgeKind::Mention && answered.get(&p.post) == Some(&target.as_str()) {
                continue;
            }
            let target = (p.source.0, target.clone());
            let account = self
                .accounts
                .entry(target.clone())
                .or_insert_with(|| blank(target.0, &target.1, &target.1));
            account.replies_received += u64::from(p.kind == EdgeKind::Reply);
            let entry = weights
                .entry((p.source.clone(), target, p.kind))
                .or_insert((0, p.at, p.at));
            entry.0 += 1;
            entry.1 = entry.1.min(p.at);
            entry.2 = entry.2.max(p.at);
        }
        let mut accounts: Vec<Account> = self.accounts.into_values().collect();
        accounts.sort_by(|a, b| (a.platform, &a.key).cmp(&(b.platform, &b.key)));
        let index: HashMap<(Platform, &str), usize> = accounts
            .iter()
            .enumerate()
            .map(|(i, a)| ((a.platform, a.key.as_str()), i))
            .collect();
        let mut edges: Vec<Edge> = weights
            .into_iter()
            .filter_map(|((source, target, kind), (weight, first, last))| {
                Some(Edge {
                    source: *index.get(&(source.0, source.1.as_str()))?,
                    target: *index.get(&(target.0, target.1.as_str()))?,
                    kind,
                    weight,
                    first,
                    last,
                })
            })
            .collect();
        edges.sort_by_key(|e| (e.source, e.target, e.kind));
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
