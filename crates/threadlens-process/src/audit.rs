//! What each lexicon entry really catches in a corpus: its hits, the forms
//! it matched, whether it ever counts, and the corpus forms that look like
//! an entry but are matched by none (near misses: UK/US spellings, words
//! written apart, one letter off).
//!
//! [`audit_texts`] scans texts in parallel into an [`Audit`] (counts only:
//! memory grows with the vocabulary, not the posts); [`Audit::report`]
//! turns it into plain rows for the report crate's tables.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::lexicon::{Element, Lexicon, Pattern};
use crate::score::Scorer;

/// Posts per rayon task.
const CHUNK: usize = 1024;

/// Counts gathered over a corpus for one lexicon.
#[derive(Debug, Clone, Default)]
pub struct Audit {
    posts: u64,
    /// Per `(theme, entry)`: chosen matches, posts with one, and times it
    /// was a candidate (§8, before the greedy choice).
    entries: FxHashMap<(usize, usize), EntryCounts>,
    /// Per `(theme, entry)`, per matched form: matches.
    forms: FxHashMap<(usize, usize), FxHashMap<String, u64>>,
    /// Every word or segment form in the corpus: occurrences and posts.
    vocabulary: FxHashMap<String, (u64, u64)>,
    /// Two neighbouring words written apart whose joined form a term entry
    /// matches (`co production` for `coproduction`): occurrences.
    split: FxHashMap<(String, String), u64>,
}

#[derive(Debug, Clone, Copy, Default)]
struct EntryCounts {
    hits: u64,
    posts: u64,
    candidates: u64,
}

/// One entry's row.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryAudit {
    /// Index of its theme.
    pub theme: usize,
    /// Index of the entry in its theme.
    pub entry: usize,
    /// What kind of entry: `stem`, `prefix`, `exact`, `phrase`, `hashtag`.
    pub kind: &'static str,
    /// Chosen matches (its hits).
    pub hits: u64,
    /// Posts with at least one of its hits.
    pub posts: u64,
    /// Its share of its theme's hits (`None` when the theme has none).
    pub share_of_theme_hits: Option<f64>,
    /// Places it could have matched before the greedy choice.
    pub candidates: u64,
    /// Matched somewhere, yet never counted: another entry of the theme
    /// always won (§8).
    pub never_counted: bool,
    /// The other themes holding the same entry (same elements).
    pub shared_with: Vec<usize>,
}

/// A form an entry matched.
#[derive(Debug, Clone, PartialEq)]
pub struct FormAudit {
    /// Index of the theme.
    pub theme: usize,
    /// Index of the entry.
    pub entry: usize,
    /// The form (a run of segments joined, a phrase's forms with spaces).
    pub form: String,
    /// Hits it gave.
    pub hits: u64,
}

/// A corpus form no entry matches that looks like one.
#[derive(Debug, Clone, PartialEq)]
pub struct NearMiss {
    /// The form as the corpus has it (two words for `split`).
    pub form: String,
    /// Occurrences in the corpus.
    pub occurrences: u64,
    /// Posts it occurs in (for `split`, occurrences).
    pub posts: u64,
    /// `spelling` (a UK/US variant matches), `split` (written apart, the
    /// joined form matches) or `one_edit` (one letter from a long entry).
    pub kind: &'static str,
    /// The variant that matches, or the entry's word it is one edit from.
    pub resembles: String,
    /// The entry it resembles: `(theme, entry)`.
    pub theme: usize,
    /// Index of the entry.
    pub entry: usize,
}

/// Everything an audit found, as rows.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditReport {
    /// Posts audited.
    pub posts: u64,
    /// One row per entry, in lexicon order.
    pub entries: Vec<EntryAudit>,
    /// The forms each stem and prefix entry (and run) matched, most first.
    pub forms: Vec<FormAudit>,
    /// Near misses, most frequent first.
    pub near_misses: Vec<NearMiss>,
}

