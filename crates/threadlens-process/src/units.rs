//! text-processing.md §6 as one pass over a post, into reused buffers: the
//! units (words and hashtag segments) with their forms, and the hashtags
//! with their tags. [`analyze`](crate::analyze) and the scorer both read a
//! post through this, so they cannot disagree.

use std::ops::Range;

use crate::byte_tokens::for_each_token;
use crate::emoji_count;
use crate::forms::{Cells, push_lowercase, segment_bounds, segment_bounds_ascii, word_form};
use crate::normalize::normalize_into;
use crate::tokenize::{Token, TokenKind};

/// A unit: where it is (characters of the normalised text), its form (a
/// range of [`Units::forms`]) and the hashtag it comes from.
#[derive(Debug, Clone)]
pub(crate) struct UnitSpan {
    pub start: usize,
    pub end: usize,
    pub form: Range<usize>,
    pub hashtag: Option<usize>,
}

/// A hashtag: its span from `#` to before any possessive, its tag (a range
/// of [`Units::tags`]) and its units.
#[derive(Debug, Clone)]
pub(crate) struct HashtagSpan {
    pub start: usize,
    pub end: usize,
    pub tag: Range<usize>,
    pub first_unit: usize,
    pub unit_count: usize,
}

/// Turns byte offsets of a text into character offsets, for offsets that
/// never decrease: each call counts only the characters since the last.
struct CharCursor<'t> {
    /// The text's bytes; empty when the text is ASCII (offsets are equal).
    bytes: &'t [u8],
    byte: usize,
    chars: usize,
}

impl<'t> CharCursor<'t> {
    fn new(text: &'t str) -> Self {
        let bytes = if text.is_ascii() {
            &[][..]
        } else {
            text.as_bytes()
        };
        CharCursor {
            bytes,
            byte: 0,
            chars: 0,
        }
    }

    /// The character offset of byte offset `byte`, at or after the last asked.
    fn to(&mut self, byte: usize) -> usize {
        if self.bytes.is_empty() {
            return byte;
        }
        debug_assert!(byte >= self.byte, "offsets must not decrease");
        // Every byte but a UTF-8 continuation byte starts a character.
        let starts = self.bytes[self.byte.min(byte)..byte]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        self.chars += starts;
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
    /// Every unit's form, one after another.
    pub forms: String,
    /// The units in order.
    pub units: Vec<UnitSpan>,
    /// Every hashtag's tag, one after another.
    pub tags: String,
    /// The hashtags in order.
    pub hashtags: Vec<HashtagSpan>,
    /// §2 on the text as given.
    pub emoji_count: usize,
    /// The characters of the hashtag being read.
    body: Vec<char>,
    cells: Cells,
    bounds: Vec<(usize, usize)>,
}

impl Units {
    /// Read `text` (§2-6), replacing what was there.
    pub fn read(&mut self, text: &str) {
        normalize_into(text, &mut self.normalized);
        // Taken out while the units are read, so they can borrow it.
        let normalized = std::mem::take(&mut self.normalized);
        let mut chars = CharCursor::new(&normalized);
        self.forms.clear();
        self.units.clear();
        self.tags.clear();
        self.hashtags.clear();
        for_each_token(&normalized, |token, plain| match token.kind {
            TokenKind::Word => {
                let from = self.forms.len();
                let word = &normalized[token.start..token.end];
                if plain {
                    push_ascii_lowercase(word, &mut self.forms);
                } else if word.is_ascii() {
                    self.forms.extend(
                        word.bytes()
                            .filter(|&b| b != b'-')
                            .map(|b| char::from(b.to_ascii_lowercase())),
                    );
                } else {
                    self.forms.push_str(&word_form(word));
                }
                let start = chars.to(token.start);
                self.units.push(UnitSpan {
                    start,
                    end: chars.to(token.end),
                    form: from..self.forms.len(),
                    hashtag: None,
                });
            }
            TokenKind::Hashtag => {
                let start = chars.to(token.start);
                self.read_hashtag(&normalized, token, start);
            }
            TokenKind::Url | TokenKind::Email | TokenKind::Mention => {}
        });
        self.normalized = normalized;
        self.emoji_count = emoji_count(text);
    }

    /// Read the hashtag `token` of `normalized`, whose `#` is character `start`.
    fn read_hashtag(&mut self, normalized: &str, token: Token, start: usize) {
        let body = &normalized[token.start + 1..token.body_end];
        let ascii = body.is_ascii();
        self.bounds.clear();
        let body_chars = if ascii {
            segment_bounds_ascii(body.as_bytes(), &mut self.bounds);
            body.len()
        } else {
            self.body.clear();
            self.body.extend(body.chars());
            segment_bounds(&self.body, &mut self.cells, &mut self.bounds);
            self.body.len()
        };
        let offset = start + 1;
        let first_unit = self.units.len();
        for &(start, end) in &self.bounds {
            let from = self.forms.len();
            if ascii {
                push_ascii_lowercase(&body[start..end], &mut self.forms);
            } else {
                push_lowercase(&self.body[start..end], &mut self.forms);
            }
            self.units.push(UnitSpan {
                start: offset + start,
                end: offset + end,
                form: from..self.forms.len(),
                hashtag: Some(self.hashtags.len()),
            });
        }
        let from = self.tags.len();
        if ascii {
            push_ascii_lowercase(body, &mut self.tags);
        } else {
            push_lowercase(&self.body, &mut self.tags);
        }
        self.hashtags.push(HashtagSpan {
            start: offset - 1,
            end: offset + body_chars,
            tag: from..self.tags.len(),
            first_unit,
            unit_count: self.units.len() - first_unit,
        });
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
