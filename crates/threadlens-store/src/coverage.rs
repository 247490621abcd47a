//! How complete the collected threads are: for every post the platform says
//! has replies, the replies it reported against the replies in the store.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use chrono::TimeDelta;
use threadlens_model::{Platform, Post, Timestamp};

use crate::{AtomicFile, Error, Result};

/// X's recent search reaches back this far; older threads cannot be completed with it.
pub const X_RECENT_WINDOW_DAYS: i64 = 7;

/// The coverage file written beside `posts.parquet`.
pub const COVERAGE_FILE: &str = "coverage.csv";

/// One post with reported replies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageRow {
    /// Its platform.
    pub platform: Platform,
    /// The post.
    pub post_id: String,
    /// Its conversation's root (the post itself when unknown).
    pub root_id: String,
    /// When it was posted.
    pub created_at: Timestamp,
    /// The reply count the platform gave (the highest seen).
    pub replies_reported: u64,
    /// Stored posts that reply to it.
    pub replies_collected: u64,
}

/// The audit of a store's threads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Posts with reported or collected replies, by platform then id.
    pub rows: Vec<CoverageRow>,
    /// Conversation roots with replies missing.
    pub incomplete_roots: u64,
    /// Of those, X roots older than the recent-search window at collection.
    pub roots_beyond_x_window: u64,
}

impl Coverage {
    /// Audit `posts`: direct replies collected per parent, against the
    /// platform's `replies` count.
    pub fn of(posts: impl IntoIterator<Item = Post>) -> Coverage {
        struct Parent {
            platform: Platform,
            root: String,
            created_at: Timestamp,
            collected_at: Timestamp,
            reported: u64,
        }
        let mut parents: HashMap<(Platform, String), Parent> = HashMap::new();
        let mut collected: HashMap<(Platform, String), u64> = HashMap::new();
        for post in posts {
            if let Some(parent) = &post.reply_to_post_id {
                *collected
                    .entry((post.platform, parent.clone()))
                    .or_default() += 1;
            }
            let reported = post.replies.unwrap_or(0);
            parents.insert(
                (post.platform, post.post_id.clone()),
                Parent {
                    platform: post.platform,
                    root: post
                        .conversation_id
                        .clone()
                        .unwrap_or_else(|| post.post_id.clone()),
                    created_at: post.created_at,
                    collected_at: post.collected_at,
                    reported,
                },
            );
        }
        let mut rows = Vec::new();
        let mut incomplete: HashMap<(Platform, String), bool> = HashMap::new();
        for (key, parent) in &parents {
            let got = collected.get(key).copied().unwrap_or(0);
            if parent.reported == 0 && got == 0 {
                continue;
            }
            rows.push(CoverageRow {
                platform: parent.platform,
                post_id: key.1.clone(),
                root_id: parent.root.clone(),
                created_at: parent.created_at,
                replies_reported: parent.reported,
                replies_collected: got,
            });
            if got < parent.reported {
                let root_key = (parent.platform, parent.root.clone());
                let old = parent.platform == Platform::X
                    && parent.collected_at - parent.created_at
                        > TimeDelta::days(X_RECENT_WINDOW_DAYS);
                let slot = incomplete.entry(root_key).or_default();
                *slot |= old;
            }
        }
        rows.sort_by(|a, b| {
            (a.platform.as_str(), &a.post_id).cmp(&(b.platform.as_str(), &b.post_id))
        });
        Coverage {
            rows,
            incomplete_roots: incomplete.len() as u64,
            roots_beyond_x_window: incomplete.values().filter(|old| **old).count() as u64,
        }
    }

    /// Replies the platforms reported, in all.
    pub fn reported(&self) -> u64 {
        self.rows.iter().map(|r| r.replies_reported).sum()
    }

    /// Replies collected, counted up to each parent's reported count (a
    /// platform's count can lag behind what was collected).
    pub fn collected(&self) -> u64 {
        self.rows
            .iter()
            .map(|r| r.replies_collected.min(r.replies_reported))
            .sum()
    }

    /// "412 of 530 replies collected (78%): 3 roots older than X's 7-day search window".
    pub fn summary(&self) -> String {
        let (got, of) = (self.collected(), self.reported());
        let pct = (got * 100).checked_div(of).unwrap_or(100);
        let mut line = format!("{got} of {of} replies collected ({pct}%)");
        if self.incomplete_roots > 0 {
            line.push_str(&format!(": {} threads incomplete", self.incomplete_roots));
            if self.roots_beyond_x_window > 0 {
                line.push_str(&format!(
                    ", {} of them on X older than the {X_RECENT_WINDOW_DAYS}-day recent-search window",
                    self.roots_beyond_x_window
                ));
            }
        }
        line
    }

    /// Write the rows as CSV (ids and counts only), atomically.
    pub fn write_csv(&self, path: &Path) -> Result<()> {
        let mut file = AtomicFile::create(path)?;
        let io = |source| Error::Io {
            path: path.to_owned(),
            source,
        };
        {
            let w = file.writer();
            writeln!(w, "platform,post_id,root_id,created_at,replies_reported,replies_collected,replies_missing").map_err(io)?;
            for r in &self.rows {
                writeln!(
                    w,
                    "{},{},{},{},{},{},{}",
                    r.platform.as_str(),
                    csv_field(&r.post_id),
                    csv_field(&r.root_id),
                    r.created_at
                        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    r.replies_reported,
                    r.replies_collected,
                    r.replies_reported.saturating_sub(r.replies_collected),
                )
                .map_err(io)?;
            }
        }
        file.commit()
    }
}

/// Quote a field that needs it (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use threadlens_model::PostKind;

    fn post(id: &str, parent: Option<&str>, replies: u64, age_days: i64) -> Post {
        let collected: Timestamp = "2026-11-22T00:00:00Z".parse().unwrap();
        let mut p = Post::minimal(Platform::X, id, collected - TimeDelta::days(age_days));
        p.kind = if parent.is_some() {
            PostKind::Reply
        } else {
            PostKind::Original
        };
        p.reply_to_post_id = parent.map(str::to_owned);
        p.conversation_id = Some("root".into());
        p.replies = Some(replies);
        p.collected_at = collected;
        p
    }

    #[test]
    fn counts_direct_replies_against_reported_counts() {
        let posts = vec![
            post("root", None, 3, 10),
            post("r1", Some("root"), 1, 10),
            post("r2", Some("root"), 0, 10),
            post("r11", Some("r1"), 0, 9),
        ];
        let c = Coverage::of(posts);
        assert_eq!(c.rows.len(), 2);
        assert_eq!((c.reported(), c.collected()), (4, 3));
        assert_eq!(c.incomplete_roots, 1);
        assert_eq!(c.roots_beyond_x_window, 1);
        assert_eq!(
            c.summary(),
            "3 of 4 replies collected (75%): 1 threads incomplete, 1 of them on X older than the 7-day recent-search window"
        );
        let complete = Coverage::of(vec![
            post("root", None, 1, 1),
            post("r1", Some("root"), 0, 1),
        ]);
        assert_eq!(complete.summary(), "1 of 1 replies collected (100%)");
    }
}
