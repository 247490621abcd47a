use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Error;

/// What a post is in its conversation (`kind` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PostKind {
    /// Neither a repost, a reply nor a quote.
    Original,
    /// Replies to another post.
    Reply,
    /// Quotes another post.
    Quote,
    /// Reposts (retweets, boosts) another post.
    Repost,
}

impl PostKind {
    /// Every kind.
    pub const ALL: [PostKind; 4] = [
        PostKind::Original,
        PostKind::Reply,
        PostKind::Quote,
        PostKind::Repost,
    ];

    /// Decide the kind by formats.md §1: `repost` if it reposts; else `reply`
    /// if it replies; else `quote` if it quotes; else `original`.
    pub fn classify(reposts: bool, replies: bool, quotes: bool) -> PostKind {
        if reposts {
            PostKind::Repost
        } else if replies {
            PostKind::Reply
        } else if quotes {
            PostKind::Quote
        } else {
            PostKind::Original
        }
    }

    /// The name stored in the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Original => "original",
            PostKind::Reply => "reply",
            PostKind::Quote => "quote",
            PostKind::Repost => "repost",
        }
    }
}

impl fmt::Display for PostKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PostKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // The stored spelling first, untrimmed: what every read of a store
        // finds (trimming is a Unicode scan of its own).
        if let Some(exact) = PostKind::ALL.into_iter().find(|k| k.as_str() == s) {
            return Ok(exact);
        }
        let name = s.trim();
        PostKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| Error::UnknownKind(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_is_repost_reply_quote() {
        assert_eq!(PostKind::classify(true, true, true), PostKind::Repost);
        assert_eq!(PostKind::classify(false, true, true), PostKind::Reply);
        assert_eq!(PostKind::classify(false, false, true), PostKind::Quote);
        assert_eq!(PostKind::classify(false, false, false), PostKind::Original);
    }

    #[test]
    fn names_round_trip() {
        for k in PostKind::ALL {
            assert_eq!(k.as_str().parse::<PostKind>().unwrap(), k);
        }
        assert_eq!(" REPLY ".parse::<PostKind>().unwrap(), PostKind::Reply);
        assert!("retweet".parse::<PostKind>().is_err());
    }
}
