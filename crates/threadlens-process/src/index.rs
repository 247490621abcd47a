//! A lexicon compiled for scoring: hash lookups from a unit's form to the
//! elements it matches, and from elements to the entries that use them, so
//! a post costs one hash lookup per unit however large the lexicon is. The
//! answers for each form are cached per thread (vocabulary is Zipfian: a
//! corpus's forms repeat, and each is stemmed once).

use std::cell::RefCell;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::FxHashMap;

use crate::lexicon::{Element, Pattern, Theme};
use crate::stem::stem;

/// An entry of a theme, by position: `(theme, entry)`.
pub(crate) type EntryRef = (u32, u32);

/// A phrase entry, indexed by its first element.
#[derive(Debug, Clone)]
pub(crate) struct PhraseRef {
    pub entry: EntryRef,
    /// The element ids of the second and later elements.
    pub rest: Vec<u32>,
}

/// The compiled form of a lexicon's themes.
#[derive(Debug, Clone)]
pub(crate) struct Index {
    /// Tells the per-thread caches which lexicon they hold answers for.
    id: u64,
    /// Every distinct element of every entry.
    elements: Vec<Element>,
    by_stem: FxHashMap<String, Vec<u32>>,
    by_exact: FxHashMap<String, Vec<u32>>,
    prefixes: Vec<(String, u32)>,
    /// Per element: the term entries that are just this element.
    pub terms: Vec<Vec<EntryRef>>,
    /// Per element: the phrase entries that start with it.
    pub phrases: Vec<Vec<PhraseRef>>,
    /// Per element: whether some term or phrase entry starts with it (an
    /// element only ever second in phrases, such as `of`, starts none).
    starts_entry: Vec<bool>,
    /// Per tag: the hashtag entries.
    pub hashtags: FxHashMap<String, Vec<EntryRef>>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Answers above this many forms are dropped and relearned, so memory stays
/// flat however long the tail of a corpus's vocabulary.
const CACHE_LIMIT: usize = 1 << 20;

/// Element ids cached above this many are dropped too, so that a [`Span`]'s
/// ends fit in 31 bits beside its flag.
const IDS_LIMIT: usize = 1 << 30;

impl Index {
    /// Compile `themes`.
    pub fn build(themes: &[Theme]) -> Index {
        let mut index = Index {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            elements: Vec::new(),
            by_stem: FxHashMap::default(),
            by_exact: FxHashMap::default(),
            prefixes: Vec::new(),
            terms: Vec::new(),
            phrases: Vec::new(),
            starts_entry: Vec::new(),
            hashtags: FxHashMap::default(),
        };
        for (t, theme) in themes.iter().enumerate() {
            for (e, entry) in theme.entries.iter().enumerate() {
                let entry_ref = (t as u32, e as u32);
                match &entry.pattern {
                    Pattern::Term(element) => {
                        let id = index.element_id(element);
                        index.terms[id as usize].push(entry_ref);
                    }
                    Pattern::Phrase(elements) => {
                        let ids: Vec<u32> = elements.iter().map(|e| index.element_id(e)).collect();
                        if let Some((&first, rest)) = ids.split_first() {
                            index.phrases[first as usize].push(PhraseRef {
                                entry: entry_ref,
                                rest: rest.to_vec(),
                            });
                        }
                    }
                    Pattern::Hashtag(tag) => {
                        index
                            .hashtags
                            .entry(tag.clone())
                            .or_default()
                            .push(entry_ref);
                    }
                }
            }
        }
        index.starts_entry = (index.terms.iter().zip(&index.phrases))
            .map(|(terms, phrases)| !terms.is_empty() || !phrases.is_empty())
            .collect();
        index
    }

    fn element_id(&mut self, element: &Element) -> u32 {
        if let Some(found) = self.elements.iter().position(|e| e == element) {
            return found as u32;
        }
        let id = self.elements.len() as u32;
        match element {
            Element::Stem(s) => self.by_stem.entry(s.clone()).or_default().push(id),
            Element::Exact(f) => self.by_exact.entry(f.clone()).or_default().push(id),
            Element::Prefix(p) => self.prefixes.push((p.clone(), id)),
        }
        self.elements.push(element.clone());
        self.terms.push(Vec::new());
        self.phrases.push(Vec::new());
        id
    }

    /// The length in bytes of element `id` when it is a prefix.
    pub fn prefix_len(&self, id: u32) -> Option<usize> {
        match &self.elements[id as usize] {
            Element::Prefix(p) => Some(p.len()),
            _ => None,
        }
    }

