//! Conversation-clustered bootstrap intervals for shares of posts: replies
//! in one thread are not independent, so whole conversations are drawn with
//! replacement (formats.md §5).

use rustc_hash::FxHashMap;

use crate::intern::Interner;
use crate::stats::quantile;
use threadlens_model::SplitMix64;

/// Per theme, an interval (`None` for a group without posts).
pub(crate) type ThemeIntervals = Vec<Option<(f64, f64)>>;

/// How the bootstrap runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bootstrap {
    /// Resamples per group.
    pub resamples: u32,
    /// The generator's seed: the same seed gives the same intervals.
    pub seed: u64,
}

/// What the bootstrap needs of each scored post: its conversation and
/// which themes it hit.
#[derive(Debug, Default, Clone)]
pub(crate) struct BootPosts {
    themes: usize,
    conversations: Interner,
    /// Per post, its conversation.
    pub conversation: Vec<u32>,
    /// Per post, `themes` flags.
    hits: Vec<bool>,
}

impl BootPosts {
    pub fn new(themes: usize) -> Self {
        BootPosts {
            themes,
            ..BootPosts::default()
        }
    }

    /// Record a post of conversation `conversation` with `hits` per theme.
    pub fn push(&mut self, conversation: &str, hits: &[u32]) {
        let id = self.conversations.number(conversation);
        self.conversation.push(id);
        self.hits.extend(hits.iter().map(|&h| h > 0));
    }

    fn hit(&self, post: usize, theme: usize) -> bool {
        self.hits[post * self.themes + theme]
    }

    /// Per theme, the 95% percentile interval of the share of `members`
    /// (post indexes) with a hit, over `bootstrap.resamples` draws of the
    /// members' conversations with replacement; `None` when there are no
    /// members. `stream` tells groups apart, so each group's draws depend
    /// only on the seed and the group, not on the other groups.
    pub fn intervals(
        &self,
        members: &[usize],
        bootstrap: Bootstrap,
        stream: u64,
    ) -> ThemeIntervals {
        if members.is_empty() || bootstrap.resamples == 0 {
            return vec![None; self.themes];
        }
        // Per conversation: posts, and posts with a hit per theme.
        let mut index: FxHashMap<u32, usize> = FxHashMap::default();
        let mut clusters: Vec<(u64, Vec<u64>)> = Vec::new();
        for &post in members {
            let at = *index.entry(self.conversation[post]).or_insert_with(|| {
                clusters.push((0, vec![0; self.themes]));
                clusters.len() - 1
            });
            let cluster = &mut clusters[at];
            cluster.0 += 1;
            for t in 0..self.themes {
                cluster.1[t] += u64::from(self.hit(post, t));
            }
        }
        let mut rng = SplitMix64::new(
            bootstrap
                .seed
                .wrapping_add(stream.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        );
        let m = clusters.len() as u64;
        let mut samples: Vec<Vec<f64>> =
            vec![Vec::with_capacity(bootstrap.resamples as usize); self.themes];
        let mut with_hit = vec![0u64; self.themes];
        for _ in 0..bootstrap.resamples {
            let mut posts = 0u64;
            with_hit.iter_mut().for_each(|w| *w = 0);
            for _ in 0..m {
                let (n, hits) = &clusters[rng.below(m) as usize];
                posts += n;
                for (w, h) in with_hit.iter_mut().zip(hits) {
                    *w += h;
                }
            }
            for (t, &w) in with_hit.iter().enumerate() {
                samples[t].push(w as f64 / posts as f64);
            }
        }
        samples
            .into_iter()
            .map(|mut s| {
                s.sort_by(f64::total_cmp);
                Some((quantile(&s, 0.025)?, quantile(&s, 0.975)?))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posts() -> BootPosts {
        let mut p = BootPosts::new(2);
        // Conversation a: 3 posts, all hit theme 0; b: 2 posts, none; c: 1, both.
        for (c, hits) in [
            ("a", [1, 0]),
            ("a", [2, 0]),
            ("a", [1, 0]),
            ("b", [0, 0]),
            ("b", [0, 0]),
            ("c", [1, 1]),
        ] {
            p.push(c, &hits);
        }
        p
    }

    #[test]
    fn the_same_seed_gives_the_same_intervals() {
        let p = posts();
        let all: Vec<usize> = (0..6).collect();
        let b = Bootstrap {
            resamples: 500,
            seed: 7,
        };
        assert_eq!(p.intervals(&all, b, 0), p.intervals(&all, b, 0));
        assert_ne!(
            p.intervals(&all, b, 0),
            p.intervals(&all, Bootstrap { seed: 8, ..b }, 0)
        );
        assert_eq!(p.intervals(&[], b, 0), vec![None, None]);
    }

    #[test]
    fn whole_conversations_are_drawn() {
        let p = posts();
        let all: Vec<usize> = (0..6).collect();
        let b = Bootstrap {
            resamples: 2000,
            seed: 1,
        };
        let intervals = p.intervals(&all, b, 0);
        let (low, high) = intervals[0].unwrap();
        // Shares possible when drawing 3 of {a (3/3), b (0/2), c (1/1)}:
        // every share lies between 0 (b, b, b) and 1 (no b).
        assert!(
            (0.0..4.0 / 6.0).contains(&low)
                && (4.0 / 6.0..=1.0).contains(&high)
                && high > 4.0 / 6.0,
            "{low} {high}"
        );
        // A group of one conversation without hits always draws it: 0.
        let one = p.intervals(&[3, 4], b, 0);
        assert_eq!(
            one[0],
            Some((0.0, 0.0)),
            "one conversation without hits: always 0"
        );
    }
}
