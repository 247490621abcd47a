//! text-processing.md §6 as one pass over a post, into reused buffers: the
//! units (words and hashtag segments) with their forms, and the hashtags
//! with their tags. [`analyze`](crate::analyze) and the scorer both read a
//! post through this, so they cannot disagree.

use std::ops::Range;

use crate::emoji_count;
use crate::forms::{Cells, push_lowercase, push_word_form, segment_bounds};
use crate::normalize::normalize_into;
use crate::tokenize::{Token, TokenKind, tokenize_into};

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

/// Characters `start..end` of `normalized`, as a slice of it; `byte_at`
/// is [`Units::byte_at`].
fn text_of<'t>(normalized: &'t str, byte_at: &[usize], start: usize, end: usize) -> &'t str {
    if byte_at.is_empty() {
        &normalized[start..end]
    } else {
        &normalized[byte_at[start]..byte_at[end]]
    }
}

/// Append ASCII `text` lowercased.
fn push_ascii_lowercase(text: &str, out: &mut String) {
    out.extend(text.bytes().map(|b| char::from(b.to_ascii_lowercase())));
}

/// One post, read: reused from post to post so reading allocates nothing
/// once the buffers have grown.
#[derive(Debug, Default)]
pub(crate) struct Units {
    /// The normalised text.
    pub normalized: String,
    /// Its characters; spans index this.
    pub chars: Vec<char>,
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
    /// For non-ASCII text, the byte offset of each character (and of the
    /// end); empty when characters are bytes.
    byte_at: Vec<usize>,
    tokens: Vec<Token>,
    cells: Cells,
    bounds: Vec<(usize, usize)>,
}

impl Units {
    /// Read `text` (§2-6), replacing what was there.
    pub fn read(&mut self, text: &str) {
        normalize_into(text, &mut self.normalized);
        self.chars.clear();
        self.byte_at.clear();
        if self.normalized.is_ascii() {
            self.chars.extend(self.normalized.bytes().map(char::from));
        } else {
            for (at, c) in self.normalized.char_indices() {
                self.chars.push(c);
                self.byte_at.push(at);
            }
            self.byte_at.push(self.normalized.len());
        }
        tokenize_into(&self.chars, &mut self.tokens);
        self.forms.clear();
        self.units.clear();
        self.tags.clear();
        self.hashtags.clear();
        for k in 0..self.tokens.len() {
            let token = self.tokens[k];
            match token.kind {
                TokenKind::Word => {
                    let from = self.forms.len();
                    let word = text_of(&self.normalized, &self.byte_at, token.start, token.end);
                    if word.is_ascii() {
                        self.forms.extend(
                            word.bytes()
                                .filter(|&b| b != b'-')
                                .map(|b| char::from(b.to_ascii_lowercase())),
                        );
                    } else {
                        push_word_form(&self.chars[token.start..token.end], &mut self.forms);
                    }
                    self.units.push(UnitSpan {
                        start: token.start,
                        end: token.end,
                        form: from..self.forms.len(),
                        hashtag: None,
                    });
                }
                TokenKind::Hashtag => self.read_hashtag(token),
                TokenKind::Url | TokenKind::Email | TokenKind::Mention => {}
            }
        }
        self.emoji_count = emoji_count(text);
    }

    fn read_hashtag(&mut self, token: Token) {
        let offset = token.start + 1;
        let body = &self.chars[offset..token.body_end];
        let first_unit = self.units.len();
        self.bounds.clear();
        segment_bounds(body, &mut self.cells, &mut self.bounds);
        for &(start, end) in &self.bounds {
            let from = self.forms.len();
            let segment = text_of(
                &self.normalized,
                &self.byte_at,
                offset + start,
                offset + end,
            );
            if segment.is_ascii() {
                push_ascii_lowercase(segment, &mut self.forms);
            } else {
                push_lowercase(&body[start..end], &mut self.forms);
            }
            self.units.push(UnitSpan {
                start: offset + start,
                end: offset + end,
                form: from..self.forms.len(),
                hashtag: Some(self.hashtags.len()),
            });
        }
        let from = self.tags.len();
        let tag = text_of(&self.normalized, &self.byte_at, offset, token.body_end);
        if tag.is_ascii() {
            push_ascii_lowercase(tag, &mut self.tags);
        } else {
            push_lowercase(body, &mut self.tags);
        }
        self.hashtags.push(HashtagSpan {
            start: token.start,
            end: token.body_end,
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