impl Audit {
    /// Merge another part of the corpus in.
    pub fn merge(&mut self, other: Audit) {
        self.posts += other.posts;
        for (k, c) in other.entries {
            let mine = self.entries.entry(k).or_default();
            mine.hits += c.hits;
            mine.posts += c.posts;
            mine.candidates += c.candidates;
        }
        for (k, forms) in other.forms {
            let mine = self.forms.entry(k).or_default();
            for (form, n) in forms {
                *mine.entry(form).or_default() += n;
            }
        }
        for (form, (n, p)) in other.vocabulary {
            let mine = self.vocabulary.entry(form).or_default();
            mine.0 += n;
            mine.1 += p;
        }
        for (pair, n) in other.split {
            *self.split.entry(pair).or_default() += n;
        }
    }

    /// Add one post's text.
    fn add(&mut self, lexicon: &Lexicon, scorer: &mut Scorer<'_>, terms: &mut Terms, text: &str) {
        self.posts += 1;
        let scan = scorer.scan(text);
        let mut seen: Vec<(usize, usize)> = Vec::new();
        for m in scan.matches {
            let key = (m.theme, m.entry);
            let counts = self.entries.entry(key).or_default();
            counts.hits += 1;
            if !seen.contains(&key) {
                seen.push(key);
                counts.posts += 1;
            }
            let pattern = &lexicon.themes[m.theme].entries[m.entry].pattern;
            *self
                .forms
                .entry(key)
                .or_default()
                .entry(scan.matched_forms(m, pattern))
                .or_default() += 1;
        }
        for key in scan.candidates() {
            self.entries.entry(key).or_default().candidates += 1;
        }
        let mut forms_here: Vec<&str> = Vec::new();
        for i in 0..scan.word_count {
            let form = scan.unit_form(i);
            let counts = self.vocabulary.entry(form.to_owned()).or_default();
            counts.0 += 1;
            if !forms_here.contains(&form) {
                forms_here.push(form);
                counts.1 += 1;
            }
            // Written apart: two neighbours not in one hashtag whose joined
            // form a term entry matches while neither does alone.
            if i + 1 < scan.word_count && !scan.same_hashtag(i) {
                let next = scan.unit_form(i + 1);
                if form.len() >= 2 && next.len() >= 2 && terms.may_start(form, next) {
                    let joined = format!("{form}{next}");
                    if terms.matches(lexicon, &joined)
                        && !terms.matches(lexicon, form)
                        && !terms.matches(lexicon, next)
                    {
                        *self
                            .split
                            .entry((form.to_owned(), next.to_owned()))
                            .or_default() += 1;
                    }
                }
            }
        }
    }

    /// The rows: every entry, the forms each matched, and up to
    /// `max_near_misses` near misses among forms seen at least
    /// `min_occurrences` times.
    pub fn report(
        &self,
        lexicon: &Lexicon,
        min_occurrences: u64,
        max_near_misses: usize,
    ) -> AuditReport {
        let mut theme_hits = vec![0u64; lexicon.themes.len()];
        for (&(t, _), c) in &self.entries {
            theme_hits[t] += c.hits;
        }
        let mut entries = Vec::new();
        for (t, theme) in lexicon.themes.iter().enumerate() {
            for (e, entry) in theme.entries.iter().enumerate() {
                let c = self.entries.get(&(t, e)).copied().unwrap_or_default();
                let shared_with = lexicon
                    .themes
                    .iter()
                    .enumerate()
                    .filter(|&(u, other)| {
                        u != t && other.entries.iter().any(|o| o.pattern == entry.pattern)
                    })
                    .map(|(u, _)| u)
                    .collect();
                entries.push(EntryAudit {
                    theme: t,
                    entry: e,
                    kind: kind(&entry.pattern),
                    hits: c.hits,
                    posts: c.posts,
                    share_of_theme_hits: (theme_hits[t] > 0)
                        .then(|| c.hits as f64 / theme_hits[t] as f64),
                    candidates: c.candidates,
                    never_counted: c.candidates > 0 && c.hits == 0,
                    shared_with,
                });
            }
        }
        let mut forms: Vec<FormAudit> = self
            .forms
            .iter()
            .flat_map(|(&(theme, entry), forms)| {
                forms.iter().map(move |(form, &hits)| FormAudit {
                    theme,
                    entry,
                    form: form.clone(),
                    hits,
                })
            })
            .collect();
        forms.sort_by(|a, b| {
            (a.theme, a.entry, std::cmp::Reverse(a.hits), &a.form).cmp(&(
                b.theme,
                b.entry,
                std::cmp::Reverse(b.hits),
                &b.form,
            ))
        });
        let mut near_misses = self.near_misses(lexicon, min_occurrences);
        near_misses.sort_by(|a, b| {
            (std::cmp::Reverse(a.occurrences), &a.form, a.kind).cmp(&(
                std::cmp::Reverse(b.occurrences),
                &b.form,
                b.kind,
            ))
        });
        near_misses.truncate(max_near_misses);
        AuditReport {
            posts: self.posts,
            entries,
            forms,
            near_misses,
        }
    }

