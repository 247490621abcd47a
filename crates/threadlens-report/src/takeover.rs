//! Takeover attribution and engagement (formats.md §4): which slot each
//! post belongs to, and the engagement table, one row per slot in start
//! order and a last `outside` row.

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use threadlens_store::{OptStrColumn, StrColumn};

use crate::intern::Interner;
use crate::schedule::Schedule;

/// What §4 needs of a post (reposts are left out before this point).
#[derive(Debug, Clone, PartialEq)]
pub struct TakeoverPost {
    /// The post's id.
    pub post_id: String,
    /// Its author's handle as compared ([`handle_key`](crate::handle_key)).
    pub author: String,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
    /// The id of its conversation's root, when known.
    pub conversation_id: Option<String>,
    /// The post it replies to.
    pub reply_to_post_id: Option<String>,
    /// Public counts (missing counts are 0).
    pub reposts: u64,
    /// Likes.
    pub likes: u64,
    /// Quotes.
    pub quotes: u64,
    /// Hits per theme, in lexicon order.
    pub hits: Vec<u32>,
}

/// Where a post belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribution {
    /// The slot at this index of [`Schedule::slots`].
    Slot(usize),
    /// No slot.
    Outside,
}

/// One row of the engagement table.
#[derive(Debug, Clone, PartialEq)]
pub struct EngagementRow {
    /// The slot's id, or `outside`.
    pub slot: String,
    /// Posts attributed to it.
    pub posts: u64,
    /// Of those, host posts of the slot.
    pub host_posts: u64,
    /// Posts in conversations rooted by its host posts, not by its hosts or the account.
    pub replies_received: u64,
    /// Distinct authors of its posts, other than its hosts and the account.
    pub participants: u64,
    /// Participants with no post attributed to an earlier slot (`None` for outside).
    pub new_participants: Option<u64>,
    /// Sums over its host posts.
    pub reposts: u64,
    /// Likes over its host posts.
    pub likes: u64,
    /// Quotes over its host posts.
    pub quotes: u64,
    /// `(replies_received + reposts + likes + quotes) / host_posts`.
    pub engagement_per_host_post: Option<f64>,
    /// Median minutes from a host post to its first direct reply by others.
    pub median_first_reply_min: Option<f64>,
    /// The deepest reply among its posts (0 when none).
    pub max_thread_depth: u64,
    /// Hits per theme summed over its posts.
    pub hits: Vec<u64>,
    /// Per theme: posts with a hit / posts (`None` when there are no posts).
    pub share: Vec<Option<f64>>,
    /// Per theme: the 95% Wilson interval of `share` (`None` without posts).
    pub share_interval: Vec<Option<(f64, f64)>>,
}

/// Attribution of every post, and the engagement table.
#[derive(Debug, Clone, PartialEq)]
pub struct Takeover {
    /// Per post, in input order.
    pub attribution: Vec<Attribution>,
    /// One row per slot in start order, then `outside`.
    pub rows: Vec<EngagementRow>,
    /// Minutes from each host post (of any slot) to its first direct reply
    /// by someone else, for host posts that have one: the day's median.
    pub first_reply_min: Vec<f64>,
}

/// The posts [`takeover`] reads, column by column: a report adds its posts
/// one at a time with no allocation per post. Authors are numbered as they
/// come (there are few of them); ids are kept end to end, and joined when
/// the takeover is measured.
#[derive(Debug, Default, Clone)]
pub(crate) struct TakeoverPosts {
    themes: usize,
    /// Handle keys.
    authors: Interner,
    /// The author number of each contributor a report has seen
    /// ([`author_of_contributor`](Self::author_of_contributor)).
    by_contributor: Vec<Option<u32>>,
    post_id: StrColumn,
    author: Vec<u32>,
    created_at: Vec<DateTime<Utc>>,
    conversation: OptStrColumn,
    reply_to: OptStrColumn,
    /// Reposts, likes and quotes.
    engagement: Vec<[u64; 3]>,
    /// `themes` hit counts a post.
    hits: Vec<u32>,
}

/// One post for [`TakeoverPosts::push`], borrowed.
pub(crate) struct NewTakeoverPost<'a> {
    /// The post's id.
    pub post_id: &'a str,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
    /// The id of its conversation's root, when known.
    pub conversation_id: Option<&'a str>,
    /// The post it replies to.
    pub reply_to_post_id: Option<&'a str>,
    /// Public counts (missing counts are 0).
    pub reposts: u64,
    /// Likes.
    pub likes: u64,
    /// Quotes.
    pub quotes: u64,
    /// Hits per theme; themes past its end count 0.
    pub hits: &'a [u32],
}

