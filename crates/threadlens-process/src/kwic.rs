//! Keyword in context: each chosen match with the text around it, for
//! reading a lexicon's hits in place and pruning false positives.

use crate::lexicon::Lexicon;
use crate::score::{Scan, map_scans};

/// One match in context. The three parts are cut from the normalised text
/// (the text spans refer to); line breaks and tabs in them read as spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KwicLine {
    /// Index of the theme in the lexicon.
    pub theme: usize,
    /// Index of the entry in its theme.
    pub entry: usize,
    /// Up to `window` characters before the match.
    pub left: String,
    /// The matched text (a hashtag entry: the whole hashtag).
    pub matched: String,
    /// Up to `window` characters after the match.
    pub right: String,
}

/// The matches of one scanned post in context, `window` characters each
/// side, by theme, then left to right.
pub fn kwic_lines<'s>(scan: &'s Scan<'_>, window: usize) -> impl Iterator<Item = KwicLine> + 's {
    let chars: Vec<char> = scan.normalized.chars().collect();
    let len = chars.len();
    let text = move |from: usize, to: usize| -> String {
        chars[from..to]
            .iter()
            .map(|&c| if c.is_whitespace() { ' ' } else { c })
            .collect()
    };
    scan.matches.iter().map(move |m| KwicLine {
        theme: m.theme,
        entry: m.entry,
        left: text(m.start.saturating_sub(window), m.start),
        matched: text(m.start, m.end),
        right: text(m.end, (m.end + window).min(len)),
    })
}

/// Keyword-in-context lines for many texts, in parallel, in input order:
/// `(index of the text, line)`. `keep` chooses which matches to show.
pub fn kwic_texts<S, F>(
    lexicon: &Lexicon,
    texts: &[S],
    window: usize,
    keep: F,
) -> Vec<(usize, KwicLine)>
where
    S: AsRef<str> + Sync,
    F: Fn(usize, usize) -> bool + Sync,
{
    map_scans(lexicon, texts, |i, scan| {
        kwic_lines(scan, window)
            .filter(|line| keep(line.theme, line.entry))
            .map(|line| (i, line))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn lexicon() -> Lexicon {
        Lexicon::parse(
            include_str!("../tests/data/contract-examples.toml"),
            Path::new("contract-examples.toml"),
        )
        .unwrap()
    }

    #[test]
    fn matches_with_their_context() {
        let lexicon = lexicon();
        let mut scorer = crate::Scorer::new(&lexicon);
        let scan = scorer.scan("We value honest,\ncandid conversations #DutyOfCandour's today");
        let lines: Vec<KwicLine> = kwic_lines(&scan, 10).collect();
        let shown: Vec<(&str, &str, &str)> = lines
            .iter()
            .map(|l| (l.left.as_str(), l.matched.as_str(), l.right.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("We value ", "honest", ", candid c"),
                ("ersations ", "#DutyOfCandour", "'s today"),
            ],
            "10 characters each side; the line break reads as a space"
        );
        assert!(lines.iter().all(|l| l.theme == 1));
    }

    #[test]
    fn many_texts_keep_their_order_and_the_filter() {
        let lexicon = lexicon();
        let texts: Vec<String> = (0..3000)
            .map(|i| {
                if i % 2 == 0 {
                    format!("honest {i}")
                } else {
                    format!("co-production {i}")
                }
            })
            .collect();
        let all = kwic_texts(&lexicon, &texts, 5, |_, _| true);
        assert_eq!(all.len(), 3000);
        assert!(all.windows(2).all(|w| w[0].0 < w[1].0), "input order");
        let candour = kwic_texts(&lexicon, &texts, 5, |theme, _| theme == 1);
        assert_eq!(candour.len(), 1500);
        assert_eq!(candour[1].1.right, " 2");
    }
}
