//! text-processing.md §6 as one pass over a post, into reused buffers: the
//! units (words and hashtag segments) with their forms, and the hashtags
//! with their tags. [`analyze`](crate::analyze()) and the scorer both read a
//! post through this, so they cannot disagree.

use std::ops::Range;

use crate::ascii::count_chars;
use crate::byte_tokens::for_each_token;
use crate::emoji_count;
use crate::forms::{Cells, push_lowercase, push_word_form, segment_bounds, segment_bounds_ascii};
use crate::normalize::normalize_into;
use crate::tokenize::{Token, TokenKind};

/// A unit: where it is (bytes of the normalised text;
/// [`Units::char_cursor`] turns them into characters), its form (a range of [`Units::forms`]) and
/// the hashtag it comes from.
#[derive(Debug, Clone)]
pub(crate) struct UnitSpan {
    pub start: usize,
    pub end: usize,
    pub form: Range<usize>,
    pub hashtag: Option<usize>,
}

/// A hashtag: its span from `#` to before any possessive (bytes of the
/// normalised text), its tag (a range of [`Units::tags`]) and its units.
#[derive(Debug, Clone)]
pub(crate) struct HashtagSpan {
    pub start: usize,
    pub end: usize,
    pub tag: Range<usize>,
    pub first_unit: usize,
    pub unit_count: usize,
}

/// Turns byte offsets of a text into character offsets: each call counts
/// only the characters since the last asked, or from the start when the
/// offset is before it.
pub(crate) struct CharCursor<'t> {
    /// The text's bytes; empty when the text is ASCII (offsets are equal).
    bytes: &'t [u8],
    byte: usize,
    chars: usize,
}

impl<'t> CharCursor<'t> {
    /// A cursor at the start of `text`; `ascii` says whether it is ASCII.
    pub fn new(text: &'t str, ascii: bool) -> Self {
        let bytes = if ascii { &[][..] } else { text.as_bytes() };
        CharCursor {
            bytes,
            byte: 0,
            chars: 0,
        }
    }

    /// The character offset of byte offset `byte`.
    pub fn to(&mut self, byte: usize) -> usize {
        if self.bytes.is_empty() {
            return byte;
        }
        if byte < self.byte {
            (self.byte, self.chars) = (0, 0);
        }
        self.chars += count_chars(&self.bytes[self.byte..byte]);
        self.byte = byte;
        self.chars
    }
}

/// Append ASCII `text` lowercased.
fn push_ascii_lowercase(text: &str, out: &mut String) {
    let from = out.len();
    out.push_str(text);
    out[from..].make_ascii_lowercase();
}

/// One post, read: reused from post to post so reading allocates nothing
/// once the buffers have grown.
#[derive(Debug, Default)]
pub(crate) struct Units {
    /// The normalised text.
    pub normalized: String,
    /// The normalised text with its ASCII letters lowercased, then the forms
    /// that are not a piece of it. A plain word's form (and an ASCII
    /// hashtag's segment) is the same bytes of this lowercased copy, so it
    /// is not copied per unit.
    pub forms: String,
    /// The units in order.
    pub units: Vec<UnitSpan>,
    /// Every hashtag's tag, one after another.
    pub tags: String,
    /// The hashtags in order.
    pub hashtags: Vec<HashtagSpan>,
    /// §2 on the text as given.
    pub emoji_count: usize,
    /// Whether the text read is ASCII, and so its normalisation (byte
    /// offsets are characters).
    ascii: bool,
    /// The characters of the hashtag being read.
    body: Vec<char>,
    cells: Cells,
    bounds: Vec<(usize, usize)>,
}

impl Units {
    /// Read `text` (§2-6), replacing what was there.
    pub fn read(&mut self, text: &str) {
        // An ASCII text holds no emoji and is its own normalisation.
        let ascii = text.is_ascii();
        if ascii {
            self.normalized.clear();
            self.normalized.push_str(text);
            self.emoji_count = 0;
        } else {
            normalize_into(text, &mut self.normalized);
            self.emoji_count = emoji_count(text);
        }
        // Taken out while the units are read, so they can borrow it.
        let normalized = std::mem::take(&mut self.normalized);
        self.ascii = ascii;
        self.forms.clear();
        push_ascii_lowercase(&normalized, &mut self.forms);
        self.units.clear();
        self.tags.clear();
        self.hashtags.clear();
        for_each_token(&normalized, |token, plain| match token.kind {
            TokenKind::Word => {
                let form = if plain {
                    token.start..token.end
                } else {
                    let from = self.forms.len();
                    let word = &normalized[token.start..token.end];
                    if word.is_ascii() {
                        self.forms.extend(
                            word.bytes()
                                .filter(|&b| b != b'-')
                                .map(|b| char::from(b.to_ascii_lowercase())),
                        );
                    } else {
                        push_word_form(word, &mut self.forms);
                    }
                    from..self.forms.len()
                };
                self.units.push(UnitSpan {
                    start: token.start,
                    end: token.end,
                    form,
                    hashtag: None,
                });
            }
            TokenKind::Hashtag => self.read_hashtag(&normalized, token),
            TokenKind::Url | TokenKind::Email | TokenKind::Mention => {}
        });
        self.normalized = normalized;
    }