    /// Append the ids of the elements that a unit of form `form` matches
    /// (§7: stem equal, form starting with the prefix, form equal), in
    /// increasing order.
    fn match_form(&self, form: &str, out: &mut Vec<u32>) {
        let start = out.len();
        if let Some(ids) = self.by_stem.get(stem(form).as_str()) {
            out.extend(ids);
        }
        if let Some(ids) = self.by_exact.get(form) {
            out.extend(ids);
        }
        out.extend(
            self.prefixes
                .iter()
                .filter(|(p, _)| form.starts_with(p.as_str()))
                .map(|&(_, id)| id),
        );
        out[start..].sort_unstable();
    }

    /// The term entries a unit of form `form` matches (§7), in lexicon
    /// order; uncached (for occasional questions, not for scoring).
    pub fn term_entries(&self, form: &str) -> Vec<EntryRef> {
        let mut ids = Vec::new();
        self.match_form(form, &mut ids);
        let mut entries: Vec<EntryRef> = ids
            .into_iter()
            .flat_map(|id| self.terms[id as usize].iter().copied())
            .collect();
        entries.sort_unstable();
        entries.dedup();
        entries
    }

    /// Call `f` with this thread's cache of answers for this index.
    pub fn with_cache<R>(&self, f: impl FnOnce(&mut Matches<'_>) -> R) -> R {
        CACHE.with_borrow_mut(|cache| {
            let full = cache.spans.len() + cache.short.len() >= CACHE_LIMIT
                || cache.ids.len() >= IDS_LIMIT;
            if cache.index != self.id || full {
                cache.index = self.id;
                cache.spans.clear();
                cache.short.clear();
                cache.front.fill((0, Span::default()));
                cache.ids.clear();
            }
            f(&mut Matches { index: self, cache })
        })
    }
}

/// The elements each form matches, answered from this thread's cache.
pub(crate) struct Matches<'c> {
    index: &'c Index,
    cache: &'c mut FormCache,
}

impl Matches<'_> {
    /// The ids of the elements `form` matches, in increasing order.
    #[inline]
    pub fn of(&mut self, form: &str) -> &[u32] {
        let span = self.span_in(form.as_bytes(), 0..form.len());
        self.ids_of(span)
    }

    /// The [`Span`] of the cache's ids holding the elements that the form at
    /// `form` of `buffer` matches (bytes between characters; a form that
    /// is not whole UTF-8 matches nothing). The span stays valid while this
    /// cache is borrowed: answers are only ever appended.
    #[inline]
    pub fn span_in(&mut self, buffer: &[u8], form: Range<usize>) -> Span {
        match short_key_in(buffer, form.clone()) {
            Some(key) => match self.cache.front[front_slot(key)] {
                (k, span) if k == key && key != 0 => span,
                _ => self.short_span(key, buffer.get(form).unwrap_or_default()),
            },
            None => self.long_span(buffer.get(form).unwrap_or_default()),
        }
    }

    /// The element ids of `span` (from [`Matches::span_in`]).
    pub fn ids_of(&self, span: Span) -> &[u32] {
        self.cache.ids.get(span.range()).unwrap_or_default()
    }

    /// The span of a short form missing from the front (from the map, or
    /// learnt), which the front then holds.
    #[inline(never)]
    fn short_span(&mut self, key: u64, form: &[u8]) -> Span {
        let cache = &mut *self.cache;
        let span = match cache.short.get(&key) {
            Some(&span) => span,
            None => {
                let span = learn(self.index, form, &mut cache.ids);
                cache.short.insert(key, span);
                span
            }
        };
        cache.front[front_slot(key)] = (key, span);
        span
    }

    /// The span of a form longer than a short key (from the map, or learnt).
    #[inline(never)]
    fn long_span(&mut self, form: &[u8]) -> Span {
        let cache = &mut *self.cache;
        match cache.spans.get(form) {
            Some(&span) => span,
            None => {
                let span = learn(self.index, form, &mut cache.ids);
                cache.spans.insert(form.into(), span);
                span
            }
        }
    }
}

/// Append the elements `form` matches to `ids`; their span there.
fn learn(index: &Index, form: &[u8], ids: &mut Vec<u32>) -> Span {
    let from = ids.len();
    if let Ok(form) = std::str::from_utf8(form) {
        index.match_form(form, ids);
    }
    let starts_entry = ids[from..]
        .iter()
        .any(|&id| index.starts_entry.get(id as usize) == Some(&true));
    Span::new(from, ids.len(), starts_entry)
}

/// Where a form's element ids lie in a [`FormCache`]'s ids, and whether
/// one of them starts a term or phrase entry; eight bytes, so that a cache
/// slot stays sixteen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    from: u32,
    /// The end, and in the top bit whether an element starts an entry.
    to_and_starts: u32,
}

impl Span {
    const STARTS: u32 = 1 << 31;

