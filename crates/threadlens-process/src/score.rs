//! text-processing.md §8: counting hits, per theme, greedily left to right.

use rayon::prelude::*;

use crate::analyze::{Analysis, analyze};
use crate::lexicon::{Element, Lexicon, Pattern, Theme};
use crate::stem::stem;

/// One chosen match: which entry, which units, and its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index of the entry in its theme's `entries`.
    pub entry: usize,
    /// First unit covered.
    pub first_unit: usize,
    /// Units covered.
    pub unit_count: usize,
    /// Character offset in the normalised text where the match starts (a
    /// hashtag entry: its `#`).
    pub start: usize,
    /// One past its last character.
    pub end: usize,
}

/// A theme's result for one post.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeScore {
    /// `hits[theme]`: the number of chosen matches.
    pub hits: usize,
    /// `100 × hits / word_count`, 0 when there are no units.
    pub score: f64,
    /// The chosen matches, left to right.
    pub matches: Vec<Match>,
}

/// Everything §8 reports for one post.
#[derive(Debug, Clone, PartialEq)]
pub struct PostScore {
    /// Number of units.
    pub word_count: usize,
    /// Emoji clusters of the text as given.
    pub emoji_count: usize,
    /// One result per theme, in lexicon order.
    pub themes: Vec<ThemeScore>,
}

/// A run of two or more consecutive segments inside one hashtag, read as
/// one unit for terms (§7).
struct Run {
    first_unit: usize,
    unit_count: usize,
    form: String,
    stem: String,
    /// Length in bytes of the form without its last segment.
    before_last: usize,
}

/// What one post offers to match against.
struct Candidates<'a> {
    analysis: &'a Analysis,
    stems: Vec<String>,
    runs: Vec<Run>,
}

impl<'a> Candidates<'a> {
    fn new(analysis: &'a Analysis) -> Self {
        let stems = analysis.units.iter().map(|u| stem(&u.form)).collect();
        let mut runs = Vec::new();
        for h in analysis.hashtags.iter().filter(|h| h.unit_count >= 2) {
            for first in h.first_unit..h.first_unit + h.unit_count {
                let mut form = analysis.units[first].form.clone();
                for last in first + 1..h.first_unit + h.unit_count {
                    let before_last = form.len();
                    form.push_str(&analysis.units[last].form);
                    runs.push(Run {
                        first_unit: first,
                        unit_count: last - first + 1,
                        stem: stem(&form),
                        form: form.clone(),
                        before_last,
                    });
                }
            }
        }
        Candidates {
            analysis,
            stems,
            runs,
        }
    }

    fn unit_matches(&self, element: &Element, unit: usize) -> bool {
        let form = &self.analysis.units[unit].form;
        match element {
            Element::Stem(s) => &self.stems[unit] == s,
            Element::Prefix(p) => form.starts_with(p.as_str()),
            Element::Exact(f) => form == f,
        }
    }

    fn run_matches(element: &Element, run: &Run) -> bool {
        match element {
            Element::Stem(s) => &run.stem == s,
            Element::Exact(f) => &run.form == f,
            // The prefix must reach into the run's last segment.
            Element::Prefix(p) => run.form.starts_with(p.as_str()) && p.len() > run.before_last,
        }
    }

    /// For each unit, the best candidate starting there: longest, then the
    /// entry listed first.
    fn best_starts(&self, theme: &Theme) -> Vec<Option<(usize, usize)>> {
        let n = self.analysis.units.len();
        let mut best: Vec<Option<(usize, usize)>> = vec![None; n];
        let mut offer = |start: usize, len: usize, entry: usize| {
            let better = match best[start] {
                None => true,
                Some((l, e)) => len > l || (len == l && entry < e),
            };
            if better {
                best[start] = Some((len, entry));
            }
        };
        for (k, entry) in theme.entries.iter().enumerate() {
            match &entry.pattern {
                Pattern::Term(element) => {
                    (0..n)
                        .filter(|&i| self.unit_matches(element, i))
                        .for_each(|i| offer(i, 1, k));
                    for run in self.runs.iter().filter(|r| Self::run_matches(element, r)) {
                        offer(run.first_unit, run.unit_count, k);
                    }
                }
                Pattern::Phrase(elements) => {
                    let len = elements.len();
                    for i in (0..n).filter(|&i| i + len <= n) {
                        if elements
                            .iter()
                            .enumerate()
                            .all(|(j, e)| self.unit_matches(e, i + j))
                        {
                            offer(i, len, k);
                        }
                    }
                }
                Pattern::Hashtag(tag) => {
                    for h in self
                        .analysis
                        .hashtags
                        .iter()
                        .filter(|h| &h.tag == tag && h.unit_count > 0)
                    {
                        offer(h.first_unit, h.unit_count, k);
                    }
                }
            }
        }
        best
    }

    fn theme_score(&self, theme: &Theme) -> ThemeScore {
        let best = self.best_starts(theme);
        let units = &self.analysis.units;
        let mut matches = Vec::new();
        let mut i = 0;
        while i < units.len() {
            let Some((len, entry)) = best[i] else {
                i += 1;
                continue;
            };
            let (start, end) = match &theme.entries[entry].pattern {
                Pattern::Hashtag(_) => units[i]
                    .hashtag
                    .map(|h| {
                        (
                            self.analysis.hashtags[h].start,
                            self.analysis.hashtags[h].end,
                        )
                    })
                    .unwrap_or((units[i].start, units[i + len - 1].end)),
                _ => (units[i].start, units[i + len - 1].end),
            };
            matches.push(Match {
                entry,
                first_unit: i,
                unit_count: len,
                start,
                end,
            });
            i += len;
        }
        let hits = matches.len();
        let score = if units.is_empty() {
            0.0
        } else {
            100.0 * hits as f64 / units.len() as f64
        };
        ThemeScore {
            hits,
            score,
            matches,
        }
    }
}

