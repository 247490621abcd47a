//! Slots on the day the clocks change: local times are read with the
//! timezone's rules for that date, so posts land in the right slot.

use std::path::Path;

use chrono::{DateTime, Utc};
use threadlens_report::{Attribution, Schedule, TakeoverPost, takeover};

fn post(id: &str, utc: &str) -> TakeoverPost {
    TakeoverPost {
        post_id: id.into(),
        author: "someone".into(),
        created_at: DateTime::parse_from_rfc3339(utc)
            .unwrap()
            .with_timezone(&Utc),
        conversation_id: Some(id.into()),
        reply_to_post_id: None,
        reposts: 0,
        likes: 0,
        quotes: 0,
        hits: vec![],
    }
}

#[test]
fn posts_follow_bst_before_the_change_and_gmt_after() {
    // 30 October 2022: clocks go back from 02:00 BST to 01:00 GMT.
    let schedule = Schedule::parse(
        r#"
[event]
name = "Clocks"
timezone = "Europe/London"
account = "acct"

[[slot]]
id = "night"
title = "Before the change (BST)"
start = "2022-10-30T00:00"
end = "2022-10-30T00:30"

[[slot]]
id = "morning"
title = "After the change (GMT)"
start = "2022-10-30T09:00"
end = "2022-10-30T10:00"
"#,
        Path::new("clocks.toml"),
    )
    .unwrap();
    let posts = [
        post("a", "2022-10-29T23:10:00Z"), // 00:10 BST: night
        post("b", "2022-10-30T00:10:00Z"), // 01:10 BST: after night
        post("c", "2022-10-30T08:30:00Z"), // 08:30 GMT: before morning
        post("d", "2022-10-30T09:30:00Z"), // 09:30 GMT: morning
    ];
    let result = takeover(&schedule, &posts, 0);
    assert_eq!(
        result.attribution,
        [
            Attribution::Slot(0),
            Attribution::Outside,
            Attribution::Outside,
            Attribution::Slot(1),
        ]
    );
}
