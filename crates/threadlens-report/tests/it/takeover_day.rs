//! A hand-built takeover day (`tests/data/fixture-day/`): three slots
//! (BST), 21 posts and a repost, with replies across slots, a reply
//! arriving after its slot ended, posts outside every slot, host and
//! account replies, returning and new participants, a reply whose parent
//! was not collected. Every cell of the engagement table below was worked
//! out by hand from the rules of formats.md §4; the comments say how.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use threadlens_process::{Lexicon, score_text};
use threadlens_report::{Attribution, EngagementRow, Schedule, TakeoverPost, handle_key, takeover};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fixture-day")
        .join(name)
}

/// The day's posts (the repost left out, as reports do), scored with the
/// day's lexicon.
fn posts() -> Vec<TakeoverPost> {
    let lexicon = Lexicon::from_file(&fixture("lexicon.toml")).unwrap();
    std::fs::read_to_string(fixture("posts.jsonl"))
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|p| p["kind"] != "repost")
        .map(|p| {
            let text = p["text"].as_str().unwrap();
            let count = |key: &str| p[key].as_u64().unwrap_or(0);
            TakeoverPost {
                post_id: p["id"].as_str().unwrap().into(),
                author: handle_key(p["author"].as_str().unwrap()),
                created_at: DateTime::parse_from_rfc3339(p["created_at"].as_str().unwrap())
                    .unwrap()
                    .with_timezone(&Utc),
                conversation_id: p["conversation_id"].as_str().map(str::to_owned),
                reply_to_post_id: p["reply_to_post_id"].as_str().map(str::to_owned),
                reposts: count("reposts"),
                likes: count("likes"),
                quotes: count("quotes"),
                hits: score_text(&lexicon, text)
                    .themes
                    .iter()
                    .map(|t| t.hits as u32)
                    .collect(),
            }
        })
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
        // The interval of a share (pinned on its own in stats.rs) follows
        // from the hand-worked counts.
        share_interval: share
            .iter()
            .map(|s| {
                s.and_then(|s| threadlens_report::wilson((s * posts as f64).round() as u64, posts))
            })
            .collect(),
    }
}

#[test]
fn engagement_worked_out_by_hand() {
    let schedule = Schedule::from_file(&fixture("schedule.toml")).unwrap();
    let posts = posts();
    let result = takeover(&schedule, &posts, 2);

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
        // outside: 13, 14, 19, 21, 22. No host posts; participants frank,
        // host_c, mallory and "=cmd" (only the account is left out here);
        // new is empty. Hits: 13 coproduction; 21 and 22 candour.
        row(
            "outside",
            (5, 0, 0, 4),
            None,
            (0, 0, 0),
            None,
            None,
            0,
            [1, 2],
            [Some(0.2), Some(0.4)],
        ),
    ];
    for (got, want) in result.rows.iter().zip(&expected) {
        assert_eq!(got, want, "slot {}", want.slot);
    }
    assert_eq!(result.rows.len(), expected.len());

    let slot_of = |id: &str| {
        let i = posts.iter().position(|p| p.post_id == id).unwrap();
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