    fn near_misses(&self, lexicon: &Lexicon, min_occurrences: u64) -> Vec<NearMiss> {
        let long_words = long_entry_words(lexicon);
        let mut out = Vec::new();
        for (form, &(occurrences, posts)) in &self.vocabulary {
            if occurrences < min_occurrences || !lexicon.term_matches(form).is_empty() {
                continue;
            }
            if let Some((variant, (theme, entry))) = spelling_variants(form)
                .into_iter()
                .find_map(|v| lexicon.term_matches(&v).first().map(|&m| (v, m)))
            {
                out.push(NearMiss {
                    form: form.clone(),
                    occurrences,
                    posts,
                    kind: "spelling",
                    resembles: variant,
                    theme,
                    entry,
                });
                continue;
            }
            if let Some((word, theme, entry)) =
                long_words.iter().find(|(word, ..)| one_edit(form, word))
            {
                out.push(NearMiss {
                    form: form.clone(),
                    occurrences,
                    posts,
                    kind: "one_edit",
                    resembles: word.clone(),
                    theme: *theme,
                    entry: *entry,
                });
            }
        }
        for ((first, second), &occurrences) in &self.split {
            if occurrences < min_occurrences {
                continue;
            }
            let joined = format!("{first}{second}");
            if let Some(&(theme, entry)) = lexicon.term_matches(&joined).first() {
                out.push(NearMiss {
                    form: format!("{first} {second}"),
                    occurrences,
                    posts: occurrences,
                    kind: "split",
                    resembles: joined,
                    theme,
                    entry,
                });
            }
        }
        out
    }
}

/// Whether forms match a term entry, remembered, and a quick test of
/// whether a form can begin one (its first three letters begin an entry's
/// word), so pairs of neighbours cost a lookup only when they might.
#[derive(Debug, Default)]
struct Terms {
    starts: rustc_hash::FxHashSet<String>,
    known: FxHashMap<String, bool>,
}

impl Terms {
    fn new(lexicon: &Lexicon) -> Terms {
        let mut starts = rustc_hash::FxHashSet::default();
        for theme in &lexicon.themes {
            for entry in &theme.entries {
                if let Pattern::Term(_) = entry.pattern {
                    let word = crate::forms::word_form(
                        entry
                            .text
                            .trim()
                            .trim_start_matches('=')
                            .trim_end_matches('*'),
                    );
                    starts.insert(word.chars().take(3).collect());
                }
            }
        }
        Terms {
            starts,
            known: FxHashMap::default(),
        }
    }

    fn may_start(&self, first: &str, second: &str) -> bool {
        let start: String = first.chars().chain(second.chars()).take(3).collect();
        self.starts.contains(&start)
    }

    fn matches(&mut self, lexicon: &Lexicon, form: &str) -> bool {
        if let Some(&known) = self.known.get(form) {
            return known;
        }
        let found = !lexicon.term_matches(form).is_empty();
        if self.known.len() < 1 << 20 {
            self.known.insert(form.to_owned(), found);
        }
        found
    }
}

/// Audit `texts` against `lexicon`, in parallel.
pub fn audit_texts<S: AsRef<str> + Sync>(lexicon: &Lexicon, texts: &[S]) -> Audit {
    texts
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut scorer = Scorer::new(lexicon);
            let mut terms = Terms::new(lexicon);
            let mut part = Audit::default();
            for text in chunk {
                part.add(lexicon, &mut scorer, &mut terms, text.as_ref());
            }
            part
        })
        .reduce(Audit::default, |mut a, b| {
            a.merge(b);
            a
        })
}

