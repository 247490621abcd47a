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

use std::collections::BTreeMap;

use threadlens_model::{Platform, Timestamp, handle_key};

mod betweenness;
mod builder;
mod clustering;
mod graph;
mod louvain;
mod measure;
mod pagerank;

pub use betweenness::{BetweennessMethod, EXACT_MAX_NODES, SAMPLED_SOURCES};
pub use builder::NetworkBuilder;
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
