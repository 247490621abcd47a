//! Whole synthetic collections in the platforms' own formats: a takeover
//! day's host posts, reply threads of realistic depth (some replies hours
//! late), reposts and quotes, Zipfian participants, hashtags, emoji, links
//! and mentions, mostly English with some Welsh and French, public counts
//! that favour host posts. Posts are written as they are made, keeping
//! only a bounded window of recent posts to reply to, so any number of
//! posts takes the same memory. Every handle is made up.

use std::collections::VecDeque;
use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use serde::Serialize;

use crate::{SplitMix64, TextGenerator};

/// A takeover slot, as the generator needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthSlot {
    /// The hosts' handles (without `@`).
    pub hosts: Vec<String>,
    /// Start, Unix milliseconds.
    pub start_ms: i64,
    /// End (exclusive), Unix milliseconds.
    pub end_ms: i64,
}

/// The event a corpus is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthEvent {
    /// The account taken over (without `@`).
    pub account: String,
    /// The event's hashtag (without `#`).
    pub hashtag: String,
    /// Its slots, in start order (at least one).
    pub slots: Vec<SynthSlot>,
}

impl SynthEvent {
    /// A plain day without a schedule: eight one-hour slots from 08:00 UTC
    /// on 28 June 2022, hosts `host_1` to `host_8`.
    pub fn default_day() -> SynthEvent {
        let day = 1_656_374_400_000; // 2022-06-28T00:00:00Z
        let hour = 3_600_000;
        SynthEvent {
            account: "improve_nhs_demo".into(),
            hashtag: "SolvingTogether".into(),
            slots: (0..8)
                .map(|k| SynthSlot {
                    hosts: vec![format!("host_{}", k + 1)],
                    start_ms: day + (8 + k) * hour,
                    end_ms: day + (9 + k) * hour,
                })
                .collect(),
        }
    }
}

/// The formats a corpus can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorpusFormat {
    /// twarc2 JSONL: X API v2 response pages of 100 tweets with `__twarc`.
    Twarc2,
    /// X API v2 search responses, one per line.
    XV2,
    /// Mastodon statuses, one per line.
    Mastodon,
    /// Bluesky feed items (a post, or a repost of one), one per line.
    Bluesky,
    /// threadlens' generic JSONL.
    Jsonl,
}

impl CorpusFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [CorpusFormat; 5] = [
        Self::Twarc2,
        Self::XV2,
        Self::Mastodon,
        Self::Bluesky,
        Self::Jsonl,
    ];

    /// Its name on the command line (that of the importer that reads it).
    pub fn name(self) -> &'static str {
        match self {
            Self::Twarc2 => "twarc2",
            Self::XV2 => "x-v2",
            Self::Mastodon => "mastodon",
            Self::Bluesky => "bluesky",
            Self::Jsonl => "jsonl",
        }
    }

    /// What the output looks like, in a line (for `--help`).
    pub fn description(self) -> &'static str {
        match self {
            Self::Twarc2 => "X API v2 pages of 100 tweets with __twarc, one per line",
            Self::XV2 => "X API v2 search responses, one per line",
            Self::Mastodon => "statuses, one per line (boosts wrap the boosted status)",
            Self::Bluesky => "feed items, one per line (reposts carry the reposted post)",
            Self::Jsonl => "threadlens's generic JSONL",
        }
    }
}

impl fmt::Display for CorpusFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for CorpusFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown corpus format `{s}` (known: {})",
                    Self::ALL.map(Self::name).join(", ")
                )
            })
    }
}

/// What a corpus holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A post that replies to nothing.
    Original,
    /// A reply.
    Reply,
    /// A quote of another post.
    Quote,
    /// A repost.
    Repost,
}

/// One made-up post.
#[derive(Debug, Clone)]
pub struct SynthPost {
    /// Sequence number (ids are made from it per platform).
    pub n: u64,
    /// Author handle.
    pub author: String,
    /// Unix milliseconds.
    pub created_ms: i64,
    /// Text (empty for reposts, whose text is the original's).
    pub text: String,
    /// `en`, `cy` or `fr`.
    pub lang: &'static str,
    /// What it is.
    pub kind: Kind,
    /// The post it replies to, quotes or reposts.
    pub parent: Option<Parent>,
    /// Its conversation's root.
    pub root: u64,
    /// Public counts.
    pub likes: u64,
    /// Reposts of it.
    pub reposts: u64,
    /// Replies to it.
    pub replies: u64,
    /// Hashtags in its text, without `#`.
    pub hashtags: Vec<String>,
}

/// A post others can answer.
#[derive(Debug, Clone)]
pub struct Parent {
    /// Its sequence number.
    pub n: u64,
    /// Its author.
    pub author: String,
    /// When it was posted.
    pub created_ms: i64,
    /// Its conversation's root.
    pub root: u64,
    /// The root's author.
    pub root_author: String,
    /// Its reply depth.
    pub depth: u32,
    /// Its text.
    pub text: String,
    /// Whether a host posted it.
    pub host: bool,
}

/// How many recent posts stay available to reply to.
const WINDOW: usize = 4096;

