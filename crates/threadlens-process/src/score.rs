//! text-processing.md §8: counting hits, per theme, greedily left to right.
//!
//! A [`Scorer`] reads a post into reused buffers, looks each unit's form up
//! in the lexicon's compiled index (one hash lookup per unit, answers cached
//! per thread), collects the candidate matches (terms, runs of segments
//! inside one hashtag, phrases, hashtag entries), and keeps, per theme, the
//! longest candidate at each unit from left to right (ties to the entry
//! listed first). Nothing is allocated per post once the buffers have grown.

use std::cmp::Reverse;

use rayon::prelude::*;

use crate::index::{Index, Matches, Span};
use crate::lexicon::{Lexicon, Pattern};
use crate::units::Units;

/// One chosen match: which theme and entry, which units, and its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index of the theme in the lexicon's `themes`.
    pub theme: usize,
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

/// `<theme>_score` (§8): `100 × hits / word_count`, 0 when there are no units.
pub fn theme_score(hits: usize, word_count: usize) -> f64 {
    if word_count == 0 {
        0.0
    } else {
        100.0 * hits as f64 / word_count as f64
    }
}

/// What scanning one post found; borrowed from the [`Scorer`] until its
/// next post.
#[derive(Debug, Clone, Copy)]
pub struct Scan<'s> {
    /// Number of units.
    pub word_count: usize,
    /// Emoji clusters of the text as given.
    pub emoji_count: usize,
    /// The normalised text; match spans are character offsets into it.
    pub normalized: &'s str,
    /// Every chosen match, by theme, then left to right.
    pub matches: &'s [Match],
    read: &'s Units,
    candidates: &'s [Candidate],
}

impl<'s> Scan<'s> {
    /// The post's hashtags as tags (§5: lowercased, no `#`), in order.
    pub fn hashtags(&self) -> impl Iterator<Item = &'s str> + 's {
        let read = self.read;
        (0..read.hashtags.len()).map(move |h| read.tag(h))
    }

    /// The form of unit `i` (§5).
    pub fn unit_form(&self, i: usize) -> &'s str {
        self.read.form(i)
    }

    /// Whether unit `i` is a segment of a hashtag (not a word).
    pub fn is_segment(&self, i: usize) -> bool {
        self.read.units[i].hashtag.is_some()
    }

    /// Whether units `i` and `i + 1` are segments of the same hashtag.
    pub fn same_hashtag(&self, i: usize) -> bool {
        let units = &self.read.units;
        i + 1 < units.len()
            && units[i].hashtag.is_some()
            && units[i].hashtag == units[i + 1].hashtag
    }

    /// Every candidate match before the greedy choice of §8, as
    /// `(theme, entry)` (an entry appears once per place it could match).
    pub fn candidates(&self) -> impl Iterator<Item = (usize, usize)> + 's {
        self.candidates
            .iter()
            .map(|c| (c.theme as usize, c.entry as usize))
    }

    /// What a match read, in forms: a term's unit (or a run of segments,
    /// joined), a phrase's units separated by spaces, a hashtag entry's
    /// tag with its `#`.
    pub fn matched_forms(&self, m: &Match, pattern: &Pattern) -> String {
        let forms = (m.first_unit..m.first_unit + m.unit_count).map(|i| self.read.form(i));
        match pattern {
            Pattern::Term(_) => forms.collect(),
            Pattern::Phrase(_) => forms.collect::<Vec<_>>().join(" "),
            Pattern::Hashtag(_) => match self.read.units[m.first_unit].hashtag {
                Some(h) => format!("#{}", self.read.tag(h)),
                None => forms.collect(),
            },
        }
    }

    /// `hits[theme]` for every theme of a lexicon with `themes` themes.
    pub fn hits(&self, themes: usize) -> Vec<usize> {
        let mut hits = vec![0; themes];
        for m in self.matches {
            hits[m.theme] += 1;
        }
        hits
    }
}

/// A candidate match (§8), before the greedy choice.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    theme: u32,
    first: u32,
    len: u32,
    entry: u32,
}