impl TakeoverPosts {
    /// No posts yet, scored against `themes` themes.
    pub fn new(themes: usize) -> Self {
        TakeoverPosts {
            themes,
            ..TakeoverPosts::default()
        }
    }

    /// How many posts.
    pub fn len(&self) -> usize {
        self.post_id.len()
    }

    /// The number of the author whose handle key is `key`.
    pub fn author(&mut self, key: &str) -> u32 {
        self.authors.number(key)
    }

    /// The number of the author of contributor `index` of a report's
    /// contributors, whose handle key is `key`: its key is looked up only
    /// the first time.
    pub fn author_of_contributor(&mut self, index: usize, key: &str) -> u32 {
        if index >= self.by_contributor.len() {
            self.by_contributor.resize(index + 1, None);
        }
        match self.by_contributor[index] {
            Some(author) => author,
            None => {
                let author = self.authors.number(key);
                self.by_contributor[index] = Some(author);
                author
            }
        }
    }

    /// Add `post`, by author number `author` ([`author`](Self::author)).
    pub fn push(&mut self, author: u32, post: NewTakeoverPost<'_>) {
        self.post_id.push(post.post_id);
        self.author.push(author);
        self.created_at.push(post.created_at);
        self.conversation.push(post.conversation_id);
        self.reply_to.push(post.reply_to_post_id);
        self.engagement
            .push([post.reposts, post.likes, post.quotes]);
        let hit = |t: usize| post.hits.get(t).copied().unwrap_or(0);
        self.hits.extend((0..self.themes).map(hit));
    }

    /// `posts`, scored against `themes` themes, in order.
    fn of(posts: &[TakeoverPost], themes: usize) -> Self {
        let mut numbered = TakeoverPosts::new(themes);
        for p in posts {
            let author = numbered.author(&p.author);
            numbered.push(
                author,
                NewTakeoverPost {
                    post_id: &p.post_id,
                    created_at: p.created_at,
                    conversation_id: p.conversation_id.as_deref(),
                    reply_to_post_id: p.reply_to_post_id.as_deref(),
                    reposts: p.reposts,
                    likes: p.likes,
                    quotes: p.quotes,
                    hits: &p.hits,
                },
            );
        }
        numbered
    }

    /// Every post's index by its id (the last, for an id seen twice).
    fn by_id(&self) -> FxHashMap<&str, usize> {
        let mut by_id = FxHashMap::with_capacity_and_hasher(self.len(), Default::default());
        by_id.extend(self.post_id.iter().enumerate().map(|(i, id)| (id, i)));
        by_id
    }

    /// Per post, the post it replies to when it was collected, and the
    /// root of its conversation: the post of its conversation_id, else
    /// itself when it replies to nothing. Looked up on every core.
    ///
    /// Most posts need one lookup or none: a conversation's root names
    /// itself (its own post when ids are unique), and a direct reply to the
    /// root replies to its conversation_id.
    fn parents_and_roots(
        &self,
        by_id: &FxHashMap<&str, usize>,
    ) -> Vec<(Option<usize>, Option<usize>)> {
        let unique_ids = by_id.len() == self.len();
        let find = |id: &str| by_id.get(id).copied();
        (0..self.len())
            .into_par_iter()
            .map(|i| {
                let reply_to = self.reply_to.get(i);
                let conversation = self.conversation.get(i);
                let root = match conversation {
                    Some(c) if unique_ids && self.post_id.get(i) == Some(c) => Some(i),
                    Some(c) => find(c),
                    None if reply_to.is_none() => Some(i),
                    None => None,
                };
                let parent = match reply_to {
                    Some(r) if Some(r) == conversation => root,
                    Some(r) => find(r),
                    None => None,
                };
                (parent, root)
            })
            .collect()
    }

    /// Whether post `i` replies to anything, collected or not.
    fn is_reply(&self, i: usize) -> bool {
        self.reply_to.get(i).is_some()
    }

    /// Post `i`'s hits, one per theme.
    fn hits_of(&self, i: usize) -> &[u32] {
        &self.hits[i * self.themes..(i + 1) * self.themes]
    }
}

/// Attribute `posts` to the slots of `schedule` and measure each slot,
/// counting `themes` themes of their hits.
pub fn takeover(schedule: &Schedule, posts: &[TakeoverPost], themes: usize) -> Takeover {
    takeover_of(schedule, &TakeoverPosts::of(posts, themes))
}