    /// Read the hashtag `token` of `normalized`.
    fn read_hashtag(&mut self, normalized: &str, token: Token) {
        // The body's first byte.
        let offset = token.start + 1;
        let body = &normalized[offset..token.body_end];
        let ascii = body.is_ascii();
        self.bounds.clear();
        if ascii {
            segment_bounds_ascii(body.as_bytes(), &mut self.bounds);
        } else {
            self.body.clear();
            self.body.extend(body.chars());
            segment_bounds(&self.body, &mut self.cells, &mut self.bounds);
        }
        let first_unit = self.units.len();
        // Segments come in order: `byte` is where character `char` of the
        // body starts, moved forward from one segment to the next.
        let (mut char, mut byte) = (0, offset);
        for &(start, end) in &self.bounds {
            let (form, start, end) = if ascii {
                // Bytes are characters: the segment's bytes of `forms`.
                (offset + start..offset + end, offset + start, offset + end)
            } else {
                let from = self.forms.len();
                push_lowercase(&self.body[start..end], &mut self.forms);
                let mut byte_of = |to: usize| {
                    byte += self.body[char..to]
                        .iter()
                        .map(|c| c.len_utf8())
                        .sum::<usize>();
                    char = to;
                    byte
                };
                let start = byte_of(start);
                (from..self.forms.len(), start, byte_of(end))
            };
            self.units.push(UnitSpan {
                start,
                end,
                form,
                hashtag: Some(self.hashtags.len()),
            });
        }
        let from = self.tags.len();
        if ascii {
            self.tags.push_str(&self.forms[offset..token.body_end]);
        } else {
            push_lowercase(&self.body, &mut self.tags);
        }
        self.hashtags.push(HashtagSpan {
            start: token.start,
            end: token.body_end,
            tag: from..self.tags.len(),
            first_unit,
            unit_count: self.units.len() - first_unit,
        });
    }

    /// A cursor turning byte offsets of the normalised text into character
    /// offsets, quickest when each is at or after the last.
    pub fn char_cursor(&self) -> CharCursor<'_> {
        CharCursor::new(&self.normalized, self.ascii)
    }

    /// The form of unit `i`.
    pub fn form(&self, i: usize) -> &str {
        &self.forms[self.units[i].form.clone()]
    }

    /// The tag of hashtag `h`.
    pub fn tag(&self, h: usize) -> &str {
        &self.tags[self.hashtags[h].tag.clone()]
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::analyze;
    use crate::forms::segments;
    use crate::normalize::normalize;
    use crate::tokenize::{TokenKind, tokenize};

    /// `(start, end)` of each unit or hashtag, in characters.
    type Spans = Vec<(usize, usize)>;

    /// Every unit's and hashtag's `(start, end)` in characters, read
    /// literally: the character tokenizer, and the segments of each hashtag's
    /// body counted from the character after its `#`.
    fn literal_spans(text: &str) -> (Spans, Spans) {
        let chars: Vec<char> = normalize(text).chars().collect();
        let (mut units, mut hashtags) = (Vec::new(), Vec::new());
        for token in tokenize(&chars) {
            match token.kind {
                TokenKind::Word => units.push((token.start, token.end)),
                TokenKind::Hashtag => {
                    hashtags.push((token.start, token.body_end));
                    let body = token.start + 1;
                    for s in segments(&chars[body..token.body_end]) {
                        units.push((body + s.start, body + s.end));
                    }
                }
                _ => {}
            }
        }
        (units, hashtags)
    }

    fn spans(text: &str) -> (Spans, Spans) {
        let a = analyze(text);
        (
            a.units.iter().map(|u| (u.start, u.end)).collect(),
            a.hashtags.iter().map(|h| (h.start, h.end)).collect(),
        )
    }

    #[test]
    fn spans_count_characters_of_the_normalised_text() {
        for text in [
            "café #CaféCrème naïve",
            "é #NHS’s #Ü_über_ALLES x\u{0301}y 🙌 #a1B",
            "plain #ASCII text",
            "ﬁne #ﬁX",
        ] {
            assert_eq!(spans(text), literal_spans(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn spans_agree_with_the_literal_reading(text in crate::test_strategies::tricky_text()) {
            proptest::prop_assert_eq!(spans(&text), literal_spans(&text));
        }
    }
}
