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
    /// Only the `matched` flag was raised; every other field is as it was.
    MatchedRaised,
    /// Some field other than (or besides) `matched` changed.
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

    /// Merge another copy of the same post into this one (formats.md §1),
    /// with the same result whichever copy arrives first: the row is the
    /// copy with the latest `collected_at` (this one on a tie, so importing
    /// the same file twice changes nothing); what that copy leaves empty is
    /// taken from the other ([`Post::fill_from`]); `matched` is true if
    /// either copy matched; `seen_on` is the union of both.
    pub fn merge_duplicate(&mut self, other: Post) -> MergeOutcome {
        debug_assert_eq!(self.key(), other.key());
        let matched = self.matched || other.matched;
        let row_changed = if other.collected_at > self.collected_at {
            let older = std::mem::replace(self, other);
            self.fill_from(&older);
            self.matched = older.matched;
            *self != older
        } else {
            self.fill_from(&other)
        };
        let raised = self.matched != matched;
        self.matched = matched;
        match (row_changed, raised) {
            (true, _) => MergeOutcome::Updated,
            (false, true) => MergeOutcome::MatchedRaised,
            (false, false) => MergeOutcome::Unchanged,
        }
    }

    /// Take from `other` (another copy of this post) what this copy leaves
    /// empty: `None` fields, an empty author id or handle, empty hashtag,
    /// mention and link lists. A copy that thereby names a parent post is a
    /// reply (formats.md §1), and only a reply takes a parent author. Adds
    /// `other`'s `seen_on` entries. Whether anything changed.
    pub fn fill_from(&mut self, other: &Post) -> bool {
        fn option<T: Clone>(mine: &mut Option<T>, theirs: &Option<T>) -> bool {
            if mine.is_none() && theirs.is_some() {
                mine.clone_from(theirs);
                return true;
            }
            false
        }
        fn nonempty<T: Clone + Default + PartialEq>(mine: &mut T, theirs: &T) -> bool {
            if *mine == T::default() && *theirs != T::default() {
                mine.clone_from(theirs);
                return true;
            }
            false
        }
        let mut changed = false;
        changed |= option(&mut self.url, &other.url);
        changed |= option(&mut self.author_name, &other.author_name);
        changed |= option(&mut self.author_followers, &other.author_followers);
        changed |= option(&mut self.lang, &other.lang);
        changed |= option(&mut self.conversation_id, &other.conversation_id);
        changed |= option(&mut self.reply_to_post_id, &other.reply_to_post_id);
        changed |= option(&mut self.referenced_post_id, &other.referenced_post_id);
        changed |= option(&mut self.replies, &other.replies);
        changed |= option(&mut self.reposts, &other.reposts);
        changed |= option(&mut self.likes, &other.likes);
        changed |= option(&mut self.quotes, &other.quotes);
        changed |= option(&mut self.impressions, &other.impressions);
        changed |= option(&mut self.local_ref, &other.local_ref);
        changed |= nonempty(&mut self.author_id, &other.author_id);
        changed |= nonempty(&mut self.author_handle, &other.author_handle);
        changed |= nonempty(&mut self.hashtags, &other.hashtags);
        changed |= nonempty(&mut self.mentions, &other.mentions);
        changed |= nonempty(&mut self.urls, &other.urls);
        // A copy without references (X's default fields) cannot tell a
        // reply; once it names a parent post, it is one.
        if matches!(self.kind, PostKind::Original | PostKind::Quote)
            && self.reply_to_post_id.is_some()
        {
            self.kind = PostKind::Reply;
            changed = true;
        }
        if self.kind == PostKind::Reply {
            changed |= option(&mut self.reply_to_author_id, &other.reply_to_author_id);
        }
        let missing: Vec<&String> = other
            .seen_on
            .iter()
            .filter(|r| !self.seen_on.contains(r))
            .collect();
        if !missing.is_empty() || !self.seen_on.is_sorted() {
            self.seen_on.extend(missing.into_iter().cloned());
            self.seen_on.sort();
            self.seen_on.dedup();
            changed = true;
        }
        changed
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
            MergeOutcome::MatchedRaised
        );
        assert_eq!(kept.text, "new");
        assert!(kept.matched);
    }

    /// Two copies that differ in every field the rule combines: an older,
    /// fuller copy that matched, seen on one instance, and a newer, poorer
    /// one that did not, seen on another.
    fn two_copies() -> (Post, Post) {
        let mut older = post("2021-09-22T17:00:00Z", true, "old text");
        older.kind = PostKind::Reply;
        older.conversation_id = Some("root".into());
        older.reply_to_post_id = Some("parent".into());
        older.reply_to_author_id = Some("42".into());
        older.likes = Some(3);
        older.lang = Some("en".into());
        older.author_id = "7".into();
        older.author_handle = "someone".into();
        older.hashtags = vec!["solvingtogether".into()];
        older.local_ref = Some("a.example/1".into());
        older.seen_on = vec!["a.example/1".into()];
        let mut newer = post("2021-09-22T17:00:02Z", false, "new text");
        newer.likes = Some(5);
        newer.local_ref = Some("b.example/2".into());
        newer.seen_on = vec!["b.example/2".into()];
        (older, newer)
    }

    #[test]
    fn both_arrival_orders_give_the_same_row() {
        let (older, newer) = two_copies();
        let mut first_older = older.clone();
        assert_eq!(
            first_older.merge_duplicate(newer.clone()),
            MergeOutcome::Updated
        );
        let mut first_newer = newer.clone();
        assert_eq!(
            first_newer.merge_duplicate(older.clone()),
            MergeOutcome::Updated
        );
        assert_eq!(first_older, first_newer);
        let merged = first_older;
        // The newer copy's own values win...
        assert_eq!(merged.text, "new text");
        assert_eq!(merged.likes, Some(5));
        assert_eq!(merged.local_ref.as_deref(), Some("b.example/2"));
        assert_eq!(merged.collected_at, newer.collected_at);
        // ...what it lacks comes from the older copy...
        assert_eq!(merged.kind, PostKind::Reply);
        assert_eq!(merged.conversation_id.as_deref(), Some("root"));
        assert_eq!(merged.reply_to_post_id.as_deref(), Some("parent"));
        assert_eq!(merged.reply_to_author_id.as_deref(), Some("42"));
        assert_eq!(merged.lang.as_deref(), Some("en"));
        assert_eq!(
            (merged.author_id.as_str(), merged.author_handle.as_str()),
            ("7", "someone")
        );
        assert_eq!(merged.hashtags, ["solvingtogether"]);
        // ...and the combined fields hold both.
        assert!(merged.matched);
        assert_eq!(merged.seen_on, ["a.example/1", "b.example/2"]);
    }

    /// A copy written before v1.1 counted a leading @mention as a reply
    /// (parent author, no parent post): a newer copy that knows better
    /// stays an original without a parent author.
    #[test]
    fn a_parent_author_alone_does_not_make_a_reply() {
        let mut stale = post("2021-09-22T17:00:00Z", true, "@someone hello");
        stale.kind = PostKind::Reply;
        stale.reply_to_author_id = Some("42".into());
        let fresh = post("2021-09-22T17:00:05Z", true, "@someone hello");
        for (mut first, second) in [(stale.clone(), fresh.clone()), (fresh, stale)] {
            first.merge_duplicate(second);
            assert_eq!(first.kind, PostKind::Original);
            assert_eq!(first.reply_to_author_id, None);
        }
    }

    #[test]
    fn merging_is_idempotent() {
        let (older, newer) = two_copies();
        let mut merged = older.clone();
        merged.merge_duplicate(newer.clone());
        let again = merged.clone();
        assert_eq!(merged.merge_duplicate(older), MergeOutcome::Unchanged);
        assert_eq!(merged.merge_duplicate(newer), MergeOutcome::Unchanged);
        assert_eq!(merged, again);
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