/// [`takeover`] of posts already numbered.
pub(crate) fn takeover_of(schedule: &Schedule, posts: &TakeoverPosts) -> Takeover {
    let slots = &schedule.slots;
    let count = posts.len();
    let author = &posts.author;
    // Staff who posted nothing have no number, and match no post.
    let account = posts.authors.get(schedule.account.as_str());
    let slot_hosts: Vec<Vec<u32>> = slots
        .iter()
        .map(|s| {
            s.hosts
                .iter()
                .filter_map(|h| posts.authors.get(h.as_str()))
                .collect()
        })
        .collect();
    let is_staff =
        |slot: usize, author: u32| Some(author) == account || slot_hosts[slot].contains(&author);
    // The slot each post was made in, if any.
    let made_in: Vec<Option<usize>> = posts
        .created_at
        .iter()
        .map(|&t| schedule.slot_at(t))
        .collect();
    // A host post of slot S: by the account or one of S's hosts, inside S.
    let host_of: Vec<Option<usize>> = author
        .iter()
        .zip(&made_in)
        .map(|(&a, slot)| slot.filter(|&s| is_staff(s, a)))
        .collect();
    let by_id = posts.by_id();
    let (parent, roots): (Vec<Option<usize>>, Vec<Option<usize>>) =
        posts.parents_and_roots(&by_id).into_iter().unzip();
    let attribution: Vec<Attribution> = (0..count)
        .map(|i| match roots[i].and_then(|r| host_of[r]) {
            Some(s) => Attribution::Slot(s),
            None => match made_in[i] {
                Some(s) => Attribution::Slot(s),
                None => Attribution::Outside,
            },
        })
        .collect();
    let depth = depths(|i| posts.is_reply(i), &parent);
    // Groups: the slots in order, then `outside` (index `slots.len()`).
    let mut members_of: Vec<Vec<usize>> = vec![Vec::new(); slots.len() + 1];
    for (i, a) in attribution.iter().enumerate() {
        let group = match a {
            Attribution::Slot(s) => *s,
            Attribution::Outside => slots.len(),
        };
        members_of[group].push(i);
    }
    // A host post of slot S attributed to S is one of S's hosts below; a
    // reply received by S is a post by someone other than S's staff whose
    // root is one of them. Counted for every slot in one pass.
    let host_slot: Vec<Option<usize>> = (0..count)
        .map(|i| host_of[i].filter(|&s| attribution[i] == Attribution::Slot(s)))
        .collect();
    let mut replies_received_by = vec![0u64; slots.len()];
    for (i, &a) in author.iter().enumerate() {
        if let Some(s) = roots[i].and_then(|r| host_slot[r])
            && !is_staff(s, a)
        {
            replies_received_by[s] += 1;
        }
    }
    // Per host post: milliseconds to its first direct reply by someone
    // other than its slot's staff.
    let mut first_reply_ms: Vec<Option<i64>> = vec![None; count];
    for (i, p) in parent.iter().enumerate() {
        if let Some(h) = *p
            && let Some(s) = host_slot[h]
            && !is_staff(s, author[i])
        {
            let ms = (posts.created_at[i] - posts.created_at[h]).num_milliseconds();
            let first = first_reply_ms[h].get_or_insert(ms);
            *first = (*first).min(ms);
        }
    }
    let themes = posts.themes;
    let mut rows = Vec::with_capacity(slots.len() + 1);
    let mut all_first_replies = Vec::new();
    // Per author: whether a post of an earlier slot is theirs, and the last
    // group that counted them as a participant.
    let mut seen_before = vec![false; posts.authors.len()];
    let mut counted_in = vec![usize::MAX; posts.authors.len()];
    for group in (0..slots.len()).map(Some).chain([None]) {
        let group_index = group.unwrap_or(slots.len());
        let members = &members_of[group_index];
        let staff = |author: u32| match group {
            Some(s) => is_staff(s, author),
            None => Some(author) == account,
        };
        let hosts: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| group.is_some() && host_of[i] == group)
            .collect();
        let replies_received = group.map_or(0, |s| replies_received_by[s]);
        let (mut participants, mut new) = (0u64, 0u64);
        for a in members.iter().map(|&i| author[i]) {
            let k = a as usize;
            if !staff(a) && counted_in[k] != group_index {
                counted_in[k] = group_index;
                participants += 1;
                new += u64::from(!seen_before[k]);
            }
        }
        let new_participants = group.map(|_| new);
        let sum = |e: usize| hosts.iter().map(|&i| posts.engagement[i][e]).sum::<u64>();
        let (reposts, likes, quotes) = (sum(0), sum(1), sum(2));
        let engagement_per_host_post = (!hosts.is_empty())
            .then(|| (replies_received + reposts + likes + quotes) as f64 / hosts.len() as f64);
        let first_replies: Vec<f64> = hosts
            .iter()
            .filter_map(|&h| first_reply_ms[h])
            .map(|ms| ms as f64 / 60_000.0)
            .collect();
        let mut hits = vec![0u64; themes];
        let mut with_hit = vec![0u64; themes];
        for &i in members {
            for (t, &h) in posts.hits_of(i).iter().enumerate() {
                hits[t] += u64::from(h);
                with_hit[t] += u64::from(h > 0);
            }
        }
        let n = members.len() as u64;
        rows.push(EngagementRow {
            slot: group.map_or_else(|| "outside".to_owned(), |s| slots[s].id.clone()),
            posts: n,
            host_posts: hosts.len() as u64,
            replies_received,
            participants,
            new_participants,
            reposts,
            likes,
            quotes,
            engagement_per_host_post,
            median_first_reply_min: {
                all_first_replies.extend_from_slice(&first_replies);
                median(first_replies)
            },
            max_thread_depth: members.iter().map(|&i| depth[i]).max().unwrap_or(0),
            hits,
            share: with_hit
                .iter()
                .map(|&w| (n > 0).then(|| w as f64 / n as f64))
                .collect(),
            share_interval: with_hit
                .iter()
                .map(|&w| crate::stats::wilson(w, n))
                .collect(),
        });
        if group.is_some() {
            for &i in members {
                seen_before[author[i] as usize] = true;
            }
        }
    }
    Takeover {
        attribution,
        rows,
        first_reply_min: all_first_replies,
    }
}