/// Score an analysed post against every theme of `lexicon`.
pub fn score_analysis(lexicon: &Lexicon, analysis: &Analysis) -> PostScore {
    let candidates = Candidates::new(analysis);
    PostScore {
        word_count: analysis.word_count(),
        emoji_count: analysis.emoji_count,
        themes: lexicon
            .themes
            .iter()
            .map(|t| candidates.theme_score(t))
            .collect(),
    }
}

/// Analyse and score one post's text.
pub fn score_text(lexicon: &Lexicon, text: &str) -> PostScore {
    score_analysis(lexicon, &analyze(text))
}

/// Score many texts in parallel (rayon), results in input order.
pub fn score_texts<S: AsRef<str> + Sync>(lexicon: &Lexicon, texts: &[S]) -> Vec<PostScore> {
    texts
        .par_iter()
        .map(|t| score_text(lexicon, t.as_ref()))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The lexicon of text-processing.md §9 (shared with the e2e tests).
    fn contract_lexicon() -> Lexicon {
        let text = include_str!("../tests/data/contract-examples.toml");
        Lexicon::parse(text, Path::new("contract-examples.toml")).unwrap()
    }

    /// The §9 table: word_count and hits per theme.
    #[test]
    fn contract_examples() {
        let lexicon = contract_lexicon();
        let rows = [
            ("Co-production and honesty matter", 4, 1, 0),
            ("#LivedExperience partners were involved", 5, 2, 0),
            ("Honest, candid conversations #DutyOfCandour", 6, 0, 2),
            ("@HorizonsNHS https://t.co/x #CoDesign", 2, 1, 0),
            ("❤️ candour ❤️ jane.doe@nhs.net", 1, 0, 1),
            ("@HorizonsNHS's #NHS’s lived  🙌  experience", 3, 1, 0),
        ];
        for (text, words, coproduction, candour) in rows {
            let s = score_text(&lexicon, text);
            assert_eq!(
                (s.word_count, s.themes[0].hits, s.themes[1].hits),
                (words, coproduction, candour),
                "{text}"
            );
        }
        let texts: Vec<&str> = rows.iter().map(|r| r.0).collect();
        let parallel = score_texts(&lexicon, &texts);
        assert_eq!(
            parallel[2].themes[1].hits, 2,
            "the parallel path gives the same answers"
        );
        assert_eq!(parallel[4].emoji_count, 2);
    }

    #[test]
    fn spans_and_scores() {
        let lexicon = contract_lexicon();
        let s = score_text(&lexicon, "Honest, candid conversations #DutyOfCandour's");
        let candour = &s.themes[1];
        assert_eq!(candour.score, 100.0 * 2.0 / 6.0);
        assert_eq!((candour.matches[0].start, candour.matches[0].end), (0, 6));
        let tag = &candour.matches[1];
        assert_eq!(
            (tag.entry, tag.first_unit, tag.unit_count),
            (3, 3, 3),
            "the hashtag entry covers its three units"
        );
        assert_eq!(
            (tag.start, tag.end),
            (29, 43),
            "the whole hashtag with its #"
        );
        let s = score_text(&lexicon, "#LivedExperience");
        assert_eq!(
            (s.themes[0].matches[0].start, s.themes[0].matches[0].end),
            (1, 16)
        );
        assert_eq!(score_text(&lexicon, "").themes[0].score, 0.0);
    }

    #[test]
    fn prefix_runs_reach_into_the_last_segment() {
        let lex = Lexicon::parse(
            "[lexicon]\nname = \"n\"\nversion = \"1\"\n[[theme]]\nid = \"c\"\nentries = [\"co-produc*\"]\n",
            Path::new("t.toml"),
        )
        .unwrap();
        let s = score_text(&lex, "#CoProductionWeek");
        assert_eq!(s.themes[0].hits, 1);
        assert_eq!(
            s.themes[0].matches[0].unit_count, 2,
            "co+production, not co+production+week"
        );
    }

    #[test]
    fn ties_go_to_the_entry_listed_first_and_units_count_once() {
        let lex = Lexicon::parse(
            "[lexicon]\nname = \"n\"\nversion = \"1\"\n[[theme]]\nid = \"c\"\nentries = [\"involv*\", \"involved\", \"involved people\", \"people\"]\n",
            Path::new("t.toml"),
        )
        .unwrap();
        let s = score_text(&lex, "involved people involved");
        let picked: Vec<(usize, usize)> = s.themes[0]
            .matches
            .iter()
            .map(|m| (m.entry, m.unit_count))
            .collect();
        assert_eq!(
            picked,
            vec![(2, 2), (0, 1)],
            "the phrase is longest; then involv* wins the tie with `involved`"
        );
        assert_eq!(s.themes[0].hits, 2);
    }

    #[test]
    fn runs_never_match_phrase_elements() {
        let lex = Lexicon::parse(
            "[lexicon]\nname = \"n\"\nversion = \"1\"\n[[theme]]\nid = \"c\"\nentries = [\"codesign week\"]\n",
            Path::new("t.toml"),
        )
        .unwrap();
        assert_eq!(score_text(&lex, "#CoDesignWeek").themes[0].hits, 0);
        assert_eq!(score_text(&lex, "codesign week").themes[0].hits, 1);
    }
}
