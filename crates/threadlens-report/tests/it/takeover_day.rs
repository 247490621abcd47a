//! A hand-built takeover day: three slots (BST), 19 posts with replies
//! across slots, a reply arriving after its slot ended, posts outside every
//! slot, host and account replies, returning and new participants, a reply
//! whose parent was not collected. Every cell of the engagement table below
//! was worked out by hand from the rules of formats.md §4; the comments say
//! how.

use std::path::Path;

use chrono::{DateTime, Utc};
use threadlens_report::{Attribution, EngagementRow, Schedule, TakeoverPost, takeover};

const SCHEDULE: &str = r#"
[event]
name = "Fixture day"
timezone = "Europe/London"
account = "@HorizonsNHS"
hashtags = ["SolvingTogether"]

# 28 June 2022 is BST (UTC+1): the slots are 08:00-08:30, 08:30-09:00 and
# 09:20-09:55 UTC.
[[slot]]
id = "welcome"
title = "Welcome"
hosts = ["host_a"]
start = "2022-06-28T09:00"
end = "2022-06-28T09:30"

[[slot]]
id = "equity"
title = "Health equity"
hosts = ["@Host_B"]
start = "2022-06-28T09:30"
end = "2022-06-28T10:00"

[[slot]]
id = "spread"
title = "Spread and improvement"
hosts = ["host_c"]
start = "2022-06-28T10:20"
end = "2022-06-28T10:55"
"#;

/// (id, author, UTC time, conversation, reply to, reposts, likes, quotes, hits)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    u64,
    u64,
    u64,
    [u32; 2],
);

const POSTS: [Row; 19] = [
    // welcome: host posts 1 (account), 2 and 5 (host_a)
    (
        "1",
        "horizonsnhs",
        "08:01",
        Some("1"),
        None,
        5,
        10,
        1,
        [1, 0],
    ),
    ("2", "host_a", "08:05", Some("2"), None, 2, 4, 0, [0, 0]),
    ("3", "alice", "08:07", Some("1"), Some("1"), 0, 0, 0, [2, 1]),
    ("4", "bob", "08:10", Some("1"), Some("3"), 0, 0, 0, [0, 0]),
    (
        "5",
        "host_a",
        "08:12",
        Some("1"),
        Some("4"),
        0,
        0,
        0,
        [0, 0],
    ),
    ("6", "carol", "08:20", Some("2"), Some("2"), 0, 0, 0, [0, 1]),
    // a late reply to post 1, made during the spread slot: still welcome's
    ("7", "alice", "09:40", Some("1"), Some("1"), 0, 0, 0, [0, 0]),
    // equity: host posts 8 (host_b) and 11 (the account)
    ("8", "host_b", "08:31", Some("8"), None, 1, 3, 0, [0, 0]),
    ("9", "alice", "08:35", Some("8"), Some("8"), 0, 0, 0, [1, 0]),
    ("10", "dave", "08:36", Some("8"), Some("8"), 0, 0, 0, [0, 0]),
    (
        "11",
        "horizonsnhs",
        "08:40",
        Some("8"),
        Some("9"),
        0,
        0,
        0,
        [0, 0],
    ),
    ("12", "erin", "08:45", Some("12"), None, 0, 0, 0, [0, 0]),
    // between slots: outside (host_c before their slot is no host post)
    ("13", "frank", "09:05", Some("13"), None, 0, 0, 0, [1, 0]),
    ("14", "host_c", "09:10", Some("14"), None, 0, 0, 0, [0, 0]),
    // spread: host post 15; 17 arrives after the slot ended
    ("15", "host_c", "09:21", Some("15"), None, 0, 2, 3, [0, 0]),
    (
        "16",
        "frank",
        "09:50",
        Some("15"),
        Some("15"),
        0,
        0,
        0,
        [0, 2],
    ),
    (
        "17",
        "gina",
        "10:30",
        Some("15"),
        Some("16"),
        0,
        0,
        0,
        [0, 0],
    ),
    // a reply whose thread was not collected: attributed by its time
    (
        "18",
        "bob",
        "09:30",
        Some("999"),
        Some("999"),
        0,
        0,
        0,
        [0, 0],
    ),
    // the account after the last slot: outside, and not a host post
    (
        "19",
        "horizonsnhs",
        "11:00",
        Some("19"),
        None,
        0,
        0,
        0,
        [0, 0],
    ),
];