/// Reply depth of every post: 0 for a post that replies to nothing, its
/// parent's depth + 1 for a reply (1 when the parent was not collected);
/// `is_reply(i)` is whether post `i` replies to anything, `parent[i]` the
/// post it replies to, when collected.
fn depths(is_reply: impl Fn(usize) -> bool, parent: &[Option<usize>]) -> Vec<u64> {
    let mut depth: Vec<Option<u64>> = vec![None; parent.len()];
    for start in 0..parent.len() {
        // Walk up to a known depth or a root, then fill in on the way back.
        let mut chain = Vec::new();
        let mut at = Some(start);
        let mut base = 0;
        while let Some(i) = at {
            if let Some(d) = depth[i] {
                base = d + 1;
                break;
            }
            if chain.contains(&i) {
                break; // a cycle in bad data: treat as a root
            }
            chain.push(i);
            at = match is_reply(i) {
                false => None,
                true => match parent[i] {
                    Some(p) => Some(p),
                    None => {
                        // Parent not collected: this reply has depth 1.
                        depth[i] = Some(1);
                        chain.pop();
                        base = 2;
                        None
                    }
                },
            };
        }
        // `chain` runs from `start` up; its last element is a root (depth
        // 0) unless it stopped above a known depth.
        let first = if at.is_none() && base == 0 { 0 } else { base };
        for (d, &i) in (first..).zip(chain.iter().rev()) {
            depth[i] = Some(d);
        }
    }
    depth.into_iter().map(|d| d.unwrap_or(0)).collect()
}

/// The median (mean of the middle two for an even count); `None` when empty.
pub(crate) fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(id: &str, reply_to: Option<&str>) -> TakeoverPost {
        TakeoverPost {
            post_id: id.into(),
            author: "a".into(),
            created_at: DateTime::from_timestamp(0, 0).unwrap_or_default(),
            conversation_id: None,
            reply_to_post_id: reply_to.map(str::to_owned),
            reposts: 0,
            likes: 0,
            quotes: 0,
            hits: vec![],
        }
    }

    #[test]
    fn depths_count_from_roots_and_missing_parents() {
        let posts = vec![
            post("c", Some("b")),
            post("a", None),
            post("b", Some("a")),
            post("x", Some("gone")),
            post("y", Some("x")),
            post("loop1", Some("loop2")),
            post("loop2", Some("loop1")),
        ];
        let numbered = TakeoverPosts::of(&posts, 0);
        let parent: Vec<Option<usize>> = numbered
            .parents_and_roots(&numbered.by_id())
            .into_iter()
            .map(|(parent, _)| parent)
            .collect();
        let d = depths(|i| numbered.is_reply(i), &parent);
        assert_eq!(&d[..5], &[2, 0, 1, 1, 2]);
        assert!(d[5] <= 2 && d[6] <= 2, "a cycle ends without hanging");
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
