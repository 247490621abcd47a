//! What a [`Summary`](crate::Summary) reads of one post, borrowed: from a
//! [`Post`], or straight from a store's [`PostBatch`] without building one.

use threadlens_model::{Platform, Post, PostKind, Timestamp};
use threadlens_store::PostBatch;

/// The fields of a post the summary tables are made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SummaryPost<'a> {
    /// Where it was posted.
    pub platform: Platform,
    /// Its id on that platform.
    pub post_id: &'a str,
    /// When it was posted.
    pub created_at: Timestamp,
    /// Its author's handle as given.
    pub author_handle: &'a str,
    /// Its text as given.
    pub text: &'a str,
    /// Original, reply, quote or repost.
    pub kind: PostKind,
    /// The id of its conversation's root, when known.
    pub conversation_id: Option<&'a str>,
    /// The post it replies to.
    pub reply_to_post_id: Option<&'a str>,
    /// Public counts, when known.
    pub reposts: Option<u64>,
    /// Likes.
    pub likes: Option<u64>,
    /// Quotes.
    pub quotes: Option<u64>,
}

impl<'a> From<&'a Post> for SummaryPost<'a> {
    fn from(post: &'a Post) -> Self {
        SummaryPost {
            platform: post.platform,
            post_id: &post.post_id,
            created_at: post.created_at,
            author_handle: &post.author_handle,
            text: &post.text,
            kind: post.kind,
            conversation_id: post.conversation_id.as_deref(),
            reply_to_post_id: post.reply_to_post_id.as_deref(),
            reposts: post.reposts,
            likes: post.likes,
            quotes: post.quotes,
        }
    }
}

/// Every post of `posts`, in order.
pub fn summary_posts(posts: &[Post]) -> Vec<SummaryPost<'_>> {
    posts.iter().map(SummaryPost::from).collect()
}

/// Every post of a store's `batch`, in order (its columns are filled
/// together; a row some column lacks is left out).
pub fn batch_posts(batch: &PostBatch) -> Vec<SummaryPost<'_>> {
    let texts = batch.text.to_slices();
    let rows = [
        batch.platform.len(),
        batch.post_id.len(),
        batch.created_at.len(),
        batch.author_handle.len(),
        batch.text.len(),
        batch.kind.len(),
        batch.reposts.len(),
        batch.likes.len(),
        batch.quotes.len(),
    ]
    .into_iter()
    .min()
    .unwrap_or(0);
    (0..rows)
        .map(|i| SummaryPost {
            platform: batch.platform[i],
            post_id: batch.post_id.get(i).unwrap_or_default(),
            created_at: batch.created_at[i],
            author_handle: batch.author_handle.get(i).unwrap_or_default(),
            text: texts[i],
            kind: batch.kind[i],
            conversation_id: batch.conversation_id.get(i),
            reply_to_post_id: batch.reply_to_post_id.get(i),
            reposts: batch.reposts[i],
            likes: batch.likes[i],
            quotes: batch.quotes[i],
        })
        .collect()
}