/// Makes posts one at a time.
pub struct Generator {
    rng: SplitMix64,
    text: TextGenerator,
    event: SynthEvent,
    participants: usize,
    next: u64,
    recent: VecDeque<Parent>,
    hosts: VecDeque<Parent>,
}

impl Generator {
    /// A generator for about `posts` posts around `event`.
    pub fn new(seed: u64, posts: u64, event: SynthEvent) -> Generator {
        Generator {
            rng: SplitMix64::new(seed),
            text: TextGenerator::new(seed ^ 0x5EED_7E47),
            event,
            participants: (posts / 12).max(40) as usize,
            next: 0,
            recent: VecDeque::new(),
            hosts: VecDeque::new(),
        }
    }

    /// The next post.
    pub fn next_post(&mut self) -> SynthPost {
        let n = self.next;
        self.next += 1;
        let roll = self.rng.below(100);
        let first = self.event.slots.first().map_or(0, |s| s.start_ms);
        let last = self
            .event
            .slots
            .iter()
            .map(|s| s.end_ms)
            .max()
            .unwrap_or(first);
        let (text, lang) = self.text.next_post();
        let mut post = SynthPost {
            n,
            author: String::new(),
            created_ms: 0,
            text,
            lang,
            kind: Kind::Original,
            parent: None,
            root: n,
            likes: self.rng.zipf(8) as u64,
            reposts: u64::from(self.rng.percent(10)),
            replies: 0,
            hashtags: Vec::new(),
        };
        let mut host = false;
        if roll < 4 || self.recent.is_empty() {
            // A host post, inside its slot.
            let slot = &self.event.slots[self.rng.below(self.event.slots.len())];
            host = true;
            post.author = if self.rng.percent(30) || slot.hosts.is_empty() {
                self.event.account.clone()
            } else {
                slot.hosts[self.rng.below(slot.hosts.len())].clone()
            };
            post.created_ms = slot.start_ms + self.uniform(slot.end_ms - slot.start_ms);
            post.likes = 5 + self.rng.below(40) as u64;
            post.reposts = self.rng.below(12) as u64;
            post.replies = 2 + self.rng.below(10) as u64;
            post.text.push_str(&format!(" #{}", self.event.hashtag));
        } else if roll < 52 {
            // A reply, mostly in a host's thread; some arrive hours later.
            let parent = self.pick_parent();
            post.kind = Kind::Reply;
            post.author = self.participant();
            post.created_ms = parent.created_ms + self.reply_delay();
            post.root = parent.root;
            post.parent = Some(parent);
        } else if roll < 67 {
            let parent = self.pick_parent();
            post.kind = Kind::Repost;
            post.author = self.participant();
            post.created_ms = parent.created_ms + self.reply_delay();
            post.text = String::new();
            post.likes = 0;
            post.reposts = 0;
            post.parent = Some(parent);
        } else if roll < 74 {
            let parent = self.pick_parent();
            post.kind = Kind::Quote;
            post.author = self.participant();
            post.created_ms = parent.created_ms + self.reply_delay();
            post.text.push_str(&format!(" #{}", self.event.hashtag));
            post.parent = Some(parent);
        } else {
            // Someone joining in: mostly during the slots.
            post.author = self.participant();
            post.created_ms = if self.rng.percent(70) {
                let slot = &self.event.slots[self.rng.below(self.event.slots.len())];
                slot.start_ms + self.uniform(slot.end_ms - slot.start_ms)
            } else {
                first - 3_600_000 + self.uniform(last - first + 4 * 3_600_000)
            };
            if self.rng.percent(80) {
                post.text.push_str(&format!(" #{}", self.event.hashtag));
            }
        }
        post.hashtags = hashtags(&post.text);
        if post.kind != Kind::Repost {
            let depth = post.parent.as_ref().map_or(0, |p| p.depth + 1);
            let entry = Parent {
                n,
                author: post.author.clone(),
                created_ms: post.created_ms,
                root: post.root,
                root_author: match (&post.kind, &post.parent) {
                    (Kind::Reply, Some(parent)) => parent.root_author.clone(),
                    _ => post.author.clone(),
                },
                depth,
                text: post.text.clone(),
                host,
            };
            if host {
                push_bounded(&mut self.hosts, entry.clone(), 256);
            }
            push_bounded(&mut self.recent, entry, WINDOW);
        }
        post
    }

    fn uniform(&mut self, span: i64) -> i64 {
        self.rng.below(span.max(1) as usize) as i64
    }

    /// Minutes for most replies; one in ten hours later.
    fn reply_delay(&mut self) -> i64 {
        let minute = 60_000;
        if self.rng.percent(10) {
            (60 + self.rng.below(240) as i64) * minute
        } else {
            (1 + self.rng.zipf(45) as i64) * minute + self.uniform(minute)
        }
    }

    fn participant(&mut self) -> String {
        format!("user_{}", self.rng.zipf(self.participants))
    }

