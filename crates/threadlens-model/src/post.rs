use serde::{Deserialize, Serialize};

use crate::{Platform, PostKind, Timestamp};

/// One normalised post: a row of `posts.parquet` (formats.md §1).
///
/// Every importer and live source produces exactly this shape. Ids are kept
/// as strings (X ids exceed 2^53); counts are `None` where the platform does
/// not give them, never a made-up zero.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Post {
    /// The network the post is on.
    pub platform: Platform,
    /// Unique per platform: X tweet id, Mastodon status `uri`, Bluesky `at://` URI.
    pub post_id: String,
    /// Link to the post, where known.
    pub url: Option<String>,
    /// When the post was written (UTC, milliseconds).
    pub created_at: Timestamp,
    /// The platform's account id of the author.
    pub author_id: String,
    /// The author's handle without `@` (Mastodon: `user@host`).
    pub author_handle: String,
    /// Display name.
    pub author_name: Option<String>,
    /// Followers at collection time.
    pub author_followers: Option<u64>,
    /// Plain text (text-processing.md §1).
    pub text: String,
    /// Language tag as the platform gives it.
    pub lang: Option<String>,
    /// Repost, reply, quote or original.
    pub kind: PostKind,
    /// Id of the thread's root post.
    pub conversation_id: Option<String>,
    /// The post this one replies to.
    pub reply_to_post_id: Option<String>,
    /// The author of the post this one replies to.
    pub reply_to_author_id: Option<String>,
    /// The reposted post, else the quoted post.
    pub referenced_post_id: Option<String>,
    /// Hashtags, lowercased, without `#`.
    pub hashtags: Vec<String>,
    /// Mentioned handles, without `@`.
    pub mentions: Vec<String>,
    /// Links, expanded where the platform gives it.
    pub urls: Vec<String>,
    /// Public reply count at collection time.
    pub replies: Option<u64>,
    /// Public repost count at collection time.
    pub reposts: Option<u64>,
    /// Public like count at collection time.
    pub likes: Option<u64>,
    /// Public quote count at collection time.
    pub quotes: Option<u64>,
    /// Impressions, where the platform gives them.
    pub impressions: Option<u64>,
    /// The post itself matched the collection's query or file (`false` for
    /// thread context, reply parents and referenced posts).
    pub matched: bool,
    /// The collection (query or file) that brought the post.
    pub source: String,
    /// When the post was collected (UTC, milliseconds).
    pub collected_at: Timestamp,
    /// Mastodon only: the instance-local reference `<host>/<local id>` the
    /// serving instance used for this status, so replies that name their
    /// parent by local id can be resolved to its `uri` later. An added
    /// column (formats.md allows adding); `None` on other platforms.
    pub local_ref: Option<String>,
    /// Mastodon only: `<host>/<local id>` on every instance that served the
    /// status (merged over duplicates), so the instances that saw a post are
    /// recorded and replies from any of them resolve. An added column; empty
    /// on other platforms.
    pub seen_on: Vec<String>,
}

/// The identity of a post: duplicates share it (formats.md §1).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PostKey {
    /// The network.
    pub platform: Platform,
    /// The platform-unique id.
    pub post_id: String,
}

/// What merging a duplicate did to the row already kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeOutcome {
    /// The kept row is exactly as it was.
    Unchanged,
    /// The kept row was replaced or its `matched` flag was raised.
    Updated,
}

impl Post {
    /// A post with only its identity and time set: empty author and text,
    /// no optional fields, `matched`, collected when it was created. For
    /// tests and for callers that fill in the rest field by field.
    pub fn minimal(platform: Platform, post_id: impl Into<String>, created_at: Timestamp) -> Post {
        Post {
            platform,
            post_id: post_id.into(),
            url: None,
            created_at,
            author_id: String::new(),
            author_handle: String::new(),
            author_name: None,
            author_followers: None,
            text: String::new(),
            lang: None,
            kind: PostKind::Original,
            conversation_id: None,
            reply_to_post_id: None,
            reply_to_author_id: None,
            referenced_post_id: None,
            hashtags: Vec::new(),
            mentions: Vec::new(),
            urls: Vec::new(),
            replies: None,
            reposts: None,
            likes: None,
            quotes: None,
            impressions: None,
            matched: true,
            source: String::new(),
            collected_at: created_at,
            local_ref: None,
            seen_on: Vec::new(),
        }
    }

    /// The key duplicates are found by.
    pub fn key(&self) -> PostKey {
        PostKey {
            platform: self.platform,
            post_id: self.post_id.clone(),
        }
    }

    /// Merge another copy of the same post into this one (formats.md §1):
    /// keep the copy with the latest `collected_at` (this one on a tie, so
    /// importing the same file twice changes nothing), with `matched` true
    /// if either copy matched.
    pub fn merge_duplicate(&mut self, other: Post) -> MergeOutcome {
        debug_assert_eq!(self.key(), other.key());
        let matched = self.matched || other.matched;
        let mut seen_on = self.seen_on.clone();
        seen_on.extend(other.seen_on.iter().cloned());
        seen_on.sort();
        seen_on.dedup();
        let mut outcome = MergeOutcome::Unchanged;
        if other.collected_at > self.collected_at && other != *self {
            *self = other;
            outcome = MergeOutcome::Updated;
        }
        if self.seen_on != seen_on {
            self.seen_on = seen_on;
            outcome = MergeOutcome::Updated;
        }
        if self.matched != matched {
            self.matched = matched;
            outcome = MergeOutcome::Updated;
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_timestamp;

    fn post(collected: &str, matched: bool, text: &str) -> Post {
        let mut p = Post::minimal(
            Platform::X,
            "1440716895355764743",
            parse_timestamp("2021-09-22T16:37:29Z").unwrap(),
        );
        p.text = text.into();
        p.matched = matched;
        p.collected_at = parse_timestamp(collected).unwrap();
        p
    }

    #[test]
    fn later_collection_wins_and_matched_is_sticky() {
        let mut kept = post("2021-09-22T17:00:00Z", true, "old");
        let outcome = kept.merge_duplicate(post("2021-09-23T17:00:00Z", false, "new"));
        assert_eq!(outcome, MergeOutcome::Updated);
        assert_eq!(kept.text, "new");
        assert!(kept.matched, "matched stays true when any copy matched");
    }

    #[test]
    fn earlier_copy_only_raises_matched() {
        let mut kept = post("2021-09-23T17:00:00Z", false, "new");
        assert_eq!(
            kept.merge_duplicate(post("2021-09-22T17:00:00Z", true, "old")),
            MergeOutcome::Updated
        );
        assert_eq!(kept.text, "new");
        assert!(kept.matched);
    }

    #[test]
    fn same_copy_twice_changes_nothing() {
        let mut kept = post("2021-09-22T17:00:00Z", true, "same");
        let again = kept.clone();
        assert_eq!(kept.merge_duplicate(again.clone()), MergeOutcome::Unchanged);
        assert_eq!(kept, again);
        // A tie on collected_at keeps the first copy.
        assert_eq!(
            kept.merge_duplicate(post("2021-09-22T17:00:00Z", false, "other")),
            MergeOutcome::Unchanged
        );
        assert_eq!(kept.text, "same");
    }
}
