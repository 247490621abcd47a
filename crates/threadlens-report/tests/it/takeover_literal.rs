//! The takeover against formats.md §4 read literally: every rule applied
//! post by post with string comparisons, on random days whose ids repeat,
//! whose conversations name their own root, a missing post or another
//! thread, and whose replies point anywhere. Slow and plain on purpose.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use threadlens_report::{Attribution, Schedule, TakeoverPost, takeover, wilson};

const THEMES: usize = 2;

fn schedule() -> Schedule {
    Schedule::parse(
        r#"
[event]
name = "Literal"
timezone = "UTC"
account = "acct"

[[slot]]
id = "one"
title = "One"
hosts = ["h1"]
start = "2024-03-01T10:30"
end = "2024-03-01T11:00"

[[slot]]
id = "two"
title = "Two"
hosts = ["h2", "h1"]
start = "2024-03-01T11:00"
end = "2024-03-01T11:30"

[[slot]]
id = "three"
title = "Three"
start = "2024-03-01T12:00"
end = "2024-03-01T12:30"
"#,
        Path::new("literal.toml"),
    )
    .unwrap()
}

fn base() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2024-03-01T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// An id: mostly the post's own number, sometimes one of a few shared or
/// never-collected ones.
fn id_strategy() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        3 => Just(None),
        1 => (0..12u32).prop_map(|n| Some(format!("p{n}"))),
        1 => Just(Some("gone".to_owned())),
    ]
}

prop_compose! {
    fn post_strategy()(
        own in 0..12u32,
        shared_id in prop::bool::weighted(0.15),
        author in prop::sample::select(vec!["acct", "h1", "h2", "u1", "u2", "u3"]),
        minute in 0..180i64,
        second in 0..60i64,
        conversation in prop_oneof![2 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
        other_conversation in id_strategy(),
        reply in prop_oneof![2 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8)],
        other_reply in id_strategy(),
        counts in (0..4u64, 0..4u64, 0..4u64),
        hits in prop::collection::vec(0..3u32, THEMES),
    ) -> (u32, bool, TakeoverPost, u8, u8) {
        let post = TakeoverPost {
            post_id: String::new(),
            author: author.to_owned(),
            created_at: base() + Duration::minutes(minute) + Duration::seconds(second),
            conversation_id: other_conversation,
            reply_to_post_id: other_reply,
            reposts: counts.0,
            likes: counts.1,
            quotes: counts.2,
            hits,
        };
        (own, shared_id, post, conversation, reply)
    }
}

/// A day of up to 30 posts. Ids are `p<index>`, or with some chance one of
/// `p0`..`p11` (so ids repeat); a conversation is none, the post's own id
/// or another; a reply is to nothing, to the conversation's id or to
/// another id.
fn day() -> impl Strategy<Value = Vec<TakeoverPost>> {
    prop::collection::vec(post_strategy(), 0..30).prop_map(|drafts| {
        drafts
            .into_iter()
            .enumerate()
            .map(|(i, (own, shared_id, mut post, conversation, reply))| {
                post.post_id = match shared_id {
                    true => format!("p{own}"),
                    false => format!("p{i}"),
                };
                post.conversation_id = match conversation {
                    0 => Some(post.post_id.clone()),
                    1 => None,
                    _ => post.conversation_id,
                };
                post.reply_to_post_id = match reply {
                    0 => None,
                    1 => post.conversation_id.clone(),
                    _ => post.reply_to_post_id,
                };
                post
            })
            .collect()
    })
}

/// The post with id `id`: the last one, for an id seen twice.
fn find(posts: &[TakeoverPost], id: &str) -> Option<usize> {
    posts.iter().rposition(|p| p.post_id == id)
}

fn root(posts: &[TakeoverPost], i: usize) -> Option<usize> {
    match (&posts[i].conversation_id, &posts[i].reply_to_post_id) {
        (Some(c), _) => find(posts, c),
        (None, None) => Some(i),
        (None, Some(_)) => None,
    }
}

fn staff(schedule: &Schedule, slot: usize, author: &str) -> bool {
    author == schedule.account || schedule.slots[slot].hosts.iter().any(|h| h == author)
}

fn host_slot(schedule: &Schedule, posts: &[TakeoverPost], i: usize) -> Option<usize> {
    schedule
        .slot_at(posts[i].created_at)
        .filter(|&s| staff(schedule, s, &posts[i].author))
}

fn attribution(schedule: &Schedule, posts: &[TakeoverPost], i: usize) -> Option<usize> {
    root(posts, i)
        .and_then(|r| host_slot(schedule, posts, r))
        .or_else(|| schedule.slot_at(posts[i].created_at))
}