/// Scores posts one after another against one lexicon, reusing its buffers.
/// Cheap to create: make one per thread.
#[derive(Debug)]
pub struct Scorer<'l> {
    lexicon: &'l Lexicon,
    read: Units,
    /// Per unit, where the form cache holds the elements it matches (valid
    /// while the cache is borrowed, see [`Matches::ids_of`]).
    unit_ids: Vec<Span>,
    /// The units with an element that starts a term or phrase entry, in
    /// order (most have none).
    matching_units: Vec<u32>,
    run_form: String,
    candidates: Vec<Candidate>,
    chosen: Vec<Match>,
}

impl<'l> Scorer<'l> {
    /// A scorer for `lexicon`.
    pub fn new(lexicon: &'l Lexicon) -> Self {
        Scorer {
            lexicon,
            read: Units::default(),
            unit_ids: Vec::new(),
            matching_units: Vec::new(),
            run_form: String::new(),
            candidates: Vec::new(),
            chosen: Vec::new(),
        }
    }

    /// Analyse `text` and choose its matches for every theme.
    pub fn scan(&mut self, text: &str) -> Scan<'_> {
        self.read.read(text);
        let index = &self.lexicon.index;
        self.candidates.clear();
        index.with_cache(|matches| {
            self.look_up_units(matches);
            self.collect_runs(index, matches);
            self.collect_terms_and_phrases(index, matches);
        });
        self.collect_hashtags(index);
        self.choose();
        Scan {
            word_count: self.read.units.len(),
            emoji_count: self.read.emoji_count,
            normalized: &self.read.normalized,
            matches: &self.chosen,
            read: &self.read,
            candidates: &self.candidates,
        }
    }

    /// Analyse and score `text`, with every theme's matches.
    pub fn score(&mut self, text: &str) -> PostScore {
        let themes = self.lexicon.themes.len();
        let scan = self.scan(text);
        let mut result: Vec<ThemeScore> = (0..themes)
            .map(|_| ThemeScore {
                hits: 0,
                score: 0.0,
                matches: Vec::new(),
            })
            .collect();
        for m in scan.matches {
            result[m.theme].matches.push(m.clone());
        }
        for theme in &mut result {
            theme.hits = theme.matches.len();
            theme.score = theme_score(theme.hits, scan.word_count);
        }
        PostScore {
            word_count: scan.word_count,
            emoji_count: scan.emoji_count,
            themes: result,
        }
    }

    fn look_up_units(&mut self, matches: &mut Matches<'_>) {
        self.unit_ids.clear();
        self.matching_units.clear();
        let Units { units, forms, .. } = &self.read;
        let forms = forms.as_bytes();
        let matching_units = &mut self.matching_units;
        self.unit_ids
            .extend(units.iter().enumerate().map(|(i, unit)| {
                let span = matches.span_in(forms, unit.form.clone());
                // Most forms start no entry.
                if span.starts_entry() {
                    matching_units.push(i as u32);
                }
                span
            }));
    }

    fn collect_terms_and_phrases(&mut self, index: &Index, matches: &Matches<'_>) {
        let Scorer {
            unit_ids,
            matching_units,
            candidates,
            ..
        } = self;
        let elements_of = |unit: usize| matches.ids_of(unit_ids[unit]);
        let n = unit_ids.len();
        for i in matching_units.iter().map(|&i| i as usize) {
            for &id in elements_of(i) {
                for &(theme, entry) in &index.terms[id as usize] {
                    candidates.push(Candidate {
                        theme,
                        first: i as u32,
                        len: 1,
                        entry,
                    });
                }
                for phrase in &index.phrases[id as usize] {
                    let len = 1 + phrase.rest.len();
                    let fits = i + len <= n
                        && phrase
                            .rest
                            .iter()
                            .enumerate()
                            .all(|(j, e)| elements_of(i + 1 + j).contains(e));
                    if fits {
                        candidates.push(Candidate {
                            theme: phrase.entry.0,
                            first: i as u32,
                            len: len as u32,
                            entry: phrase.entry.1,
                        });
                    }
                }
            }
        }
    }

    /// Runs of two or more segments inside one hashtag, read as one unit
    /// for term entries (§7); a prefix must reach into the run's last
    /// segment.
    fn collect_runs(&mut self, index: &Index, matches: &mut Matches<'_>) {
        let Scorer {
            read,
            run_form,
            candidates,
            ..
        } = self;
        for h in read.hashtags.iter().filter(|h| h.unit_count >= 2) {
            let end = h.first_unit + h.unit_count;
            for first in h.first_unit..end {
                run_form.clear();
                run_form.push_str(read.form(first));
                for last in first + 1..end {
                    let before_last = run_form.len();
                    run_form.push_str(read.form(last));
                    for &id in matches.of(run_form) {
                        if index.prefix_len(id).is_some_and(|len| len <= before_last) {
                            continue;
                        }
                        for &(theme, entry) in &index.terms[id as usize] {
                            candidates.push(Candidate {
                                theme,
                                first: first as u32,
                                len: (last - first + 1) as u32,
                                entry,
                            });
                        }
                    }
                }
            }
        }
    }

    fn collect_hashtags(&mut self, index: &Index) {
        if index.hashtags.is_empty() {
            return;
        }
        for (h, span) in self.read.hashtags.iter().enumerate() {
            if span.unit_count == 0 {
                continue;
            }
            if let Some(entries) = index.hashtags.get(self.read.tag(h)) {
                for &(theme, entry) in entries {
                    self.candidates.push(Candidate {
                        theme,
                        first: span.first_unit as u32,
                        len: span.unit_count as u32,
                        entry,
                    });
                }
            }
        }
    }

    /// Per theme, from the left: at each unit not yet covered, the longest
    /// candidate starting there, ties to the entry listed first.
    fn choose(&mut self) {
        self.candidates
            .sort_unstable_by_key(|c| (c.theme, c.first, Reverse(c.len), c.entry));
        self.chosen.clear();
        let units = &self.read.units;
        // A theme's matches, and so their offsets, go from left to right.
        let mut chars = self.read.char_cursor();
        let mut covered_to = 0;
        let mut theme = None;
        for c in &self.candidates {
            if theme != Some(c.theme) {
                theme = Some(c.theme);
                covered_to = 0;
            }
            if c.first < covered_to {
                continue;
            }
            covered_to = c.first + c.len;
            let (first, last) = (c.first as usize, (c.first + c.len - 1) as usize);
            let is_hashtag_entry = matches!(
                self.lexicon.themes[c.theme as usize].entries[c.entry as usize].pattern,
                Pattern::Hashtag(_)
            );
            let (start, end) = match units[first].hashtag {
                Some(h) if is_hashtag_entry => {
                    (self.read.hashtags[h].start, self.read.hashtags[h].end)
                }
                _ => (units[first].start, units[last].end),
            };
            let (start, end) = (chars.to(start), chars.to(end));
            self.chosen.push(Match {
                theme: c.theme as usize,
                entry: c.entry as usize,
                first_unit: first,
                unit_count: c.len as usize,
                start,
                end,
            });
        }
    }
}