fn posts() -> Vec<TakeoverPost> {
    POSTS
        .iter()
        .map(
            |&(id, author, time, conversation, reply_to, reposts, likes, quotes, hits)| {
                TakeoverPost {
                    post_id: id.into(),
                    author: author.into(),
                    created_at: DateTime::parse_from_rfc3339(&format!("2022-06-28T{time}:00Z"))
                        .unwrap()
                        .with_timezone(&Utc),
                    conversation_id: conversation.map(str::to_owned),
                    reply_to_post_id: reply_to.map(str::to_owned),
                    reposts,
                    likes,
                    quotes,
                    hits: hits.to_vec(),
                }
            },
        )
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn row(
    slot: &str,
    (posts, host_posts, replies_received, participants): (u64, u64, u64, u64),
    new_participants: Option<u64>,
    (reposts, likes, quotes): (u64, u64, u64),
    engagement_per_host_post: Option<f64>,
    median_first_reply_min: Option<f64>,
    max_thread_depth: u64,
    hits: [u64; 2],
    share: [Option<f64>; 2],
) -> EngagementRow {
    EngagementRow {
        slot: slot.into(),
        posts,
        host_posts,
        replies_received,
        participants,
        new_participants,
        reposts,
        likes,
        quotes,
        engagement_per_host_post,
        median_first_reply_min,
        max_thread_depth,
        hits: hits.to_vec(),
        share: share.to_vec(),
    }
}

#[test]
fn engagement_worked_out_by_hand() {
    let schedule = Schedule::parse(SCHEDULE, Path::new("day.toml")).unwrap();
    let result = takeover(&schedule, &posts(), 2);

    let expected = vec![
        // welcome: posts 1-7 (7 is late but in a thread rooted by 1).
        // host posts 1, 2, 5. Replies received: 3, 4, 6, 7 (5 is host_a's).
        // Participants alice, bob, carol, all new. Host counts: reposts
        // 5+2, likes 10+4, quotes 1. Engagement (4+7+14+1)/3. First
        // replies: to 1 after 6 min (post 3), to 2 after 15 (post 6), none
        // to 5: median 10.5. Depth: 1 → 3 → 4 → 5 is 3. Theme 0: posts 1
        // (1) and 3 (2) = 3 hits, 2 of 7 posts; theme 1: posts 3 and 6.
        row(
            "welcome",
            (7, 3, 4, 3),
            Some(3),
            (7, 14, 1),
            Some(26.0 / 3.0),
            Some(10.5),
            3,
            [3, 2],
            [Some(2.0 / 7.0), Some(2.0 / 7.0)],
        ),
        // equity: posts 8-12. Host posts 8 (host_b) and 11 (the account,
        // inside the slot). Replies received in 8's thread: 9 and 10 (11 is
        // the account's). Participants alice (returning), dave and erin
        // (new). Engagement (2+1+3+0)/2. First replies: to 8 after 4 min
        // (post 9), none to 11: median 4. Depth: 8 → 9 → 11 is 2.
        row(
            "equity",
            (5, 2, 2, 3),
            Some(2),
            (1, 3, 0),
            Some(3.0),
            Some(4.0),
            2,
            [1, 0],
            [Some(0.2), Some(0.0)],
        ),
        // spread: posts 15-18 (18's root was not collected; it falls in the
        // slot's time). Host post 15. Replies received 16, 17. Participants
        // frank (his earlier post was outside, not in a slot: new), gina
        // (new), bob (returning). Engagement (2+0+2+3)/1. First reply after
        // 29 min. Depth: 15 → 16 → 17 is 2.
        row(
            "spread",
            (4, 1, 2, 3),
            Some(2),
            (0, 2, 3),
            Some(7.0),
            Some(29.0),
            2,
            [0, 2],
            [Some(0.0), Some(0.25)],
        ),
        // outside: 13, 14, 19. No host posts; participants frank and
        // host_c (only the account is left out here); new is empty.
        row(
            "outside",
            (3, 0, 0, 2),
            None,
            (0, 0, 0),
            None,
            None,
            0,
            [1, 0],
            [Some(1.0 / 3.0), Some(0.0)],
        ),
    ];
    for (got, want) in result.rows.iter().zip(&expected) {
        assert_eq!(got, want, "slot {}", want.slot);
    }
    assert_eq!(result.rows.len(), expected.len());

    let slot_of = |id: &str| {
        let i = POSTS.iter().position(|p| p.0 == id).unwrap();
        result.attribution[i]
    };
    assert_eq!(
        slot_of("7"),
        Attribution::Slot(0),
        "late reply stays with its thread"
    );
    assert_eq!(slot_of("14"), Attribution::Outside);
    assert_eq!(slot_of("18"), Attribution::Slot(2));
}
