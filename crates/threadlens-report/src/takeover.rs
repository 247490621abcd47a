//! Takeover attribution and engagement (formats.md §4): which slot each
//! post belongs to, and the engagement table, one row per slot in start
//! order and a last `outside` row.

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;

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

/// Attribute `posts` to the slots of `schedule` and measure each slot.
pub fn takeover(schedule: &Schedule, posts: &[TakeoverPost], themes: usize) -> Takeover {
    let slots = &schedule.slots;
    // Authors as numbers, so that the comparisons and sets below work on
    // numbers rather than strings.
    let mut author_ids: FxHashMap<&str, u32> = FxHashMap::default();
    let author: Vec<u32> = posts
        .iter()
        .map(|p| {
            let next = author_ids.len() as u32;
            *author_ids.entry(p.author.as_str()).or_insert(next)
        })
        .collect();
    let authors = author_ids.len();
    // Staff who posted nothing have no number, and match no post.
    let account = author_ids.get(schedule.account.as_str()).copied();
    let slot_hosts: Vec<Vec<u32>> = slots
        .iter()
        .map(|s| {
            s.hosts
                .iter()
                .filter_map(|h| author_ids.get(h.as_str()).copied())
                .collect()
        })
        .collect();
    let is_staff =
        |slot: usize, author: u32| Some(author) == account || slot_hosts[slot].contains(&author);
    // The slot each post was made in, if any.
    let made_in: Vec<Option<usize>> = posts
        .iter()
        .map(|p| schedule.slot_at(p.created_at))
        .collect();
    // A host post of slot S: by the account or one of S's hosts, inside S.
    let host_of: Vec<Option<usize>> = author
        .iter()
        .zip(&made_in)
        .map(|(&a, slot)| slot.filter(|&s| is_staff(s, a)))
        .collect();
    let by_id = index_by_id(posts);
    let parent = parents(posts, &by_id);
    // The root of a post's conversation: its conversation_id, else itself
    // when it replies to nothing.
    let root = |i: usize| -> Option<usize> {
        let p = &posts[i];
        match &p.conversation_id {
            Some(c) => by_id.get(c.as_str()).copied(),
            None if p.reply_to_post_id.is_none() => Some(i),
            None => None,
        }
    };
    let roots: Vec<Option<usize>> = (0..posts.len()).map(root).collect();
    let attribution: Vec<Attribution> = (0..posts.len())
        .map(|i| match roots[i].and_then(|r| host_of[r]) {
            Some(s) => Attribution::Slot(s),
            None => match made_in[i] {
                Some(s) => Attribution::Slot(s),
                None => Attribution::Outside,
            },
        })
        .collect();
    let depth = depths(posts, &parent);
    let mut replies_to: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    for (i, p) in parent.iter().enumerate() {
        if let Some(p) = *p {
            replies_to.entry(p).or_default().push(i);
        }
    }
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
    let host_slot: Vec<Option<usize>> = (0..posts.len())
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

    let mut rows = Vec::with_capacity(slots.len() + 1);
    let mut all_first_replies = Vec::new();
    // Per author: whether a post of an earlier slot is theirs, and the last
    // group that counted them as a participant.
    let mut seen_before = vec![false; authors];
    let mut counted_in = vec![usize::MAX; authors];
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
        let sum =
            |get: fn(&TakeoverPost) -> u64| hosts.iter().map(|&i| get(&posts[i])).sum::<u64>();
        let (reposts, likes, quotes) = (sum(|p| p.reposts), sum(|p| p.likes), sum(|p| p.quotes));
        let engagement_per_host_post = (!hosts.is_empty())
            .then(|| (replies_received + reposts + likes + quotes) as f64 / hosts.len() as f64);
        let first_replies: Vec<f64> = hosts
            .iter()
            .filter_map(|&h| {
                let host = &posts[h];
                replies_to
                    .get(&h)?
                    .iter()
                    .filter(|&&i| !staff(author[i]))
                    .map(|&i| (posts[i].created_at - host.created_at).num_milliseconds())
                    .min()
                    .map(|ms| ms as f64 / 60_000.0)
            })
            .collect();
        let mut hits = vec![0u64; themes];
        let mut with_hit = vec![0u64; themes];
        for &i in members {
            for (t, &h) in posts[i].hits.iter().enumerate().take(themes) {
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

/// Every post's index by its id (the last, for an id seen twice).
fn index_by_id(posts: &[TakeoverPost]) -> FxHashMap<&str, usize> {
    let mut by_id = FxHashMap::with_capacity_and_hasher(posts.len(), Default::default());
    by_id.extend(
        posts
            .iter()
            .enumerate()
            .map(|(i, p)| (p.post_id.as_str(), i)),
    );
    by_id
}

/// The post each one replies to, when it was collected.
fn parents(posts: &[TakeoverPost], by_id: &FxHashMap<&str, usize>) -> Vec<Option<usize>> {
    posts
        .iter()
        .map(|p| {
            p.reply_to_post_id
                .as_deref()
                .and_then(|r| by_id.get(r).copied())
        })
        .collect()
}

/// Reply depth of every post: 0 for a post that replies to nothing, its
/// parent's depth + 1 for a reply (1 when the parent was not collected);
/// `parent[i]` is the post `i` replies to, when collected.
fn depths(posts: &[TakeoverPost], parent: &[Option<usize>]) -> Vec<u64> {
    let mut depth: Vec<Option<u64>> = vec![None; posts.len()];
    for start in 0..posts.len() {
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
            at = match &posts[i].reply_to_post_id {
                None => None,
                Some(_) => match parent[i] {
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
        let d = depths(&posts, &parents(&posts, &index_by_id(&posts)));
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