/// The kind of an entry, for the table.
fn kind(pattern: &Pattern) -> &'static str {
    match pattern {
        Pattern::Term(Element::Stem(_)) => "stem",
        Pattern::Term(Element::Prefix(_)) => "prefix",
        Pattern::Term(Element::Exact(_)) => "exact",
        Pattern::Phrase(_) => "phrase",
        Pattern::Hashtag(_) => "hashtag",
    }
}

/// Spelling variants of a form between British and American English
/// (-ise/-ize, -isation/-ization, -our/-or, -yse/-yze, -tre/-ter), one
/// change at a time.
pub fn spelling_variants(form: &str) -> Vec<String> {
    const SWAPS: [(&str, &str); 10] = [
        ("ise", "ize"),
        ("ize", "ise"),
        ("isa", "iza"),
        ("iza", "isa"),
        ("isi", "izi"),
        ("izi", "isi"),
        ("yse", "yze"),
        ("yze", "yse"),
        ("our", "or"),
        ("or", "our"),
    ];
    let mut out = Vec::new();
    for (from, to) in SWAPS {
        for (at, _) in form.match_indices(from) {
            // Not at the start (`ore`, `isle`), and `or` → `our` only at
            // the end or before `s` (candor → candour, not `order`).
            if at < 2 {
                continue;
            }
            let rest = &form[at + from.len()..];
            if from == "or" && (form[..at].ends_with('u') || !(rest.is_empty() || rest == "s")) {
                continue;
            }
            out.push(format!("{}{to}{rest}", &form[..at]));
        }
    }
    for (from, to) in [
        ("tre", "ter"),
        ("ter", "tre"),
        ("tres", "ters"),
        ("ters", "tres"),
    ] {
        if let Some(stem) = form.strip_suffix(from)
            && stem.len() >= 3
        {
            out.push(format!("{stem}{to}"));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The words of long one-word entries (stem and exact: the written word;
/// prefix: the prefix), at least seven letters, with their entry.
fn long_entry_words(lexicon: &Lexicon) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    for (t, theme) in lexicon.themes.iter().enumerate() {
        for (e, entry) in theme.entries.iter().enumerate() {
            if let Pattern::Term(element) = &entry.pattern {
                let word = crate::forms::word_form(
                    entry
                        .text
                        .trim()
                        .trim_start_matches('=')
                        .trim_end_matches('*'),
                );
                if word.chars().count() >= 7 {
                    let prefix = matches!(element, Element::Prefix(_));
                    out.push((if prefix { format!("{word}*") } else { word }, t, e));
                }
            }
        }
    }
    out
}

/// Whether `form` is one edit (insert, delete, replace or swap of
/// neighbours) from `word`; for a prefix `word*`, whether the form's
/// start is one edit from the prefix.
fn one_edit(form: &str, word: &str) -> bool {
    let form: Vec<char> = form.chars().collect();
    if let Some(prefix) = word.strip_suffix('*') {
        let prefix: Vec<char> = prefix.chars().collect();
        // The form's start, as long as the prefix give or take one.
        return (prefix.len().saturating_sub(1)..=prefix.len() + 1)
            .filter(|&n| n <= form.len() && n > 0)
            .any(|n| distance_is_one(&form[..n], &prefix));
    }
    let word: Vec<char> = word.chars().collect();
    distance_is_one(&form, &word)
}

/// Whether the edit distance of `a` and `b` is exactly 1 (a swap of
/// neighbours counting as one).
fn distance_is_one(a: &[char], b: &[char]) -> bool {
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[common..], &b[common..]);
    match (ra.len(), rb.len()) {
        (x, y) if x == y => {
            ra[1..] == rb[1..] || (x >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        (x, y) if x + 1 == y => ra == &rb[1..],
        _ => &ra[1..] == rb,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn lexicon() -> Lexicon {
        Lexicon::parse(
            "[lexicon]\nname = \"t\"\nversion = \"1\"\n[[theme]]\nid = \"co\"\nentries = [\"coproduc*\", \"organisation\", \"involvement\", \"co-design\"]\n[[theme]]\nid = \"candour\"\nentries = [\"candour\", \"honest\", \"honest conversations\", \"co-design\"]\n",
            Path::new("t.toml"),
        )
        .unwrap()
    }

    #[test]
    fn counts_entries_forms_candidates_and_sharing() {
        let lexicon = lexicon();
        let texts = [
            "Coproduction and coproduced plans. Honest conversations matter.",
            "#CoProduction with our organisation",
            "Honest people, honest conversations",
        ];
        let report = audit_texts(&lexicon, &texts).report(&lexicon, 1, 50);
        assert_eq!(report.posts, 3);
        let row = |t: usize, e: usize| {
            report
                .entries
                .iter()
                .find(|r| (r.theme, r.entry) == (t, e))
                .unwrap()
        };
        assert_eq!(
            (row(0, 0).hits, row(0, 0).posts, row(0, 0).kind),
            (3, 2, "prefix")
        );
        assert_eq!(row(0, 0).share_of_theme_hits, Some(0.75));
        // `honest` is a candidate three times but the phrase wins twice.
        assert_eq!((row(1, 1).hits, row(1, 1).candidates), (1, 3));
        assert!(!row(1, 1).never_counted);
        assert_eq!(row(1, 2).hits, 2);
        // co-design is in both themes; never matched here.
        assert_eq!(row(0, 3).shared_with, [1]);
        assert_eq!((row(0, 3).hits, row(0, 3).candidates), (0, 0));
        let forms: Vec<(&str, u64)> = report
            .forms
            .iter()
            .filter(|f| (f.theme, f.entry) == (0, 0))
            .map(|f| (f.form.as_str(), f.hits))
            .collect();
        assert_eq!(
            forms,
            [("coproduction", 2), ("coproduced", 1)],
            "the run co+production reads as one form"
        );
    }

    #[test]
    fn an_entry_that_always_loses_is_flagged() {
        let lexicon = Lexicon::parse(
            "[lexicon]\nname = \"t\"\nversion = \"1\"\n[[theme]]\nid = \"a\"\nentries = [\"honest conversation\", \"conversation\"]\n",
            Path::new("t.toml"),
        )
        .unwrap();
        let texts = ["honest conversation", "honest conversations"];
        let report = audit_texts(&lexicon, &texts).report(&lexicon, 1, 50);
        let loser = &report.entries[1];
        assert_eq!(
            (loser.hits, loser.candidates, loser.never_counted),
            (0, 2, true)
        );
    }

    #[test]
    fn near_misses_spelling_split_and_one_edit() {
        let lexicon = lexicon();
        let texts = [
            "our organization values orgnisation in co production",
            "the organization and co production again; candor please",
        ];
        let report = audit_texts(&lexicon, &texts).report(&lexicon, 1, 50);
        let found: Vec<(&str, &str, &str)> = report
            .near_misses
            .iter()
            .map(|n| (n.form.as_str(), n.kind, n.resembles.as_str()))
            .collect();
        assert!(
            found.contains(&("organization", "spelling", "organisation")),
            "{found:?}"
        );
        assert!(
            found.contains(&("candor", "spelling", "candour")),
            "{found:?}"
        );
        assert!(
            found.contains(&("co production", "split", "coproduction")),
            "{found:?}"
        );
        assert!(
            found.contains(&("orgnisation", "one_edit", "organisation")),
            "{found:?}"
        );
        assert_eq!(report.near_misses[0].occurrences, 2, "most frequent first");
    }

    #[test]
    fn spelling_variants_and_edits() {
        assert!(spelling_variants("organisation").contains(&"organization".to_owned()));
        assert!(spelling_variants("colour").contains(&"color".to_owned()));
        assert!(spelling_variants("candor").contains(&"candour".to_owned()));
        assert!(spelling_variants("centre").contains(&"center".to_owned()));
        assert!(spelling_variants("analyse").contains(&"analyze".to_owned()));
        assert!(!spelling_variants("order").contains(&"ourder".to_owned()));
        assert!(one_edit("involvment", "involvement"));
        assert!(one_edit("recieve", "receive"));
        assert!(!one_edit("involvement", "involvement"));
        assert!(!one_edit("involve", "involvement"));
        assert!(one_edit("transparant", "transparen*"));
    }
}