    fn new(from: usize, to: usize, starts_entry: bool) -> Span {
        let to_and_starts = to as u32 | if starts_entry { Span::STARTS } else { 0 };
        Span {
            from: from as u32,
            to_and_starts,
        }
    }

    /// The range of the cache's ids.
    #[inline]
    pub fn range(self) -> Range<usize> {
        self.from as usize..(self.to_and_starts & !Span::STARTS) as usize
    }

    /// Whether one of the form's elements starts a term or phrase entry:
    /// only then can a match start at its unit.
    #[inline]
    pub fn starts_entry(self) -> bool {
        self.to_and_starts & Span::STARTS != 0
    }
}

/// `KEEP_BYTES[n]` keeps the low `n` bytes of a word (n up to 8).
const KEEP_BYTES: [u64; 9] = {
    let mut masks = [u64::MAX; 9];
    let mut n = 0;
    while n < 8 {
        masks[n] = (1 << (8 * n)) - 1;
        n += 1;
    }
    masks
};

/// Slots of the direct-mapped front of the short-form cache.
const FRONT_SLOTS: usize = 1 << 12;

/// The front slot of a short form's key (Fibonacci hashing).
#[inline]
fn front_slot(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - FRONT_SLOTS.trailing_zeros())) as usize
}

/// A form of at most 8 bytes packed into a number (zero-padded: forms hold
/// no NUL), so most lookups hash and compare one word instead of a string.
///
/// The bytes are read with two overlapping loads (or three single bytes
/// below 4), not one at a time: a byte read twice lands on the same place.
#[inline]
fn short_key(bytes: &[u8]) -> Option<u64> {
    let len = bytes.len();
    let at = |offset: usize| u64::from(bytes[offset]) << (8 * offset);
    match len {
        0 => Some(0),
        1..=3 => Some(at(0) | at(len / 2) | at(len - 1)),
        4..=8 => {
            let word = |from: usize| {
                let mut four = [0; 4];
                four.copy_from_slice(&bytes[from..from + 4]);
                u64::from(u32::from_le_bytes(four)) << (8 * from)
            };
            Some(word(0) | word(len - 4))
        }
        _ => None,
    }
}

/// [`short_key`] of `buffer[form]`, read with one 8-byte load and a mask
/// when eight bytes from the form's start lie in `buffer`.
#[inline]
fn short_key_in(buffer: &[u8], form: Range<usize>) -> Option<u64> {
    let len = form.end.wrapping_sub(form.start);
    match (KEEP_BYTES.get(len), buffer.get(form.start..form.start + 8)) {
        (Some(&keep), Some(eight)) => {
            let mut word = [0; 8];
            word.copy_from_slice(eight);
            Some(u64::from_le_bytes(word) & keep)
        }
        _ => short_key(buffer.get(form).unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_in_place_equal_keys_of_the_bytes() {
        let buffer = b"abcdefghijklmnopqrst";
        for start in 0..=buffer.len() {
            for end in start..=buffer.len() {
                assert_eq!(
                    short_key_in(buffer, start..end),
                    short_key(&buffer[start..end]),
                    "{start}..{end}"
                );
            }
        }
    }

    #[test]
    fn short_keys_pack_the_bytes_in_order_zero_padded() {
        let text = "abcdefghi";
        for len in 0..=text.len() {
            let form = &text[..len];
            let packed = form
                .bytes()
                .rev()
                .fold(0u64, |key, b| (key << 8) | u64::from(b));
            let expected = (len <= 8).then_some(packed);
            assert_eq!(short_key(form.as_bytes()), expected, "{form:?}");
        }
        assert_ne!(short_key(b"ab"), short_key(b"ba"));
        assert_ne!(short_key(b"a"), short_key(b"aa"));
    }
}

/// Per thread: for each form seen, the span of `ids` holding its elements.
pub(crate) struct FormCache {
    index: u64,
    /// The last short form seen in each slot, by [`front_slot`] of its key:
    /// one multiply and one compare answer most lookups (key 0: empty).
    front: Box<[(u64, Span); FRONT_SLOTS]>,
    /// Forms of up to 8 bytes, by [`short_key`].
    short: FxHashMap<u64, Span>,
    /// Longer forms, by their bytes.
    spans: FxHashMap<Box<[u8]>, Span>,
    ids: Vec<u32>,
}

impl Default for FormCache {
    fn default() -> Self {
        FormCache {
            index: 0,
            front: Box::new([(0, Span::default()); FRONT_SLOTS]),
            short: FxHashMap::default(),
            spans: FxHashMap::default(),
            ids: Vec::new(),
        }
    }
}

thread_local! {
    static CACHE: RefCell<FormCache> = RefCell::new(FormCache::default());
}