    /// A recent post to answer: a host's two times in three; threads
    /// deeper than six turn back to their root's level.
    fn pick_parent(&mut self) -> Parent {
        let pool = if !self.hosts.is_empty() && self.rng.percent(65) {
            &self.hosts
        } else {
            &self.recent
        };
        // Favour the newest.
        let back = self.rng.zipf(pool.len().max(1));
        let i = pool.len().saturating_sub(1 + back);
        let parent = pool[i].clone();
        if parent.depth >= 6 {
            return self
                .recent
                .iter()
                .rev()
                .find(|p| p.n == parent.root)
                .cloned()
                .unwrap_or(parent);
        }
        parent
    }
}

fn push_bounded(queue: &mut VecDeque<Parent>, item: Parent, limit: usize) {
    if queue.len() == limit {
        queue.pop_front();
    }
    queue.push_back(item);
}

/// The hashtags of a text (`#` then letters, digits or `_`).
fn hashtags(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter_map(|w| w.strip_prefix('#'))
        .map(|t| {
            t.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|t| t.chars().any(char::is_alphabetic))
        .collect()
}

/// What writing a corpus produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Posts written (reposts included).
    pub posts: u64,
    /// Bytes written.
    pub bytes: u64,
}

/// Write `posts` posts around `event` in `format` to `out`.
pub fn write_corpus(
    seed: u64,
    posts: u64,
    event: SynthEvent,
    format: CorpusFormat,
    out: &mut impl Write,
) -> io::Result<Written> {
    let mut out = Counting {
        inner: out,
        bytes: 0,
    };
    let mut generator = Generator::new(seed, posts, event);
    let mut page: Vec<SynthPost> = Vec::new();
    for _ in 0..posts {
        let post = generator.next_post();
        match format {
            CorpusFormat::Twarc2 | CorpusFormat::XV2 => {
                page.push(post);
                if page.len() == 100 {
                    crate::platforms::x_page(&page, format == CorpusFormat::Twarc2, &mut out)?;
                    page.clear();
                }
            }
            CorpusFormat::Mastodon => crate::platforms::mastodon(&post, &mut out)?,
            CorpusFormat::Bluesky => crate::platforms::bluesky(&post, &mut out)?,
            CorpusFormat::Jsonl => crate::platforms::generic(&post, &mut out)?,
        }
    }
    if !page.is_empty() {
        crate::platforms::x_page(&page, format == CorpusFormat::Twarc2, &mut out)?;
    }
    out.flush()?;
    Ok(Written {
        posts,
        bytes: out.bytes,
    })
}

/// Counts what passes through.
struct Counting<'a, W: Write> {
    inner: &'a mut W,
    bytes: u64,
}

impl<W: Write> Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Serialise `value` as one JSON line.
pub(crate) fn line(value: &impl Serialize, out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_looks_like_a_takeover_day() {
        let event = SynthEvent::default_day();
        let mut g = Generator::new(11, 5000, event.clone());
        let posts: Vec<SynthPost> = (0..5000).map(|_| g.next_post()).collect();
        let count = |k: Kind| posts.iter().filter(|p| p.kind == k).count();
        assert!(
            (2000..3000).contains(&count(Kind::Reply)),
            "replies {}",
            count(Kind::Reply)
        );
        assert!(
            (500..1000).contains(&count(Kind::Repost)),
            "reposts {}",
            count(Kind::Repost)
        );
        assert!(
            (200..500).contains(&count(Kind::Quote)),
            "quotes {}",
            count(Kind::Quote)
        );
        let is_host = |p: &SynthPost| p.author == event.account || p.author.starts_with("host_");
        let hosts: Vec<&SynthPost> = posts.iter().filter(|p| is_host(p)).collect();
        assert!(hosts.len() > 100, "host posts: {}", hosts.len());
        assert!(
            hosts.iter().all(|p| event
                .slots
                .iter()
                .any(|s| (s.start_ms..s.end_ms).contains(&p.created_ms))),
            "host posts fall inside slots"
        );
        let late = posts
            .iter()
            .filter_map(|p| p.parent.as_ref().map(|q| p.created_ms - q.created_ms))
            .filter(|&d| d >= 3_600_000)
            .count();
        assert!(late > 100, "some replies come hours later: {late}");
        let mut authors: std::collections::HashMap<&str, usize> = Default::default();
        for p in &posts {
            *authors.entry(p.author.as_str()).or_default() += 1;
        }
        let once = authors.values().filter(|&&n| n == 1).count();
        let most = authors.values().max().copied().unwrap_or(0);
        assert!(
            once > 20 && most > 100,
            "Zipfian: {once} one-off, busiest {most}"
        );
        assert!(posts.iter().any(|p| p.lang == "cy") && posts.iter().any(|p| p.lang == "fr"));
    }

    #[test]
    fn threads_stay_at_most_seven_deep() {
        let mut g = Generator::new(5, 3000, SynthEvent::default_day());
        for _ in 0..3000 {
            g.next_post();
        }
        assert!(g.recent.iter().all(|p| p.depth <= 7));
        assert!(
            g.recent.iter().any(|p| p.depth >= 3),
            "some threads are deep"
        );
    }
}