/// Reply depth, `None` when the chain of parents loops.
fn depth(posts: &[TakeoverPost], i: usize, seen: &mut Vec<usize>) -> Option<u64> {
    let Some(reply_to) = &posts[i].reply_to_post_id else {
        return Some(0);
    };
    match find(posts, reply_to) {
        None => Some(1),
        Some(_) if seen.contains(&i) => None,
        Some(parent) => {
            seen.push(i);
            depth(posts, parent, seen).map(|d| d + 1)
        }
    }
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn takeover_follows_the_rules_read_literally(posts in day()) {
        let schedule = schedule();
        let result = takeover(&schedule, &posts, THEMES);
        let slots = schedule.slots.len();
        let group_of = |i: usize| attribution(&schedule, &posts, i).unwrap_or(slots);
        let expected: Vec<Attribution> = (0..posts.len())
            .map(|i| match attribution(&schedule, &posts, i) {
                Some(s) => Attribution::Slot(s),
                None => Attribution::Outside,
            })
            .collect();
        prop_assert_eq!(&result.attribution, &expected);
        let loops = (0..posts.len()).any(|i| depth(&posts, i, &mut Vec::new()).is_none());
        prop_assert_eq!(result.rows.len(), slots + 1);
        for (g, row) in result.rows.iter().enumerate() {
            let slot = (g < slots).then_some(g);
            let is_staff = |author: &str| match slot {
                Some(s) => staff(&schedule, s, author),
                None => author == schedule.account,
            };
            let members: Vec<usize> = (0..posts.len()).filter(|&i| group_of(i) == g).collect();
            let hosts: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&i| slot.is_some() && host_slot(&schedule, &posts, i) == slot)
                .collect();
            prop_assert_eq!(row.posts, members.len() as u64);
            prop_assert_eq!(row.host_posts, hosts.len() as u64);
            let replies_received = match slot {
                None => 0,
                Some(_) => (0..posts.len())
                    .filter(|&i| root(&posts, i).is_some_and(|r| hosts.contains(&r)))
                    .filter(|&i| !is_staff(&posts[i].author))
                    .count() as u64,
            };
            prop_assert_eq!(row.replies_received, replies_received);
            let mut participants: Vec<&str> = members
                .iter()
                .map(|&i| posts[i].author.as_str())
                .filter(|a| !is_staff(a))
                .collect();
            participants.sort_unstable();
            participants.dedup();
            prop_assert_eq!(row.participants, participants.len() as u64);
            let earlier = |author: &str| {
                (0..posts.len()).any(|i| group_of(i) < g && posts[i].author == author)
            };
            let new = participants.iter().filter(|a| !earlier(a)).count() as u64;
            prop_assert_eq!(row.new_participants, slot.map(|_| new));
            let sum = |get: fn(&TakeoverPost) -> u64| hosts.iter().map(|&i| get(&posts[i])).sum::<u64>();
            let engagement = (sum(|p| p.reposts), sum(|p| p.likes), sum(|p| p.quotes));
            prop_assert_eq!((row.reposts, row.likes, row.quotes), engagement);
            let per_host = (!hosts.is_empty()).then(|| {
                (replies_received + engagement.0 + engagement.1 + engagement.2) as f64
                    / hosts.len() as f64
            });
            prop_assert_eq!(row.engagement_per_host_post, per_host);
            let first_replies: Vec<f64> = hosts
                .iter()
                .filter_map(|&h| {
                    (0..posts.len())
                        .filter(|&i| {
                            posts[i]
                                .reply_to_post_id
                                .as_deref()
                                .is_some_and(|r| find(&posts, r) == Some(h))
                        })
                        .filter(|&i| !is_staff(&posts[i].author))
                        .map(|i| (posts[i].created_at - posts[h].created_at).num_milliseconds())
                        .min()
                        .map(|ms| ms as f64 / 60_000.0)
                })
                .collect();
            prop_assert_eq!(row.median_first_reply_min, median(first_replies));
            if !loops {
                let deepest = members
                    .iter()
                    .map(|&i| depth(&posts, i, &mut Vec::new()).unwrap_or(0))
                    .max()
                    .unwrap_or(0);
                prop_assert_eq!(row.max_thread_depth, deepest);
            }
            for t in 0..THEMES {
                let hits: u64 = members.iter().map(|&i| u64::from(posts[i].hits[t])).sum();
                let with_hit = members.iter().filter(|&&i| posts[i].hits[t] > 0).count() as u64;
                let n = members.len() as u64;
                prop_assert_eq!(row.hits[t], hits);
                prop_assert_eq!(row.share[t], (n > 0).then(|| with_hit as f64 / n as f64));
                prop_assert_eq!(row.share_interval[t], wilson(with_hit, n));
            }
        }
    }
}
