//! text-processing.md §7-8 read literally, on top of the public analyzer:
//! for every theme, every entry is tried at every unit, the best candidate
//! per starting unit is kept (longest, then the entry listed first), and
//! the greedy pass runs left to right. Slow and obvious on purpose: the
//! fast scorer must agree with it on every input.

use threadlens_process::{Analysis, Element, Lexicon, Pattern, analyze, stem};

/// Per theme, the chosen matches as `(entry, first_unit, unit_count)`.
pub fn reference_matches(lexicon: &Lexicon, text: &str) -> Vec<Vec<(usize, usize, usize)>> {
    let a = analyze(text);
    let stems: Vec<String> = a.units.iter().map(|u| stem(&u.form)).collect();
    let runs = runs(&a);
    lexicon
        .themes
        .iter()
        .map(|theme| {
            let n = a.units.len();
            let mut best: Vec<Option<(usize, usize)>> = vec![None; n];
            let mut offer = |start: usize, len: usize, entry: usize| {
                if best[start].is_none_or(|(l, e)| len > l || (len == l && entry < e)) {
                    best[start] = Some((len, entry));
                }
            };
            let unit_matches = |e: &Element, i: usize| match e {
                Element::Stem(s) => &stems[i] == s,
                Element::Prefix(p) => a.units[i].form.starts_with(p.as_str()),
                Element::Exact(f) => &a.units[i].form == f,
            };
            for (k, entry) in theme.entries.iter().enumerate() {
                match &entry.pattern {
                    Pattern::Term(e) => {
                        for i in 0..n {
                            if unit_matches(e, i) {
                                offer(i, 1, k);
                            }
                        }
                        for run in &runs {
                            let hit = match e {
                                Element::Stem(s) => &stem(&run.form) == s,
                                Element::Exact(f) => &run.form == f,
                                Element::Prefix(p) => {
                                    run.form.starts_with(p.as_str()) && p.len() > run.before_last
                                }
                            };
                            if hit {
                                offer(run.first, run.len, k);
                            }
                        }
                    }
                    Pattern::Phrase(elements) => {
                        for i in 0..n {
                            let len = elements.len();
                            if i + len <= n
                                && elements
                                    .iter()
                                    .enumerate()
                                    .all(|(j, e)| unit_matches(e, i + j))
                            {
                                offer(i, len, k);
                            }
                        }
                    }
                    Pattern::Hashtag(tag) => {
                        for h in a
                            .hashtags
                            .iter()
                            .filter(|h| &h.tag == tag && h.unit_count > 0)
                        {
                            offer(h.first_unit, h.unit_count, k);
                        }
                    }
                }
            }
            let mut chosen = Vec::new();
            let mut i = 0;
            while i < n {
                match best[i] {
                    Some((len, entry)) => {
                        chosen.push((entry, i, len));
                        i += len;
                    }
                    None => i += 1,
                }
            }
            chosen
        })
        .collect()
}

/// A run of two or more consecutive segments of one hashtag.
struct Run {
    first: usize,
    len: usize,
    form: String,
    /// Bytes of the form before its last segment.
    before_last: usize,
}

fn runs(a: &Analysis) -> Vec<Run> {
    let mut runs = Vec::new();
    for h in &a.hashtags {
        let end = h.first_unit + h.unit_count;
        for first in h.first_unit..end {
            let mut form = a.units[first].form.clone();
            for last in first + 1..end {
                let before_last = form.len();
                form.push_str(&a.units[last].form);
                runs.push(Run {
                    first,
                    len: last - first + 1,
                    form: form.clone(),
                    before_last,
                });
            }
        }
    }
    runs
}