/// Analyse and score one post's text.
pub fn score_text(lexicon: &Lexicon, text: &str) -> PostScore {
    Scorer::new(lexicon).score(text)
}

/// Posts per rayon task: large enough that a task's buffers are reused many
/// times, small enough to balance two cores on a batch of a few thousand.
const CHUNK: usize = 1024;

/// Score many texts in parallel (rayon), results in input order.
pub fn score_texts<S: AsRef<str> + Sync>(lexicon: &Lexicon, texts: &[S]) -> Vec<PostScore> {
    texts
        .par_chunks(CHUNK)
        .flat_map_iter(|chunk| {
            let mut scorer = Scorer::new(lexicon);
            chunk
                .iter()
                .map(|t| scorer.score(t.as_ref()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Scan many texts in parallel and keep what `f` takes from each scan, in
/// input order: the building block for callers that need more than counts
/// (matches by entry, context) without a second pass.
pub fn map_scans<S, T, F>(lexicon: &Lexicon, texts: &[S], f: F) -> Vec<T>
where
    S: AsRef<str> + Sync,
    T: Send,
    F: Fn(usize, &Scan<'_>) -> T + Sync,
{
    fold_scans(lexicon, texts, Vec::new, |kept, i, scan| {
        kept.push(f(i, scan))
    })
    .into_iter()
    .flatten()
    .collect()
}

/// Scan many texts in parallel, folding the scans of each run of texts
/// into an accumulator `init` makes (`f` gets it, the text's index and
/// its scan); the accumulators come back in input order, each holding a
/// run of consecutive texts. For callers that keep what the scans found in
/// a few buffers rather than in a value per text.
pub fn fold_scans<S, A, I, F>(lexicon: &Lexicon, texts: &[S], init: I, f: F) -> Vec<A>
where
    S: AsRef<str> + Sync,
    A: Send,
    I: Fn() -> A + Sync,
    F: Fn(&mut A, usize, &Scan<'_>) + Sync,
{
    texts
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut scorer = Scorer::new(lexicon);
            let mut acc = init();
            for (k, text) in chunk.iter().enumerate() {
                f(&mut acc, c * CHUNK + k, &scorer.scan(text.as_ref()));
            }
            acc
        })
        .collect()
}

/// The counts of §8 for many posts, as columns (what `post_scores` needs),
/// without the matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScoreColumns {
    /// `word_count` per post.
    pub word_count: Vec<u32>,
    /// `emoji_count` per post.
    pub emoji_count: Vec<u32>,
    /// `hits[theme][post]`.
    pub hits: Vec<Vec<u32>>,
}

impl ScoreColumns {
    /// Empty columns for `themes` themes, with room for `posts` posts.
    fn with_themes(themes: usize, posts: usize) -> Self {
        ScoreColumns {
            word_count: Vec::with_capacity(posts),
            emoji_count: Vec::with_capacity(posts),
            hits: (0..themes).map(|_| Vec::with_capacity(posts)).collect(),
        }
    }

    fn push(&mut self, scan: &Scan<'_>) {
        self.word_count.push(scan.word_count as u32);
        self.emoji_count.push(scan.emoji_count as u32);
        let first = self.word_count.len() - 1;
        for column in &mut self.hits {
            column.push(0);
        }
        for m in scan.matches {
            self.hits[m.theme][first] += 1;
        }
    }

    fn append(&mut self, mut other: ScoreColumns) {
        self.word_count.append(&mut other.word_count);
        self.emoji_count.append(&mut other.emoji_count);
        for (column, mut more) in self.hits.iter_mut().zip(other.hits) {
            column.append(&mut more);
        }
    }

    /// How many posts.
    pub fn len(&self) -> usize {
        self.word_count.len()
    }

    /// True when there are no posts.
    pub fn is_empty(&self) -> bool {
        self.word_count.is_empty()
    }
}

/// Score many texts in parallel into columns, in input order.
pub fn score_columns<S: AsRef<str> + Sync>(lexicon: &Lexicon, texts: &[S]) -> ScoreColumns {
    let themes = lexicon.themes.len();
    let parts: Vec<ScoreColumns> = texts
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut scorer = Scorer::new(lexicon);
            let mut part = ScoreColumns::with_themes(themes, chunk.len());
            for text in chunk {
                part.push(&scorer.scan(text.as_ref()));
            }
            part
        })
        .collect();
    let mut all = ScoreColumns::with_themes(themes, texts.len());
    for part in parts {
        all.append(part);
    }
    all
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
            (tag.theme, tag.entry, tag.first_unit, tag.unit_count),
            (1, 3, 3, 3),
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
        // Offsets count characters of the normalised text, not bytes: `É`
        // and `é` are two bytes each; the U+FE0F after `❤` is deleted.
        let s = score_text(&lexicon, "Été honest #DutyOfCandour");
        let spans: Vec<_> = s.themes[1]
            .matches
            .iter()
            .map(|m| (m.start, m.end))
            .collect();
        assert_eq!(spans, [(4, 10), (11, 25)]);
        let s = score_text(&lexicon, "❤\u{FE0F} candour");
        assert_eq!(
            (s.themes[1].matches[0].start, s.themes[1].matches[0].end),
            (2, 9)
        );
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
