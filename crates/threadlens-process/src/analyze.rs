//! text-processing.md §6: a post as units, with its word and emoji counts.

use crate::units::Units;

/// A hashtag of a post: its tag and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hashtag {
    /// Lowercased, without `#` or possessive (§5).
    pub tag: String,
    /// Character offset of its `#` in the normalised text.
    pub start: usize,
    /// One past its last character, the possessive left out.
    pub end: usize,
    /// Its units: `units[first_unit..first_unit + unit_count]`.
    pub first_unit: usize,
    /// How many units (segments) it has.
    pub unit_count: usize,
}

/// A unit (§6): a word, or one segment of a hashtag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Its form (§5).
    pub form: String,
    /// Character offset in the normalised text.
    pub start: usize,
    /// One past its last character.
    pub end: usize,
    /// The index in [`Analysis::hashtags`] of the hashtag it comes from.
    pub hashtag: Option<usize>,
}

/// Everything scoring needs to know about one post's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// The text after §3; spans are character offsets into it.
    pub normalized: String,
    /// Words and hashtag segments, in order.
    pub units: Vec<Unit>,
    /// Hashtags, in order.
    pub hashtags: Vec<Hashtag>,
    /// Emoji clusters of the text as given (§2).
    pub emoji_count: usize,
}

impl Analysis {
    /// `word_count` (§6): the number of units.
    pub fn word_count(&self) -> usize {
        self.units.len()
    }
}

/// Analyse a post's text: §2 on the text as given, then §3-6. URLs, e-mail
/// addresses and mentions give no units and leave no gap.
pub fn analyze(text: &str) -> Analysis {
    let mut read = Units::default();
    read.read(text);
    // Units, and hashtags, are in increasing order of their bytes.
    let mut chars = read.char_cursor();
    let units = read
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| Unit {
            form: read.form(i).to_owned(),
            start: chars.to(u.start),
            end: chars.to(u.end),
            hashtag: u.hashtag,
        })
        .collect();
    let mut chars = read.char_cursor();
    let hashtags = read
        .hashtags
        .iter()
        .enumerate()
        .map(|(h, span)| Hashtag {
            tag: read.tag(h).to_owned(),
            start: chars.to(span.start),
            end: chars.to(span.end),
            first_unit: span.first_unit,
            unit_count: span.unit_count,
        })
        .collect();
    Analysis {
        units,
        hashtags,
        emoji_count: read.emoji_count,
        normalized: read.normalized,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(a: &Analysis) -> Vec<&str> {
        a.units.iter().map(|u| u.form.as_str()).collect()
    }

    /// The word counts of the contract's §9 table.
    #[test]
    fn contract_examples_word_counts() {
        let cases = [
            ("Co-production and honesty matter", 4),
            ("#LivedExperience partners were involved", 5),
            ("Honest, candid conversations #DutyOfCandour", 6),
            ("@HorizonsNHS https://t.co/x #CoDesign", 2),
            ("❤️ candour ❤️ jane.doe@nhs.net", 1),
            ("@HorizonsNHS's #NHS’s lived  🙌  experience", 3),
        ];
        for (text, words) in cases {
            assert_eq!(analyze(text).word_count(), words, "{text}");
        }
    }

    #[test]
    fn units_forms_and_spans() {
        let a = analyze("@HorizonsNHS's #NHS’s lived  🙌  experience");
        assert_eq!(forms(&a), ["nhs", "lived", "experience"]);
        assert_eq!(a.hashtags[0].tag, "nhs");
        assert_eq!(&a.normalized, "@HorizonsNHS's #NHS's lived  🙌  experience");
        let span = |u: &Unit| {
            a.normalized
                .chars()
                .skip(u.start)
                .take(u.end - u.start)
                .collect::<String>()
        };
        assert_eq!(span(&a.units[0]), "NHS");
        assert_eq!(
            (a.hashtags[0].start, a.hashtags[0].end),
            (15, 19),
            "the hashtag with its #, without 's"
        );
        assert_eq!(a.emoji_count, 1);

        let b = analyze("#CoDesign Co-Production");
        assert_eq!(forms(&b), ["co", "design", "coproduction"]);
        assert_eq!(b.units[1].hashtag, Some(0));
        assert_eq!((b.hashtags[0].first_unit, b.hashtags[0].unit_count), (0, 2));
        assert_eq!(b.units[2].hashtag, None);
    }

    #[test]
    fn empty_and_symbol_only_texts() {
        assert_eq!(analyze("").word_count(), 0);
        let a = analyze("!!! — ... 🙌");
        assert_eq!((a.word_count(), a.emoji_count), (0, 1));
    }
}
